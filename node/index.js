'use strict'
// doku-checkout for Node: a thin layer over the Rust core (native/). It only converts
// arguments (objects, Buffers, Dates) and maps errors to DokuError subclasses.

const { inspect } = require('node:util')
const native = require('./native.js').nativeAddon()
const errors = require('./errors.js')

const { toDokuError, invalidInput, configError } = errors

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
    for (const [id, ok, value] of nativeClient.takeCompleted()) {
      const call = this.#pending.get(id)
      this.#pending.delete(id)
      if (ok) call.resolve(value)
      else call.reject(toDokuError(value))
    }
    if (this.#pending.size === 0) busy.delete(nativeClient)
  }

  attach(nativeClient) {
    this.#native = new WeakRef(nativeClient)
  }

  /** `begin(id)` starts the native call; its outcome settles the returned Promise. */
  start(begin) {
    const id = this.#nextId
    this.#nextId = (this.#nextId + 1) >>> 0
    try {
      begin(id)
    } catch (err) {
      return Promise.reject(toDokuError(err))
    }
    if (this.#pending.size === 0) busy.add(this.#native.deref())
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }))
  }
}

/** Buffer | Uint8Array | string | undefined → Buffer | undefined (strings as UTF-8). */
function toBuffer(body, field = 'body') {
  if (body === undefined || body === null) return undefined
  if (Buffer.isBuffer(body)) return body
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  throw invalidInput(
    field,
    `${field} must be the raw bytes (Buffer, Uint8Array or string), not parsed JSON: with Express use express.raw({ type: 'application/json' })`,
  )
}

function str(value, field) {
  if (typeof value !== 'string') throw invalidInput(field, `${field} must be a string`)
  // A lone surrogate would reach Rust as U+FFFD: refuse it rather than send altered text.
  if (!value.isWellFormed()) throw invalidInput(field, `${field} holds a lone UTF-16 surrogate`)
  return value
}

const optStr = (value, field) => (value === undefined || value === null ? undefined : str(value, field))

const snake = (key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/**
 * An options or input object as JSON text for the core's strict reader, its top-level keys in
 * the core's snake_case (nested values such as `extra` keep DOKU's own names). What JSON cannot
 * carry faithfully (NaN, Infinity, BigInt, functions, symbols) is refused here, naming the
 * field and never echoing the value.
 */
function jsonOf(value, what, refuse) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refuse(what, `${what} must be an object`)
  return JSON.stringify(value, (key, v) => {
    if (key === '' && v === value) return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), x]))
    const bad = (typeof v === 'number' && !Number.isFinite(v)) || ['bigint', 'function', 'symbol'].includes(typeof v)
    if (bad) throw refuse(snake(key), `${snake(key)} must be a JSON value (a finite number, string, boolean, array or object)`)
    return v
  })
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

function unixSeconds(value, field) {
  if (value instanceof Date) {
    const ms = value.getTime()
    if (Number.isNaN(ms)) throw invalidInput(field, `${field} is an invalid Date`)
    return Math.floor(ms / 1000)
  }
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value)
  throw invalidInput(field, `${field} must be a Date or Unix seconds`)
}

/** A Date as DOKU's Request-Timestamp (UTC, YYYY-MM-DDTHH:MM:SSZ, milliseconds dropped). */
function formatTimestamp(date) {
  if (!(date instanceof Date)) throw invalidInput('timestamp', 'formatTimestamp needs a Date')
  return call(() => native.nativeFormatUnixTimestamp(unixSeconds(date, 'timestamp')))
}

/** Node's IncomingMessage.headers (lower-case, maybe arrays), a Headers object, or pairs. */
function headerPairs(headers) {
  if (!headers || typeof headers !== 'object') throw invalidInput('headers', 'headers must be an object of received headers')
  const entries = typeof headers.entries === 'function' && !Array.isArray(headers) ? [...headers.entries()] : Array.isArray(headers) ? headers : Object.entries(headers)
  const pairs = []
  for (const [name, value] of entries) {
    if (Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') pairs.push([String(name), v])
    } else if (typeof value === 'string') {
      pairs.push([String(name), value])
    }
  }
  return pairs
}

function seconds(value, field) {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalidInput(field, `${field} must be zero or more seconds`)
  return Math.floor(value)
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
    return this[CALLS].start((id) =>
      this[SECRET].cancelOrder(id, str(invoiceNumber, 'invoiceNumber'), str(originalRequestId, 'originalRequestId'), str(note, 'note'), optStr(requestId, 'requestId')),
    )
  }

  /** Creates a checkout page; store `result.requestId` to cancel later. */
  createCheckout({ requestId, ...request } = {}) {
    return this[CALLS].start((id) => this[SECRET].createCheckout(id, jsonOf(request, 'request', invalidInput), optStr(requestId, 'requestId')))
  }

  /** The current status of an order. */
  orderStatus(invoiceNumber) {
    return this[CALLS].start((id) => this[SECRET].orderStatus(id, str(invoiceNumber, 'invoiceNumber')))
  }

  toJSON() {
    return { clientId: this.clientId, baseUrl: this.baseUrl, secretKey: '***' }
  }

  [inspect.custom]() {
    return `Client { clientId: ${JSON.stringify(this.clientId)}, baseUrl: ${JSON.stringify(this.baseUrl)}, secretKey: '***' }`
  }
}

module.exports = {
  Client,
  signRequest,
  signingString,
  computeDigest,
  newRequestId,
  formatTimestamp,
  verifyNotification,
  verifyResponse,
  cancelSupport,
  ...errors,
  // The core's one test entry point (test builds only; absent from release addons).
  _conformance: native.conformance,
}
