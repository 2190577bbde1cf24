// doku-checkout/bullmq: cancel jobs for BullMQ, exactly once across workers and retries. The
// queue and job are typed structurally, so this module does not depend on bullmq's types.
import type { DokuOrder } from './pg'

export const CANCEL_JOB: 'doku-cancel'
export const CANCEL_JOB_OPTIONS: Readonly<{
  attempts: number
  backoff: Readonly<{ type: 'exponential'; delay: number }>
  removeOnComplete: Readonly<{ age: number }>
  removeOnFail: Readonly<{ age: number }>
}>

/** The job id of an invoice's cancel (prefixed and percent-encoded: BullMQ refuses integers and ':'). */
export function cancelJobId(invoiceNumber: string): string

export interface CancelJobData {
  invoiceNumber: string
  note: string
}

export interface CancelJobResult {
  invoiceNumber: string | null
  state: DokuOrder['state'] | null
  requestId: string | null
  /** The stable error code when DOKU (or the input) refused; the job is not retried. */
  error?: string
  reason?: string | null
}

/**
 * Adds the invoice's cancel job (job id from the invoice: a second enqueue adds nothing and
 * resolves to the existing job; a failed one is retried).
 */
export function enqueueCancel<J = unknown>(
  queue: { add(name: string, data: CancelJobData, options: Record<string, unknown>): Promise<J>; getJob?(id: string): Promise<J | undefined> },
  invoiceNumber: string,
  note: string,
  options?: Record<string, unknown>,
): Promise<J>

/** The processor for `new Worker(queueName, cancelProcessor({ store }), { connection })`. */
export function cancelProcessor(options: {
  store: { cancelOrder(invoiceNumber: string, note: string): Promise<DokuOrder>; order(invoiceNumber: string): Promise<DokuOrder | null> }
}): (job: { data: CancelJobData }) => Promise<CancelJobResult>
