'use strict'
// doku-checkout/bullmq: cancels as BullMQ jobs, exactly once across workers and retries.
//
//   const queue = new Queue('doku-cancels', { connection })
//   await enqueueCancel(queue, 'INV-1', 'customer asked')      // a second enqueue is a no-op
//   new Worker('doku-cancels', cancelProcessor({ store }), { connection })
//
// The job id is the invoice number, so an order has one cancel job however often it is
// enqueued. The processor cancels through PgStore.cancelOrder: the order row is claimed and the
// cancel's Request-Id stored before anything is sent, so every try of the job, including one
// BullMQ moves back after its worker died (a stalled job), sends that same Request-Id and DOKU
// acts once. Retryable errors (network, timeouts, 5xx, rate limits, another worker holding the
// order) are thrown, for BullMQ's attempts and backoff; a refusal (paid, expired, not found)
// completes the job with its stable error code; anything no retry fixes (bad credentials)
// fails the job at once, and enqueueing the invoice again retries it. Nothing here imports bullmq: any version whose
// Queue has add(name, data, opts) and whose processor is an async function of the job works.

const { DokuError, invalidInput, configError } = require('./errors.js')

/** The job name of a cancel (one queue may carry other jobs too). */
const CANCEL_JOB = 'doku-cancel'

/**
 * The options every cancel job gets unless `enqueueCancel`'s `options` say otherwise: about
 * 34 minutes of exponential backoff over 12 tries, finished jobs kept a week (so enqueueing the
 * same invoice again stays a no-op) and failed ones a month.
 */
const CANCEL_JOB_OPTIONS = Object.freeze({
  attempts: 12,
  backoff: Object.freeze({ type: 'exponential', delay: 1000 }),
  removeOnComplete: Object.freeze({ age: 7 * 24 * 3600 }),
  removeOnFail: Object.freeze({ age: 30 * 24 * 3600 }),
})

/**
 * The job id of an invoice's cancel: BullMQ refuses ids that are integers or contain ':', and
 * invoice numbers may be either, so the number is prefixed and percent-encoded (one id per
 * invoice, and two invoices never share one).
 */
function cancelJobId(invoiceNumber) {
  return `doku-cancel-${encodeURIComponent(invoiceNumber)}`
}

function text(field, value, max) {
  if (typeof value !== 'string') throw invalidInput(field, `${field} must be a string`)
  if (value.trim() === '') throw invalidInput(field, `${field} must not be empty`)
  if (value.length > max) throw invalidInput(field, `${field} is ${value.length} characters long; at most ${max} are stored`)
  return value
}

/**
 * Adds the cancel of `invoiceNumber` to `queue` (a BullMQ Queue); resolves to the job. While
 * a job for that invoice exists (waiting, running, or finished within `removeOnComplete`),
 * this adds nothing and resolves to that job: the first note stays. A job that failed (its
 * tries used up, or an error no retry fixes) is retried instead, under the same Request-Id.
 */
async function enqueueCancel(queue, invoiceNumber, note, options = {}) {
  if (!queue || typeof queue.add !== 'function') throw configError('queue', 'enqueueCancel needs a BullMQ Queue as its first argument')
  text('invoiceNumber', invoiceNumber, 64)
  text('note', note, 255)
  const jobId = cancelJobId(invoiceNumber)
  const existing = typeof queue.getJob === 'function' ? await queue.getJob(jobId) : undefined
  if (existing) {
    if (typeof existing.isFailed === 'function' && (await existing.isFailed())) await existing.retry('failed')
    return existing
  }
  return queue.add(CANCEL_JOB, { invoiceNumber, note }, { ...CANCEL_JOB_OPTIONS, ...options, jobId })
}

// Refusals that end a cancel job as completed, with the code in its result: DOKU's answer about
// the order (paid, expired, unknown) or job data no try can send. Anything else is an error.
const REFUSALS = new Set(['order_not_cancellable', 'order_not_found', 'invalid_input'])

/**
 * An error BullMQ fails the job with at once, without its remaining tries (BullMQ recognises
 * the name): a wrong key, a store without a client, an answer that is not DOKU's.
 */
function unrecoverable(e) {
  const error = new Error(`${e.code}: ${e.message}`, { cause: e })
  error.name = 'UnrecoverableError'
  error.code = e.code
  error.reason = e.reason
  return error
}

/**
 * The processor of cancel jobs for a BullMQ Worker. Resolves to `{ invoiceNumber, state,
 * requestId }`, plus `error` (the stable code) and `reason` when DOKU refused (paid, expired,
 * not found) or the job's data was invalid; throws what a retry may fix (BullMQ retries it
 * with backoff), and fails the job at once on errors no retry fixes (bad credentials, a
 * misconfigured store). `store` is a PgStore made with a client.
 */
function cancelProcessor({ store } = {}) {
  if (!store || typeof store.cancelOrder !== 'function' || typeof store.order !== 'function') {
    throw configError('store', 'cancelProcessor needs { store }: a PgStore made with a client')
  }
  return async function processDokuCancel(job) {
    const data = job?.data ?? {}
    try {
      const order = await store.cancelOrder(data.invoiceNumber, data.note)
      return { invoiceNumber: order.invoiceNumber, state: order.state, requestId: order.cancelRequestId }
    } catch (e) {
      if (!(e instanceof DokuError) || e.retryable) throw e
      if (!REFUSALS.has(e.code)) throw unrecoverable(e)
      const order = e.code === 'invalid_input' ? null : await store.order(data.invoiceNumber)
      return {
        invoiceNumber: data.invoiceNumber ?? null,
        state: order?.state ?? null,
        requestId: order?.cancelRequestId || null,
        error: e.code,
        reason: e.reason,
      }
    }
  }
}

module.exports = { enqueueCancel, cancelProcessor, cancelJobId, CANCEL_JOB, CANCEL_JOB_OPTIONS }
