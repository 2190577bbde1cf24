// doku-checkout/pg: the merchant's DOKU orders and received notifications in PostgreSQL over a
// `pg` Pool. The pool and its clients are typed structurally, so @types/pg is not needed.
import { DokuError } from './index'
import type { Client, CreateCheckoutInput, CreateCheckoutResult, OrderLifecycleState } from './index'

/** What PgStore needs of a `pg` PoolClient. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>
  release(error?: unknown): void
}

/** A transaction's query function (a notification handler's `req.dokuTransaction`). */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>
}

/** What PgStore needs of a `pg` Pool. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>
  connect(): Promise<PgClientLike>
}

/** A row of doku_checkout_order. */
export interface DokuOrder {
  invoiceNumber: string
  /** The checkout's Request-Id (cancelling quotes it); '' when the order was not created here. */
  checkoutRequestId: string
  amount: number | null
  /** The core's lifecycle state, moved only forward. */
  state: OrderLifecycleState
  transactionStatus: string
  orderStatus: string
  /** The cancel's Request-Id, stored before the cancel is sent; '' until one is. */
  cancelRequestId: string
  cancelNote: string
  /** Final states that disagreed (`PAID->CANCELLED`): kept, for someone to look at. */
  anomaly: string
  createdAt: Date
  updatedAt: Date
  checkedAt: Date | null
}

export type LifecycleOutcome = 'apply' | 'unchanged' | 'anomaly' | 'unrecognised'

/**
 * A notification's open receipt: run the handler's effects through `db` (refused once settled),
 * then commit (throws when the transaction had failed: nothing was recorded) or roll back.
 */
export interface NotificationReceipt {
  db: PgQueryable
  commit(): Promise<void>
  rollback(): Promise<void>
}

/** Another delivery of the notification holds its receipt past the lock timeout: answer 503 (`reason` 'receipt_busy'). */
export class ReceiptBusyError extends DokuError {
  readonly code: 'server_error'
  constructor()
}

/** Another worker holds this order's row (claiming it, or applying DOKU's news): retryable. */
export class CancelInProgressError extends DokuError {
  readonly code: 'cancel_in_progress'
  constructor(invoiceNumber: string)
}

export class PgStore {
  /**
   * `client` creates checkouts and cancels (migrate() and notifications do not need it);
   * `receiptWaitMs`: how long a copy of a notification waits for another delivery's handler
   * before it is answered 503 (default 10000, 1 to 25000).
   */
  constructor(pool: PgPoolLike, options?: { client?: Client; receiptWaitMs?: number })
  /** Applies the shipped migrations not applied yet (an advisory lock serialises processes); resolves to their names. */
  migrate(): Promise<string[]>
  order(invoiceNumber: string): Promise<DokuOrder | null>
  /** Stores the checkout's Request-Id first; calling again for the invoice reuses it (DOKU replays). */
  createCheckout(input: CreateCheckoutInput): Promise<{ order: DokuOrder; result: CreateCheckoutResult }>
  /** Cancels exactly once across workers and retries; throws CancelInProgressError while another worker holds the order. */
  cancelOrder(invoiceNumber: string, note: string): Promise<DokuOrder>
  /** The core's forward-only lifecycle rule applied to the stored order. */
  applyStatus(
    invoiceNumber: string,
    statuses: { transactionStatus?: string | null; orderStatus?: string | null },
  ): Promise<{ order: DokuOrder; outcome: LifecycleOutcome }>
  /** Asks DOKU's status API and applies the answer. */
  refreshStatus(invoiceNumber: string): Promise<{ order: DokuOrder; outcome: LifecycleOutcome }>
  /** null when this notification was received before; else its open receipt (see dokuNotification's `store`). */
  beginNotification(input: { requestId: string; clientId?: string; notification: unknown }): Promise<NotificationReceipt | null>
}
