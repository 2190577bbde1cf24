'use strict'
// Error classes of doku-checkout: one subclass of DokuError per stable error code.
// The native addon reports core errors as a JSON payload; toDokuError() rebuilds the class.

const MARKER = '__doku_checkout_error__:'

class DokuError extends Error {
  constructor(message, details = {}) {
    super(message)
    this.name = new.target.name
    this.code = details.code ?? new.target.code ?? 'doku_error'
    this.httpStatus = details.httpStatus ?? null
    this.requestId = details.requestId ?? null
    this.retryable = details.retryable ?? false
    this.messages = details.messages ?? []
    this.rawBody = details.rawBody ?? null
    this.reason = details.reason ?? null
    this.field = details.field ?? null
  }
}

function define(name, code, doc) {
  const cls = { [name]: class extends DokuError {} }[name]
  cls.code = code
  cls.description = doc
  return cls
}

const InvalidInputError = define('InvalidInputError', 'invalid_input', 'refused before sending; see field')
const AuthenticationError = define('AuthenticationError', 'authentication_failed', '401/403 from DOKU')
const OrderNotFoundError = define('OrderNotFoundError', 'order_not_found', 'unknown invoice number')
const OrderNotCancellableError = define('OrderNotCancellableError', 'order_not_cancellable', 'paid, expired, cancelled or channel not cancellable')
const InvalidRequestError = define('InvalidRequestError', 'invalid_request', 'another 4xx')
const DuplicateRequestError = define('DuplicateRequestError', 'duplicate_request', '409 without a readable original outcome')
const RateLimitError = define('RateLimitError', 'rate_limited', '429 after retries')
const ServerError = define('ServerError', 'server_error', '5xx after retries')
const NetworkError = define('NetworkError', 'network_error', 'the connection failed')
const RequestTimeoutError = define('RequestTimeoutError', 'timeout', 'no answer in time; outcome unknown')
const InvalidResponseError = define('InvalidResponseError', 'invalid_response', 'not what DOKU sends')
const SignatureVerificationError = define('SignatureVerificationError', 'invalid_signature', 'signature did not verify; see reason')
const ConfigurationError = define('ConfigurationError', 'config_error', 'the client is configured wrongly')

const SUBCLASSES = [
  InvalidInputError,
  AuthenticationError,
  OrderNotFoundError,
  OrderNotCancellableError,
  InvalidRequestError,
  DuplicateRequestError,
  RateLimitError,
  ServerError,
  NetworkError,
  RequestTimeoutError,
  InvalidResponseError,
  SignatureVerificationError,
  ConfigurationError,
]

const ERROR_CLASSES = Object.freeze(Object.fromEntries(SUBCLASSES.map((cls) => [cls.code, cls])))

/** Builds the typed error for a core error payload (snake_case JSON from the addon). */
function fromPayload(payload) {
  const Cls = ERROR_CLASSES[payload.code] ?? DokuError
  return new Cls(payload.message, {
    code: payload.code,
    httpStatus: payload.http_status,
    requestId: payload.request_id,
    retryable: payload.retryable,
    messages: payload.messages,
    rawBody: payload.raw_body,
    reason: payload.reason,
    field: payload.field,
  })
}

/** Maps an error thrown by the addon to its DokuError subclass; other errors pass through. */
function toDokuError(err) {
  const text = typeof err === 'string' ? err : err && err.message
  if (typeof text === 'string' && text.startsWith(MARKER)) {
    return fromPayload(JSON.parse(text.slice(MARKER.length)))
  }
  return err
}

function invalidInput(field, message) {
  return new InvalidInputError(message, { code: 'invalid_input', field })
}

module.exports = {
  DokuError,
  ...Object.fromEntries(SUBCLASSES.map((cls) => [cls.name, cls])),
  ERROR_CLASSES,
  toDokuError,
  invalidInput,
}
