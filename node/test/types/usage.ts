// Compiled with `tsc --noEmit`: the public types describe real usage.
import { Client, OrderNotCancellableError, DokuError, verifyNotification, signRequest, formatTimestamp, cancelSupport, type CancelResult } from 'doku-checkout'
import { MockServer, signNotification } from 'doku-checkout/testing'
import { dokuNotification, type DokuNotificationRequest } from 'doku-checkout/express'
import type { DokuNotification, CreateCheckoutResult, ErrorDetails } from 'doku-checkout'

async function main(): Promise<void> {
  const doku = await MockServer.start({ clientId: 'MCH-1', secretKey: 'SK-1' })
  const client = new Client({ clientId: 'MCH-1', secretKey: 'SK-1', baseUrl: doku.url, timeoutMs: 5000, maxRetries: 2 })
  const created = await client.createCheckout({ invoiceNumber: 'INV-1', amount: 10000, paymentMethodTypes: ['QRIS'] })
  try {
    const r: CancelResult = await client.cancelOrder({ invoiceNumber: 'INV-1', originalRequestId: created.requestId, note: 'x' })
    const replayed: boolean = r.replayed
    void replayed
  } catch (e) {
    if (e instanceof OrderNotCancellableError) {
      const status: number | null = e.httpStatus
      void status
    } else if (e instanceof DokuError) {
      const code: DokuError['code'] = e.code
      void code
    }
  }
  const byInvoice: CancelResult = await client.cancelByInvoice({ invoiceNumber: 'INV-1', note: 'x', requestId: 'rid-1' })
  void byInvoice.requestId
  const status = await client.orderStatus('INV-1')
  const s: string | null | undefined = status.status
  void s
  const sig: string = signRequest({ clientId: 'MCH-1', secretKey: 'SK-1', requestId: 'r', timestamp: formatTimestamp(new Date()), requestTarget: '/x', body: Buffer.from('{}') })
  void sig
  const support: 'supported' | 'not_supported' | 'unknown' = cancelSupport('QRIS')
  void support
  const n = verifyNotification<{ order: { invoice_number: string } }>({ secretKey: 'SK-1', headers: { 'client-id': 'x' }, body: '{}', notificationPath: '/n' })
  const inv: string = n.order.invoice_number
  void inv
  await doku.close()
}
void main

export function express(): void {
  const middleware = dokuNotification({ secretKey: (clientId: string) => (clientId === 'MCH-1' ? 'SK-1' : undefined), tolerance: 300 })
  const handler = (req: DokuNotificationRequest): string | undefined => req.dokuNotification.transaction?.status
  const headers = signNotification({ secretKey: 'SK-1', clientId: 'MCH-1', body: '{}', notificationPath: '/n' })
  const n: DokuNotification = verifyNotification({ secretKey: 'SK-1', headers, body: '{}', notificationPath: '/n' })
  const expiry = (r: CreateCheckoutResult): string | null => r.expiresAt
  const details = (d: ErrorDetails): number | null => d.httpStatus
  void [middleware, handler, n, expiry, details]
}
