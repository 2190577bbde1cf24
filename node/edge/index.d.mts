// Declarations of doku-checkout/edge: the API of the main entry, on the WebAssembly build of
// the core with the runtime's fetch as transport (Cloudflare Workers, Vercel Edge, Deno, Bun).
import type {
  Client as MainClient,
  ClientOptions,
} from '../index.js'

export {
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
} from '../index.js'
export type {
  Body,
  ReceivedHeaders,
  SignRequestInput,
  VerifyNotificationInput,
  VerifyResponseInput,
  DokuNotification,
  ClientOptions,
  CancelOrderInput,
  CancelByInvoiceInput,
  CreateCheckoutInput,
  CancelOrderResult,
  CreateCheckoutResult,
  OrderStatusResult,
  ErrorDetails,
  ErrorCode,
} from '../index.js'

/** The client options, plus the fetch this backend sends with. */
export interface EdgeClientOptions extends ClientOptions {
  /**
   * Sends the requests instead of the global `fetch` (a service binding's, an instrumented
   * one). It must not follow redirects by itself beyond what `redirect: 'manual'` asks.
   * `proxy` cannot be honoured by fetch: a client with one refuses every call.
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>
}

/** The main entry's Client, sending with fetch: constructed with the edge options. */
export declare const Client: { new (options: EdgeClientOptions): MainClient; prototype: MainClient }
export type Client = MainClient

/** Settled once the WebAssembly core is ready; it already is when the module has loaded. */
export const ready: Promise<void>
