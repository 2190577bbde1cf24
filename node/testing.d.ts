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

export class MockServer {
  static start(options?: { clientId?: string; secretKey?: string; port?: number }): Promise<MockServer>
  readonly url: string
  readonly clientId: string
  readonly secretKey: string
  addOrder(invoiceNumber: string, options: { originalRequestId: string; amount?: number; paymentMethod?: string | null; state?: 'PENDING' | 'PAID' | 'EXPIRED' | 'CANCELLED' }): void
  setup(spec: { orders?: object[]; faults?: object[] }): void
  markPaid(invoiceNumber: string): void
  markExpired(invoiceNumber: string): void
  order(invoiceNumber: string): ({ invoice_number: string; state: string } & Record<string, unknown>) | null
  injectFault(kind: FaultKind, options?: { count?: number; ms?: number; status?: number; retry_after?: number }): void
  requests(): MockRequest[]
  reset(): void
  sendNotification(invoiceNumber: string, url: string): Promise<number>
  close(): Promise<void>
}
