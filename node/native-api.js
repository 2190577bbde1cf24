'use strict'
// doku-checkout on the native addon (native/): a thin layer over the Rust core. It only
// converts arguments (objects, Buffers, Dates) and maps errors to DokuError subclasses.

const { inspect } = require('node:util')
const errors = require('./errors.js')
const convert = require('./convert.mjs')
const observe = require('./observe.js')

const { toDokuError, invalidInput, configError } = errors
const { str, optStr, jsonOf, unixSeconds, seconds, headerPairs } = convert

/** The loaded addon, set once by nativeApi(). */
let native

function call(fn) {
  try {
    return fn()
  } catch (err) {
    throw toDokuError(err)
  }
}

// Clients with calls in flight stay reachable until those calls settle: the native side's
// completion callback holds its client only weakly (a strong hold would keep every client alive).
const busy = new Set()

/**
 * The Promises of one native client's calls. A call starts at once (argument checks included:
 * a refusal is a rejected DokuError); the native side queues finished calls and signals once
 * per batch, and `settle` resolves every call in that batch (see completions.rs).
 */
class Calls {
  #pending = new Map()
  #nextId = 0
  #native

  /** The callback the native client is built with. */
  settle = () => {
    const nativeClient = this.#native?.deref()
    if (nativeClient === undefined) return
    for (const [id, ok, value, events] of nativeClient.takeCompleted()) {
      const call = this.#pending.get(id)
      this.#pending.delete(id)
      const outcome = ok ? value : toDokuError(value)
      if (events !== undefined && call.trace !== null) observe.finish(call.trace, events, ok, outcome)
      if (ok) call.resolve(outcome)
      else call.reject(outcome)
    }
    if (this.#pending.size === 0) busy.delete(nativeClient)
  }

  attach(nativeClient) {
    this.#native = new WeakRef(nativeClient)
  }

  /**
   * `begin(id, traced)` starts the native call; its outcome settles the returned Promise.
   * `trace` (observe.begin) is null when nobody listens: then nothing is recorded.
   */
  start(begin, trace = null) {
    const id = this.#nextId
    this.#nextId = (this.#nextId + 1) >>> 0
    try {
      begin(id, trace !== null)
    } catch (err) {
      return Promise.reject(toDokuError(err))
    }
    if (this.#pending.size === 0) busy.add(this.#native.deref())
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject, trace }))
  }
}

/** Buffer | Uint8Array | ArrayBuffer | string | undefined → Buffer | undefined (strings as UTF-8). */
function toBuffer(body, field = 'body') {
  const bytes = convert.toBytes(body, field)
  if (bytes === undefined || Buffer.isBuffer(bytes)) return bytes
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function signRequest({ clientId, secretKey, requestId, timestamp, requestTarget, body } = {}) {
  return call(() =>
    native.nativeSignRequest(
      str(clientId, 'clientId'),
      str(secretKey, 'secretKey'),
      str(requestId, 'requestId'),
      str(timestamp, 'timestamp'),
      str(requestTarget, 'requestTarget'),
      toBuffer(body),
    ),
  )
}

function signingString({ clientId, requestId, timestamp, requestTarget, body } = {}) {
  return call(() =>
    native.nativeSigningString(
      str(clientId, 'clientId'),
      str(requestId, 'requestId'),
      str(timestamp, 'timestamp'),
      str(requestTarget, 'requestTarget'),
      toBuffer(body),
    ),
  )
}

function computeDigest(body) {
  return native.nativeComputeDigest(toBuffer(body) ?? Buffer.alloc(0))
}

function newRequestId() {
  return native.nativeNewRequestId()
}

/** A Date as DOKU's Request-Timestamp (UTC, YYYY-MM-DDTHH:MM:SSZ, milliseconds dropped). */
function formatTimestamp(date) {
  if (!(date instanceof Date)) throw invalidInput('timestamp', 'formatTimestamp needs a Date')
  return call(() => native.nativeFormatUnixTimestamp(unixSeconds(date, 'timestamp')))
}

/**
 * Verifies a DOKU HTTP Notification and returns the parsed JSON body.
 * `body` must be the raw bytes received. `tolerance` (seconds) is the replay window in either
 * direction: 24 hours by default, twice DOKU's last retry (12 hours, original timestamp).
 */
function verifyNotification({ secretKey, headers, body, notificationPath, tolerance, now } = {}) {
  const raw = toBuffer(body)
  if (raw === undefined) throw invalidInput('body', 'body is required: pass the raw bytes received')
  call(() =>
    native.nativeVerifyNotification(
      str(secretKey, 'secretKey'),
      headerPairs(headers),
      raw,
      str(notificationPath, 'notificationPath'),
      seconds(tolerance, 'tolerance'),
      now === undefined || now === null ? undefined : unixSeconds(now, 'now'),
    ),
  )
  return JSON.parse(raw.toString('utf8'))
}

/** Verifies DOKU's signature on an API response (Response-Timestamp variant). */
function verifyResponse({ secretKey, clientId, requestId, requestTarget, headers, body, withDigest = true } = {}) {
  call(() =>
    native.nativeVerifyResponse(
      str(secretKey, 'secretKey'),
      str(clientId, 'clientId'),
      str(requestId, 'requestId'),
      str(requestTarget, 'requestTarget'),
      headerPairs(headers),
      toBuffer(body) ?? Buffer.alloc(0),
      Boolean(withDigest),
    ),
  )
}

/**
 * The merchant's order state ('PENDING', 'PAID', 'FAILED', 'EXPIRED', 'CANCELLED', 'REFUNDED',
 * or an unknown value as DOKU sent it) for DOKU's statuses; null when neither says anything.
 */
function orderLifecycle({ transactionStatus, orderStatus } = {}) {
  return call(() => native.nativeOrderLifecycle(optStr(transactionStatus, 'transactionStatus'), optStr(orderStatus, 'orderStatus'))) ?? null
}

/**
 * The forward-only rule: `{ outcome, state }`, outcome 'apply' (store state), 'unchanged' (late
 * news), 'anomaly' (final states that disagree) or 'unrecognised'.
 */
function lifecycleTransition({ stored, transactionStatus, orderStatus } = {}) {
  const t = call(() =>
    native.nativeLifecycleTransition(optStr(stored, 'stored'), optStr(transactionStatus, 'transactionStatus'), optStr(orderStatus, 'orderStatus')),
  )
  return { outcome: t.outcome, state: t.state ?? null }
}

/** 'supported' | 'not_supported' | 'unknown' for a payment method type (advisory). */
function cancelSupport(paymentMethodType) {
  return native.nativeCancelSupport(str(paymentMethodType, 'paymentMethodType'))
}

const SECRET = Symbol('doku-checkout.native')
const CALLS = Symbol('doku-checkout.calls')

/**
 * A DOKU Checkout client. Every method returns a Promise; the event loop never blocks.
 * The options (camelCase) are the core's ClientOptions: names, defaults and refusals are
 * the same in every language, and a misspelt option is refused, not ignored.
 */
class Client {
  constructor({ clientId, secretKey, ...options } = {}) {
    const optionsJson = jsonOf(options, 'options', configError)
    const calls = new Calls()
    const nativeClient = call(() => new native.NativeClient(str(clientId, 'clientId'), str(secretKey, 'secretKey'), optionsJson, `node/${process.versions.node}`, calls.settle))
    calls.attach(nativeClient)
    Object.defineProperty(this, SECRET, { value: nativeClient, enumerable: false })
    Object.defineProperty(this, CALLS, { value: calls, enumerable: false })
    Object.defineProperty(this, 'clientId', { value: nativeClient.clientId, enumerable: true })
    Object.defineProperty(this, 'baseUrl', { value: nativeClient.baseUrl, enumerable: true })
  }

  /** Cancels an unpaid order. Re-using `requestId` makes a retry safe. */
  cancelOrder({ invoiceNumber, originalRequestId, note, requestId } = {}) {
    return this[CALLS].start(
      (id, traced) =>
        this[SECRET].cancelOrder(id, traced, str(invoiceNumber, 'invoiceNumber'), str(originalRequestId, 'originalRequestId'), str(note, 'note'), optStr(requestId, 'requestId')),
      observe.begin('cancel_order', invoiceNumber),
    )
  }

  /**
   * Cancels an unpaid order by its invoice number alone: DOKU's status is read first; a paid,
   * expired, refunded or cancelled order is refused without a cancel being sent.
   */
  cancelByInvoice({ invoiceNumber, note, requestId } = {}) {
    return this[CALLS].start(
      (id, traced) => this[SECRET].cancelByInvoice(id, traced, str(invoiceNumber, 'invoiceNumber'), str(note, 'note'), optStr(requestId, 'requestId')),
      observe.begin('cancel_by_invoice', invoiceNumber),
    )
  }

  /** Creates a checkout page; store `result.requestId` to cancel later. */
  createCheckout({ requestId, ...request } = {}) {
    return this[CALLS].start(
      (id, traced) => this[SECRET].createCheckout(id, traced, jsonOf(request, 'request', invalidInput), optStr(requestId, 'requestId')),
      observe.begin('create_checkout', request.invoiceNumber),
    )
  }

  /** The current status of an order. */
  orderStatus(invoiceNumber) {
    return this[CALLS].start((id, traced) => this[SECRET].orderStatus(id, traced, str(invoiceNumber, 'invoiceNumber')), observe.begin('order_status', invoiceNumber))
  }

  toJSON() {
    return { clientId: this.clientId, baseUrl: this.baseUrl, secretKey: '***' }
  }

  [inspect.custom]() {
    return `Client { clientId: ${JSON.stringify(this.clientId)}, baseUrl: ${JSON.stringify(this.baseUrl)}, secretKey: '***' }`
  }
}

/** The API over a loaded addon (index.js chooses the backend); called once per process. */
function nativeApi(addon) {
  native = addon
  return {
    Client,
    signRequest,
    signingString,
    computeDigest,
    newRequestId,
    formatTimestamp,
    verifyNotification,
    verifyResponse,
    cancelSupport,
    orderLifecycle,
    lifecycleTransition,
    // The core's one test entry point (test builds only; absent from release addons).
    _conformance: native.conformance,
  }
}

module.exports = { nativeApi }
