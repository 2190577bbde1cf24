// Compiled with `tsc --noEmit`: the public types describe real usage.
import { Client, OrderNotCancellableError, DokuError, verifyNotification, signRequest, formatTimestamp, cancelSupport, type CancelResult } from 'doku-checkout'
import { MockServer, signNotification } from 'doku-checkout/testing'
import { dokuNotification, type DokuNotificationRequest } from 'doku-checkout/express'
import type { DokuNotification, CreateCheckoutResult, ErrorDetails } from 'doku-checkout'
import { PgStore, CancelInProgressError, type DokuOrder } from 'doku-checkout/pg'
import { enqueueCancel, cancelProcessor, type CancelJobResult } from 'doku-checkout/bullmq'
import { Pool } from 'pg'
import { Queue, Worker, type Job } from 'bullmq'

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

// doku-checkout/pg and /bullmq against the real pg Pool and BullMQ Queue/Worker types.
export async function stores(client: Client): Promise<void> {
  const store = new PgStore(new Pool({ connectionString: 'postgres://localhost/shop' }), { client })
  const applied: string[] = await store.migrate()
  const { order, result } = await store.createCheckout({ invoiceNumber: 'INV-1', amount: 10000 })
  const url: string = result.paymentUrl
  const cancelled: DokuOrder = await store.cancelOrder('INV-1', 'customer asked')
  const { outcome } = await store.applyStatus('INV-1', { transactionStatus: 'SUCCESS' })
  const queue = new Queue('doku-cancels', { connection: { host: 'localhost' } })
  const job: Job = await enqueueCancel(queue, 'INV-1', 'customer asked')
  const worker = new Worker('doku-cancels', cancelProcessor({ store }), { connection: { host: 'localhost' } })
  worker.on('completed', (_job: Job, r: CancelJobResult) => r.error ?? r.state)
  const middleware = dokuNotification({ secretKey: 'SK-1', store })
  const handler = async (req: DokuNotificationRequest): Promise<void> => {
    await req.dokuTransaction?.query('INSERT INTO shipments (invoice_number) VALUES ($1)', ['INV-1'])
  }
  try {
    await store.cancelOrder('INV-2', 'x')
  } catch (e) {
    if (e instanceof CancelInProgressError && e.code === 'cancel_in_progress' && e.retryable) return
  }
  void [applied, order, url, cancelled, outcome === 'anomaly', middleware, handler]
}
