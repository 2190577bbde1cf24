// doku-checkout/testing: the DOKU emulator in-process.

export const DEFAULT_CLIENT_ID: string
export const DEFAULT_SECRET_KEY: string

export interface MockRequest {
  seq: number
  method: string
  path: string
  request_id: string | null
  headers: Array<[string, string]>
  body: string
  signature_valid: boolean
  state_changed: boolean
  status: number | null
  fault: string | null
}

export type FaultKind = 'delay' | 'delay_after' | 'reset_before' | 'reset_after' | 'status' | 'malformed_json' | 'bad_response_signature'

/** The headers DOKU would send with `body` (a test helper for your notification endpoint). */
export function signNotification(input: {
  secretKey: string
  clientId: string
  body: Uint8Array | string
  notificationPath: string
  requestId?: string
  timestamp?: Date | string
}): { 'Client-Id': string; 'Request-Id': string; 'Request-Timestamp': string; Signature: string }

/** A notification endpoint's view of one DOKU notification and its attempts. */
export interface MockNotification {
  id: number
  invoice_number: string
  transaction_status: string
  url: string
  path: string
  request_id: string
  body: string
  attempts: Array<{ number: number; at: string; after_seconds: number; status: number | null; error: string | null; headers: Array<[string, string]> }>
  delivered: boolean
  given_up: boolean
  next_attempt_at: string | null
}

/** The JSON body DOKU sends about a payment on `channel` ('VIRTUAL_ACCOUNT_BCA' when not given). */
export function notificationBody(input: {
  invoiceNumber: string
  amount: number
  originalRequestId: string
  channel?: string
  status?: string
  timestamp?: Date | string
}): string

/** The emulator refused a control call. */
export class MockControlError extends Error {
  readonly status: number
}

export class MockServer {
  static start(options?: { clientId?: string; secretKey?: string; port?: number; notificationUrl?: string }): Promise<MockServer>
  readonly url: string
  readonly clientId: string
  readonly secretKey: string
  addOrder(invoiceNumber: string, options: { originalRequestId: string; amount?: number; paymentMethod?: string | null; state?: 'PENDING' | 'PAID' | 'FAILED' | 'EXPIRED' | 'CANCELLED' | 'REFUNDED' }): void
  setup(spec: { orders?: object[]; faults?: object[] }): void
  markPaid(invoiceNumber: string): void
  markExpired(invoiceNumber: string): void
  order(invoiceNumber: string): ({ invoice_number: string; state: string } & Record<string, unknown>) | null
  injectFault(kind: FaultKind, options?: { count?: number; ms?: number; status?: number; retry_after?: number }): void
  requests(): MockRequest[]
  reset(): void
  sendNotification(invoiceNumber: string, url: string): Promise<number>
  control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }>
  pay(invoiceNumber: string, options?: { channel?: string }): Promise<Record<string, unknown>>
  fail(invoiceNumber: string, options?: { channel?: string }): Promise<Record<string, unknown>>
  refund(invoiceNumber: string): Promise<Record<string, unknown>>
  recover(invoiceNumber: string): Promise<Record<string, unknown>>
  setNotificationUrl(url: string): Promise<void>
  clock(): Promise<Date>
  advanceClock(seconds: number): Promise<Date>
  setClock(at: Date | string): Promise<void>
  notifications(options?: { wait?: boolean }): Promise<MockNotification[]>
  close(): Promise<void>
}
