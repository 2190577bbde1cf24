'use strict'
// doku-checkout/testing: the DOKU emulator in-process, for your own tests.

const { toDokuError, invalidInput } = require('./errors.js')
const main = require('./index.js')

const { formatTimestamp } = main

/** The addon; the in-process emulator has no WebAssembly build (it needs sockets and threads). */
function nativeAddon() {
  if (main.backend !== 'native') {
    throw new Error(
      `doku-checkout/testing's MockServer needs the native addon, and this process uses the WebAssembly build (${main.backendReason}). Run the emulator as a process instead: \`doku-checkout mock\` (the CLI), then pass its URL as baseUrl.`,
    )
  }
  return require('./native.js').nativeAddon()
}

const DEFAULT_CLIENT_ID = 'MCH-TEST-0001'
const DEFAULT_SECRET_KEY = 'SK-TEST-0123456789'

function call(fn) {
  try {
    return fn()
  } catch (err) {
    throw toDokuError(err)
  }
}

/**
 * The headers DOKU would send with `body` to `notificationPath`, signed with `secretKey`: pass
 * them to supertest or fetch to test your own notification endpoint. `requestId` defaults to
 * a new UUID, `timestamp` (a Date or DOKU's text form) to now.
 */
function signNotification({ secretKey, clientId, body, notificationPath, requestId, timestamp } = {}) {
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.isBuffer(body) ? body : body instanceof Uint8Array ? Buffer.from(body) : undefined
  if (raw === undefined) throw invalidInput('body', 'body must be a Buffer, Uint8Array or string')
  const ts = timestamp instanceof Date ? formatTimestamp(timestamp) : timestamp
  if (main.backend !== 'native') return Object.fromEntries(main._signNotificationPairs({ secretKey, clientId, body: raw, notificationPath, requestId, timestamp: ts }))
  return Object.fromEntries(call(() => nativeAddon().nativeSignNotification(secretKey, clientId, raw, notificationPath, requestId ?? undefined, ts ?? undefined)))
}

/**
 * The JSON body DOKU sends about a payment on `channel` ('VIRTUAL_ACCOUNT_BCA' when not given,
 * 'ONLINE_TO_OFFLINE_ALFA', 'CREDIT_CARD', 'QRIS'...): service,
 * acquirer, channel, transaction, order and the channel's own object, the same body the
 * emulator sends. Sign it with signNotification.
 */
function notificationBody({ invoiceNumber, amount, originalRequestId, channel, status = 'SUCCESS', timestamp } = {}) {
  if (typeof amount !== 'number') throw invalidInput('amount', 'amount must be a number of rupiah')
  const ts = timestamp instanceof Date ? formatTimestamp(timestamp) : timestamp
  return call(() => nativeAddon().nativeNotificationBody(invoiceNumber, amount, originalRequestId, channel ?? undefined, status, ts ?? undefined))
}

/** The emulator refused a control call (an unknown order, a state it cannot move from...). */
class MockControlError extends Error {
  constructor(status, message) {
    super(`${message} (HTTP ${status})`)
    this.name = 'MockControlError'
    this.status = status
  }
}

/** The DOKU Checkout emulator on a free 127.0.0.1 port. */
class MockServer {
  constructor(server, clientId, secretKey) {
    this._native = server
    this.clientId = clientId
    this.secretKey = secretKey
    this.url = server.url
  }

  /** Starts an emulator: `await MockServer.start({ clientId, secretKey, port })`. */
  static async start({ clientId = DEFAULT_CLIENT_ID, secretKey = DEFAULT_SECRET_KEY, port = 0, notificationUrl } = {}) {
    return new MockServer(call(() => new (nativeAddon().NativeMockServer)(clientId, secretKey, port, notificationUrl ?? undefined)), clientId, secretKey)
  }

  /** Any `/_mock/` control call (see the emulator's README): resolves to `{ status, body }`. */
  async control(method, path, body) {
    const answer = await this._native.control(method, path, body === undefined || body === null ? undefined : JSON.stringify(body))
    return { status: answer.status, body: JSON.parse(answer.body) }
  }

  async _ok(method, path, body) {
    const { status, body: answer } = await this.control(method, path, body)
    if (status >= 400) throw new MockControlError(status, (answer?.message ?? [JSON.stringify(answer)]).join('; '))
    return answer
  }

  _orderPath(invoiceNumber, action) {
    return `/_mock/orders/${encodeURIComponent(invoiceNumber)}/${action}`
  }

  /** The customer pays (on `channel`, else the order's): notified automatically. */
  pay(invoiceNumber, { channel } = {}) {
    return this._ok('POST', this._orderPath(invoiceNumber, 'pay'), channel ? { channel } : undefined)
  }

  /** A payment attempt fails (FAILED; the customer may still pay): notified automatically. */
  fail(invoiceNumber, { channel } = {}) {
    return this._ok('POST', this._orderPath(invoiceNumber, 'fail'), channel ? { channel } : undefined)
  }

  /** A paid order is refunded (REFUNDED). */
  refund(invoiceNumber) {
    return this._ok('POST', this._orderPath(invoiceNumber, 'refund'))
  }

  /** An expired order created with recover_abandoned_cart is open again (ORDER_RECOVERED). */
  recover(invoiceNumber) {
    return this._ok('POST', this._orderPath(invoiceNumber, 'recover'))
  }

  /** Where paid and failed orders are notified (until reset()). */
  async setNotificationUrl(url) {
    await this._ok('POST', '/_mock/setup', { notification_url: url })
  }

  /** The emulator's time (real time until a test moves it). */
  async clock() {
    return new Date((await this._ok('GET', '/_mock/clock')).unix * 1000)
  }

  /** Moves the emulator's time forward: orders expire, notification retries fall due. */
  async advanceClock(seconds) {
    return new Date((await this._ok('POST', '/_mock/clock', { advance_seconds: seconds })).unix * 1000)
  }

  /** Sets the emulator's time (a Date or DOKU's text form). */
  async setClock(at) {
    await this._ok('POST', '/_mock/clock', { set: at instanceof Date ? formatTimestamp(at) : at })
  }

  /**
   * Every notification with its attempts (after_seconds, status, headers), its body and
   * request_id; with `wait` (the default), once no attempt is due or in flight.
   */
  notifications({ wait = true } = {}) {
    return wait ? this._ok('POST', '/_mock/notifications/wait') : this._ok('GET', '/_mock/notifications')
  }

  /** Adds an order as if a checkout had been created with `originalRequestId`. */
  addOrder(invoiceNumber, { originalRequestId, amount = 10000, paymentMethod = null, state = 'PENDING' } = {}) {
    this.setup({ orders: [{ invoice_number: invoiceNumber, original_request_id: originalRequestId, amount, payment_method: paymentMethod, state }] })
  }

  /** Adds orders and queues faults given in the scenario file format (snake_case). */
  setup({ orders = [], faults = [] } = {}) {
    call(() => this._native.setupJson(JSON.stringify({ orders, faults })))
  }

  markPaid(invoiceNumber) {
    this._setState(invoiceNumber, 'PAID')
  }

  markExpired(invoiceNumber) {
    this._setState(invoiceNumber, 'EXPIRED')
  }

  _setState(invoiceNumber, state) {
    if (!call(() => this._native.setState(invoiceNumber, state))) throw new Error(`the emulator has no order ${invoiceNumber}`)
  }

  /** The order (`state`: PENDING, PAID, EXPIRED, CANCELLED), or null. */
  order(invoiceNumber) {
    const raw = this._native.orderJson(invoiceNumber)
    return raw == null ? null : JSON.parse(raw)
  }

  /**
   * Misbehaves on the next `count` API requests: kind is 'delay' ({ms}), 'delay_after' ({ms}),
   * 'reset_before', 'reset_after', 'status' ({status, retry_after}), 'malformed_json' or
   * 'bad_response_signature'.
   */
  injectFault(kind, { count = 1, ...params } = {}) {
    this.setup({ faults: [{ kind, count, ...params }] })
  }

  /** Every API request received (method, path, request_id, headers, body, signature_valid, state_changed, status). */
  requests() {
    return JSON.parse(this._native.logJson())
  }

  reset() {
    this._native.reset()
  }

  /** POSTs a signed HTTP Notification for the order to a loopback URL; resolves to the HTTP status. */
  async sendNotification(invoiceNumber, url) {
    try {
      return await this._native.sendNotification(invoiceNumber, url)
    } catch (err) {
      throw toDokuError(err)
    }
  }

  async close() {
    this._native.close()
  }
}

module.exports = { MockServer, MockControlError, DEFAULT_CLIENT_ID, DEFAULT_SECRET_KEY, signNotification, notificationBody }
