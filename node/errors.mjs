// Error classes of doku-checkout: one subclass of DokuError per stable error code.
// The native addon throws Errors carrying the core's error record as `dokuDetails` (a plain
// object: code, message, httpStatus, requestId, retryable, messages, rawBody, reason, field);
// toDokuError() gives it its class. ESM without Node built-ins (edge runtimes load it too);
// errors.js hands the same classes to CommonJS.

export class DokuError extends Error {
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

export const InvalidInputError = define('InvalidInputError', 'invalid_input', 'refused before sending; see field')
export const AuthenticationError = define('AuthenticationError', 'authentication_failed', '401/403 from DOKU')
export const OrderNotFoundError = define('OrderNotFoundError', 'order_not_found', 'unknown invoice number')
export const OrderNotCancellableError = define('OrderNotCancellableError', 'order_not_cancellable', 'paid, expired, cancelled or channel not cancellable')
export const InvalidRequestError = define('InvalidRequestError', 'invalid_request', 'another 4xx')
export const DuplicateRequestError = define('DuplicateRequestError', 'duplicate_request', '409 without a readable original outcome')
export const RateLimitError = define('RateLimitError', 'rate_limited', '429 after retries')
export const ServerError = define('ServerError', 'server_error', '5xx after retries')
export const NetworkError = define('NetworkError', 'network_error', 'the connection failed')
export const RequestTimeoutError = define('RequestTimeoutError', 'timeout', 'no answer in time; outcome unknown')
export const InvalidResponseError = define('InvalidResponseError', 'invalid_response', 'not what DOKU sends')
export const SignatureVerificationError = define('SignatureVerificationError', 'invalid_signature', 'signature did not verify; see reason')
export const ConfigurationError = define('ConfigurationError', 'config_error', 'the client is configured wrongly')

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

export const ERROR_CLASSES = Object.freeze(Object.fromEntries(SUBCLASSES.map((cls) => [cls.code, cls])))

/** Maps an error thrown by the addon to its DokuError subclass; other errors pass through. */
export function toDokuError(err) {
  const details = err && typeof err === 'object' ? err.dokuDetails : undefined
  if (!details) return err
  const Cls = ERROR_CLASSES[details.code] ?? DokuError
  return new Cls(details.message, details)
}

export function invalidInput(field, message) {
  return new InvalidInputError(message, { code: 'invalid_input', field })
}

export function configError(field, message) {
  return new ConfigurationError(message, { code: 'config_error', field })
}
