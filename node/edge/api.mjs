// doku-checkout on WebAssembly: the same API as the native addon's, for runtimes where no addon
// can load (edge runtimes, Deno, Bun, platforms without a prebuilt addon). The Rust core does
// everything; this layer converts arguments, maps errors, and sends with the runtime's fetch
// (transport.mjs). No Node built-ins: entry files hand over the compiled module (init.mjs).
import * as wasm from '../wasm/doku_checkout_wasm.mjs'
import { configError, invalidInput, toDokuError } from '../errors.mjs'
import { headerPairs, jsonOf, optStr, seconds, str, toBytes, unixSeconds } from '../convert.mjs'
import { drive } from './transport.mjs'

export * from '../errors.mjs'

function call(fn) {
  try {
    return fn()
  } catch (err) {
    throw toDokuError(err)
  }
}

const flat = (pairs) => pairs.flat()
const decoder = new TextDecoder('utf-8', { fatal: true })
const nowSeconds = () => Math.floor(Date.now() / 1000)

/** The `Signature` header value (`HMACSHA256=<base64>`). */
export function signRequest({ clientId, secretKey, requestId, timestamp, requestTarget, body } = {}) {
  return call(() =>
    wasm.wasmSignRequest(str(clientId, 'clientId'), str(secretKey, 'secretKey'), str(requestId, 'requestId'), str(timestamp, 'timestamp'), str(requestTarget, 'requestTarget'), toBytes(body)),
  )
}

/** The exact string that is signed (for debugging a mismatch). */
export function signingString({ clientId, requestId, timestamp, requestTarget, body } = {}) {
  return call(() => wasm.wasmSigningString(str(clientId, 'clientId'), str(requestId, 'requestId'), str(timestamp, 'timestamp'), str(requestTarget, 'requestTarget'), toBytes(body)))
}

/** base64(SHA-256(body)). */
export function computeDigest(body) {
  return call(() => wasm.wasmComputeDigest(toBytes(body) ?? new Uint8Array(0)))
}

/** A new UUID v4 Request-Id (randomness from WebCrypto). */
export function newRequestId() {
  return wasm.wasmNewRequestId()
}

/** A Date as DOKU's Request-Timestamp (UTC, YYYY-MM-DDTHH:MM:SSZ, milliseconds dropped). */
export function formatTimestamp(date) {
  if (!(date instanceof Date)) throw invalidInput('timestamp', 'formatTimestamp needs a Date')
  return call(() => wasm.wasmFormatUnixTimestamp(unixSeconds(date, 'timestamp')))
}

/**
 * Verifies a DOKU HTTP Notification and returns the parsed JSON body. `body` must be the raw
 * bytes received (`await request.arrayBuffer()` in a fetch-style handler); `headers` a
 * `Headers` object or a plain object.
 */
export function verifyNotification({ secretKey, headers, body, notificationPath, tolerance, now } = {}) {
  const raw = toBytes(body)
  if (raw === undefined) throw invalidInput('body', 'body is required: pass the raw bytes received')
  call(() =>
    wasm.wasmVerifyNotification(
      str(secretKey, 'secretKey'),
      flat(headerPairs(headers)),
      raw,
      str(notificationPath, 'notificationPath'),
      seconds(tolerance, 'tolerance'),
      now === undefined || now === null ? nowSeconds() : unixSeconds(now, 'now'),
    ),
  )
  // The core verified the digest of exactly these bytes and that they are JSON.
  return JSON.parse(decoder.decode(raw))
}

/** Verifies DOKU's signature on an API response (Response-Timestamp variant). */
export function verifyResponse({ secretKey, clientId, requestId, requestTarget, headers, body, withDigest = true } = {}) {
  call(() =>
    wasm.wasmVerifyResponse(
      str(secretKey, 'secretKey'),
      str(clientId, 'clientId'),
      str(requestId, 'requestId'),
      str(requestTarget, 'requestTarget'),
      flat(headerPairs(headers)),
      toBytes(body) ?? new Uint8Array(0),
      Boolean(withDigest),
    ),
  )
}

/**
 * The merchant's order state ('PENDING', 'PAID', 'FAILED', 'EXPIRED', 'CANCELLED', 'REFUNDED',
 * or an unknown value as DOKU sent it) for DOKU's statuses; null when neither says anything.
 */
export function orderLifecycle({ transactionStatus, orderStatus } = {}) {
  return call(() => wasm.wasmOrderLifecycle(optStr(transactionStatus, 'transactionStatus'), optStr(orderStatus, 'orderStatus'))) ?? null
}

/**
 * The forward-only rule: `{ outcome, state }`, outcome 'apply' (store state), 'unchanged' (late
 * news), 'anomaly' (final states that disagree) or 'unrecognised'.
 */
export function lifecycleTransition({ stored, transactionStatus, orderStatus } = {}) {
  const [outcome, state] = call(() =>
    wasm.wasmLifecycleTransition(optStr(stored, 'stored'), optStr(transactionStatus, 'transactionStatus'), optStr(orderStatus, 'orderStatus')),
  )
  return { outcome, state: state === '' ? null : state }
}

/** 'supported' | 'not_supported' | 'unknown' for a payment method type (advisory). */
export function cancelSupport(paymentMethodType) {
  return wasm.wasmCancelSupport(str(paymentMethodType, 'paymentMethodType'))
}

/** The runtime's name for the User-Agent. */
function runtimeName() {
  if (typeof globalThis.Deno === 'object') return `deno/${globalThis.Deno.version?.deno ?? 'unknown'}`
  if (typeof globalThis.Bun === 'object') return `bun/${globalThis.Bun.version ?? 'unknown'}`
  if (typeof globalThis.EdgeRuntime === 'string') return `edge-runtime/${globalThis.EdgeRuntime}`
  if (globalThis.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd'
  if (typeof globalThis.process === 'object' && globalThis.process.versions?.node) return `node/${globalThis.process.versions.node}`
  return 'unknown'
}

const CORE = Symbol('doku-checkout.wasm')

/**
 * A DOKU Checkout client sending with the runtime's `fetch`. Every method returns a Promise.
 * The options (camelCase) are the core's ClientOptions: names, defaults and refusals are the
 * same in every language, and a misspelt option is refused, not ignored. `fetch` (an extra
 * option of this backend) replaces the global one, e.g. a service binding's.
 */
export class Client {
  constructor({ clientId, secretKey, fetch: fetchImpl, ...options } = {}) {
    if (fetchImpl !== undefined && typeof fetchImpl !== 'function') throw configError('fetch', 'fetch must be a function with the signature of the global fetch')
    if (fetchImpl === undefined && typeof globalThis.fetch !== 'function') throw configError('fetch', 'this runtime has no global fetch: pass one as the fetch option')
    const optionsJson = jsonOf(options, 'options', configError)
    const core = call(() => new wasm.WasmClient(str(clientId, 'clientId'), str(secretKey, 'secretKey'), optionsJson, runtimeName()))
    Object.defineProperty(this, CORE, { value: { core, fetch: fetchImpl }, enumerable: false })
    Object.defineProperty(this, 'clientId', { value: core.clientId, enumerable: true })
    Object.defineProperty(this, 'baseUrl', { value: core.baseUrl, enumerable: true })
  }

  /** Cancels an unpaid order. Re-using `requestId` makes a retry safe. */
  cancelOrder({ invoiceNumber, originalRequestId, note, requestId } = {}) {
    return this.#run((core) => core.cancelOrder(str(invoiceNumber, 'invoiceNumber'), str(originalRequestId, 'originalRequestId'), str(note, 'note'), optStr(requestId, 'requestId')))
  }

  /**
   * Cancels an unpaid order by its invoice number alone: DOKU's status is read first; a paid,
   * expired, refunded or cancelled order is refused without a cancel being sent.
   */
  cancelByInvoice({ invoiceNumber, note, requestId } = {}) {
    let plan
    return this.#run(
      (core) => (plan = core.cancelByInvoice(str(invoiceNumber, 'invoiceNumber'), str(note, 'note'), optStr(requestId, 'requestId'))).statusCall(),
      (status) => this.#run(() => plan.cancelCall(status)),
    ).finally(() => plan?.free())
  }

  /** Creates a checkout page; store `result.requestId` to cancel later. */
  createCheckout({ requestId, ...request } = {}) {
    return this.#run((core) => core.createCheckout(jsonOf(request, 'request', invalidInput), optStr(requestId, 'requestId')))
  }

  /** The current status of an order. */
  orderStatus(invoiceNumber) {
    return this.#run((core) => core.orderStatus(str(invoiceNumber, 'invoiceNumber')))
  }

  /** Sends the call `start` gives; `then`, if given, continues from the finished call. */
  async #run(start, then) {
    const { core, fetch: fetchImpl } = this[CORE]
    let exchange
    try {
      exchange = start(core)
    } catch (err) {
      throw toDokuError(err)
    }
    try {
      const result = await drive(exchange, fetchImpl ?? globalThis.fetch, fetchImpl !== undefined)
      return then ? await then(exchange) : result
    } finally {
      exchange.free()
    }
  }

  toJSON() {
    return { clientId: this.clientId, baseUrl: this.baseUrl, secretKey: '***' }
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Client { clientId: ${JSON.stringify(this.clientId)}, baseUrl: ${JSON.stringify(this.baseUrl)}, secretKey: '***' }`
  }
}

/** The core's one test entry point (test builds only; absent from release builds). */
export const _conformance = wasm.conformanceRun
