// Type definitions for doku-checkout (Node). The runtime is a Rust core (napi-rs).

/** A body exactly as sent or received: Buffer or any Uint8Array, an ArrayBuffer, or a string (UTF-8). */
export type Body = Uint8Array | ArrayBuffer | string

export interface SignRequestInput {
  clientId: string
  /** The merchant's Secret Key; used as raw UTF-8 bytes, never logged. */
  secretKey: string
  /** 1–128 visible ASCII characters; DOKU's idempotency key. */
  requestId: string
  /** UTC `YYYY-MM-DDTHH:MM:SSZ` (see `formatTimestamp`). */
  timestamp: string
  /** The path, e.g. `/checkout/v3/cancellations`. */
  requestTarget: string
  /** Omit for GET (no Digest line). */
  body?: Body
}

/** The `Signature` header value, `HMACSHA256=<base64>`. Throws `InvalidInputError` on CR/LF, non-ASCII, etc. */
export function signRequest(input: SignRequestInput): string
/** The exact string that is signed (for debugging a mismatch). */
export function signingString(input: Omit<SignRequestInput, 'secretKey'> & { secretKey?: string }): string
/** base64(SHA-256(body)). */
export function computeDigest(body: Body): string
/** A new UUID v4 Request-Id. */
export function newRequestId(): string
/** A Date as DOKU's Request-Timestamp: UTC, `YYYY-MM-DDTHH:MM:SSZ`, milliseconds dropped. */
export function formatTimestamp(date: Date): string

/** Received headers: Node's `IncomingMessage.headers`, a `Headers` object, a plain object or `[name, value]` pairs. */
export type ReceivedHeaders =
  | Record<string, string | string[] | undefined>
  | Iterable<[string, string]>
  | { entries(): IterableIterator<[string, string]> }

export interface VerifyNotificationInput {
  secretKey: string
  headers: ReceivedHeaders
  /** The raw bytes received (e.g. `express.raw()`), never `JSON.parse`d data. */
  body: Body
  /** The path of your notification URL, e.g. `/payments/notifications`. */
  notificationPath: string
  /** The replay window in seconds, either direction; default 86400 (DOKU retries for up to 12 hours). */
  tolerance?: number
  /** "Now" for the tolerance check (tests). */
  now?: Date | number
}

/** Verifies a DOKU HTTP Notification and returns its parsed JSON body; throws `SignatureVerificationError`. */
/** A verified notification body: the fields DOKU documents, and any it adds later. */
export interface DokuNotification {
  service?: { id?: string; [key: string]: unknown }
  acquirer?: { id?: string; name?: string; [key: string]: unknown }
  channel?: { id?: string; [key: string]: unknown }
  order?: { invoice_number?: string; amount?: number | string; [key: string]: unknown }
  transaction?: { status?: string; date?: string; original_request_id?: string; [key: string]: unknown }
  customer?: Record<string, unknown>
  virtual_account_info?: Record<string, unknown>
  [key: string]: unknown
}

export function verifyNotification<T = DokuNotification>(input: VerifyNotificationInput): T

export interface VerifyResponseInput {
  secretKey: string
  clientId: string
  requestId: string
  requestTarget: string
  headers: ReceivedHeaders
  body: Body
  /** Whether the request had a body (DOKU: Digest only for POST). Default true. */
  withDigest?: boolean
}

/** Verifies DOKU's signature on an API response (`Response-Timestamp` variant). */
export function verifyResponse(input: VerifyResponseInput): void

/** Whether DOKU documents cancel support for a payment method type (advisory only). */
export function cancelSupport(paymentMethodType: string): 'supported' | 'not_supported' | 'unknown'

/** The merchant's order state, or an unknown value as DOKU sent it. */
export type OrderLifecycleState = 'PENDING' | 'PAID' | 'FAILED' | 'EXPIRED' | 'CANCELLED' | 'REFUNDED' | (string & {})

/**
 * The merchant's order state for a status answer's or a notification's `transaction.status`
 * and `order.status`; null when neither says anything.
 */
export function orderLifecycle(input: { transactionStatus?: string | null; orderStatus?: string | null }): OrderLifecycleState | null

/**
 * The forward-only rule for a stored state (null for a new order) and DOKU's news: 'apply'
 * (store `state`), 'unchanged' (late news), 'anomaly' (final states that disagree: tell
 * someone) or 'unrecognised' (a value this version does not know).
 */
export function lifecycleTransition(input: {
  stored?: string | null
  transactionStatus?: string | null
  orderStatus?: string | null
}): { outcome: 'apply' | 'unchanged' | 'anomaly' | 'unrecognised'; state: OrderLifecycleState | null }

/**
 * The core's ClientOptions in camelCase: every option, its default and its limits are the
 * same in every language (see tests/vectors/config.json). A misspelt option is refused.
 */
export interface ClientOptions {
  clientId: string
  secretKey: string
  /** `sandbox` (default) or `production`. */
  environment?: 'sandbox' | 'production'
  /** A custom base URL: https, or http for a loopback test server only. Wins over `environment`. */
  baseUrl?: string
  /** Per-attempt timeout (default 30000; 1 ms to 10 minutes). */
  timeoutMs?: number
  /** Connect timeout (default 10000). */
  connectTimeoutMs?: number
  /** Retries after the first attempt (default 2; at most 10). */
  maxRetries?: number
  /** First backoff (default 500). */
  initialBackoffMs?: number
  /** Largest backoff (default 5000). */
  maxBackoffMs?: number
  /** The most one call may take, retries included (default: every attempt and backoff plus 1 s). */
  deadlineMs?: number
  /** The largest response body read (default 1 MiB; 1 KiB to 64 MiB). */
  maxResponseBytes?: number
  /** An http:// or https:// proxy for every request. */
  proxy?: string
  /** Verify DOKU's signature on API responses (default off). */
  verifyResponseSignatures?: boolean
}

export interface CancelOrderInput {
  invoiceNumber: string
  originalRequestId: string
  note: string
  requestId?: string
}

/** Cancel by invoice number alone: the checkout's Request-Id is read from DOKU's status answer. */
export interface CancelByInvoiceInput {
  invoiceNumber: string
  note: string
  /** The cancel's Request-Id; re-use it to retry a call whose outcome was unknown. */
  requestId?: string
}

export interface CreateCheckoutInput {
  invoiceNumber: string
  amount: number
  paymentDueMinutes?: number
  paymentMethodTypes?: string[]
  customer?: { id?: string; name?: string; email?: string; phone?: string }
  lineItems?: Array<{ name: string; price: number; quantity: number }>
  callbackUrl?: string
  callbackUrlCancel?: string
  callbackUrlResult?: string
  extra?: Record<string, unknown>
  requestId?: string
}

// The result types and the error record are the core's own, generated from the Rust structs.
export type { CancelOrderResult, CreateCheckoutResult, OrderStatusResult, ErrorDetails } from './native/index'
import type { CancelOrderResult, CreateCheckoutResult, OrderStatusResult, ErrorDetails } from './native/index'
/** The names of 0.1. */
export type CancelResult = CancelOrderResult
export type CheckoutResult = CreateCheckoutResult
export type StatusResult = OrderStatusResult

export class Client {
  constructor(options: ClientOptions)
  readonly clientId: string
  readonly baseUrl: string
  cancelOrder(input: CancelOrderInput): Promise<CancelOrderResult>
  /** Reads the status first; a paid, expired, refunded or cancelled order is refused without a cancel. */
  cancelByInvoice(input: CancelByInvoiceInput): Promise<CancelOrderResult>
  createCheckout(input: CreateCheckoutInput): Promise<CreateCheckoutResult>
  orderStatus(invoiceNumber: string): Promise<OrderStatusResult>
  toJSON(): { clientId: string; baseUrl: string; secretKey: '***' }
}

/**
 * Which build of the core this process runs: the native addon, or the WebAssembly build when no
 * addon exists for the platform (or its optional package was not installed). Set
 * `DOKU_CHECKOUT_BACKEND` to `native` (never fall back), `wasm`, or `auto` (the default).
 */
export const backend: 'native' | 'wasm'
/** Why the WebAssembly build is in use (the missing addon's message), or null on the native one. */
export const backendReason: string | null

export type ErrorCode =
  | 'invalid_input'
  | 'authentication_failed'
  | 'order_not_found'
  | 'order_not_cancellable'
  | 'invalid_request'
  | 'duplicate_request'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'invalid_response'
  | 'invalid_signature'
  | 'config_error'

/** Base class of every doku-checkout error. */
export class DokuError extends Error implements ErrorDetails {
  readonly code: ErrorCode | StoreErrorCode
  readonly httpStatus: number | null
  readonly requestId: string | null
  readonly retryable: boolean
  /** DOKU's `message` list. */
  readonly messages: string[]
  readonly rawBody: string | null
  /** A finer reason, e.g. `digest_mismatch` for signature errors. */
  readonly reason: string | null
  /** For `invalid_input`: the refused field. */
  readonly field: string | null
}
export class InvalidInputError extends DokuError {}
export class AuthenticationError extends DokuError {}
export class OrderNotFoundError extends DokuError {}
export class OrderNotCancellableError extends DokuError {}
export class InvalidRequestError extends DokuError {}
export class DuplicateRequestError extends DokuError {}
export class RateLimitError extends DokuError {}
export class ServerError extends DokuError {}
export class NetworkError extends DokuError {}
export class RequestTimeoutError extends DokuError {}
export class InvalidResponseError extends DokuError {}
export class SignatureVerificationError extends DokuError {}
export class ConfigurationError extends DokuError {}
/** The codes of doku-checkout/pg's own errors (`CancelInProgressError`). */
export type StoreErrorCode = 'cancel_in_progress'
export const ERROR_CLASSES: Readonly<Record<ErrorCode, typeof DokuError>>
