// ESM entry point: the same objects as the CommonJS one.
import cjs from './index.js'

export const {
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
  backend,
  backendReason,
  DokuError,
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
  ERROR_CLASSES,
} = cjs
export default cjs
