'use strict'
// doku-checkout/pg: the merchant's DOKU orders and received notifications in PostgreSQL, over
// a `pg` Pool, kept right across many processes and workers.
//
//   const store = new PgStore(pool, { client })
//   await store.migrate()
//   await store.createCheckout({ invoiceNumber: 'INV-1', amount: 150000 })  // Request-Id stored first
//   await store.cancelOrder('INV-1', 'customer asked')                      // exactly once
//
// - createCheckout stores the checkout's Request-Id on the order before calling DOKU, so a retry
//   after an unknown outcome reuses it (DOKU replays), and a cancel never lacks it.
// - cancelOrder claims the order row in one statement (FOR UPDATE SKIP LOCKED: a worker that
//   finds it locked gets CancelInProgressError, retryable), stores the cancel's Request-Id and
//   commits before sending; every retry, in any process, sends that same Request-Id and DOKU
//   acts once (two workers on one order send the same one: the later gets DOKU's replay, or
//   duplicate_request while the first is in flight, which is settled from DOKU's status).
// - DOKU's news moves an order only forward, by the core's lifecycle rule (lifecycleTransition):
//   a late PENDING after PAID changes nothing; final states that disagree are kept and recorded
//   in `anomaly`.
// - beginNotification is the durable de-duplication behind dokuNotification({ store }).
//
// The tables are the Django app's (doku_checkout_order, doku_checkout_notification); the
// migrations ship in migrations/pg/ and migrate() applies them once, under an advisory lock.

const fs = require('node:fs')
const path = require('node:path')
const { lifecycleTransition, orderLifecycle, newRequestId } = require('./index.js')
const { DokuError, OrderNotCancellableError, invalidInput, configError } = require('./errors.js')

const MIGRATIONS = path.join(__dirname, 'migrations', 'pg')
// Any fixed number: the advisory lock that lets one process at a time apply migrations.
const MIGRATION_LOCK = 0x646f6b75

// The column limits (the Django model's): checked before anything is written or sent.
const MAX_INVOICE = 64
const MAX_REQUEST_ID = 128
const MAX_NOTE = 255
const MAX_STATUS = 64
const MAX_ANOMALY = 160
// How long a copy of a notification waits for another delivery's receipt to settle, by default
// and at most (DOKU waits about 30 s for an answer).
const RECEIPT_WAIT_MS = 10000
const MAX_RECEIPT_WAIT_MS = 25000
// PostgreSQL's lock_not_available (a lock wait ran past lock_timeout).
const LOCK_NOT_AVAILABLE = '55P03'

// A cancel is pointless once an order reached one of these; CANCELLED is settled by DOKU's
// replay when this store sent the cancel, and settled outright when it did not.
const NOT_CANCELLABLE = { PAID: 'order_paid', EXPIRED: 'order_expired', REFUNDED: 'order_refunded' }

/**
 * Another delivery of the same notification has held its receipt for longer than the lock
 * timeout (its handler is slow): answer 503; DOKU's retry finds it done.
 */
class ReceiptBusyError extends DokuError {
  static code = 'server_error'
  constructor() {
    super('another delivery of this notification is still being handled; answer 503 and DOKU retries it later', {
      code: 'server_error',
      retryable: true,
      reason: 'receipt_busy',
    })
  }
}

/** Another worker holds this order's row (claiming it, or applying DOKU's news): retry in a few seconds. */
class CancelInProgressError extends DokuError {
  static code = 'cancel_in_progress'
  constructor(invoiceNumber) {
    super(
      `another worker is cancelling ${invoiceNumber} right now; retry in a few seconds (the same Request-Id is reused)`,
      { code: 'cancel_in_progress', retryable: true, reason: 'row_locked' },
    )
  }
}

function text(field, value, max, { empty = false } = {}) {
  if (typeof value !== 'string') throw invalidInput(field, `${field} must be a string`)
  if (!empty && value.trim() === '') throw invalidInput(field, `${field} must not be empty`)
  if (value.length > max) throw invalidInput(field, `${field} is ${value.length} characters long; at most ${max} are stored`)
  return value
}

function optionalStatus(field, value) {
  if (value === undefined || value === null) return null
  return text(field, value, MAX_STATUS, { empty: true }) || null
}

/** A stored row as the API shows it (camelCase; amount a number or null). */
function orderOf(row) {
  if (!row) return null
  return {
    invoiceNumber: row.invoice_number,
    checkoutRequestId: row.checkout_request_id,
    amount: row.amount === null ? null : Number(row.amount),
    state: row.state,
    transactionStatus: row.transaction_status,
    orderStatus: row.order_status,
    cancelRequestId: row.cancel_request_id,
    cancelNote: row.cancel_note,
    anomaly: row.anomaly,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    checkedAt: row.checked_at,
  }
}

/** Runs `work(db)` in a transaction on a client of its own; rolls back when it throws. */
async function inTransaction(pool, work) {
  const held = await holdClient(pool)
  let result
  try {
    await held.db.query('BEGIN')
    result = await work(held.db)
  } catch (e) {
    await held.end('ROLLBACK').catch(() => {})
    throw e
  }
  await held.end('COMMIT')
  return result
}

const ENSURE_ORDER = `INSERT INTO doku_checkout_order
  (invoice_number, checkout_request_id, amount, state, transaction_status, order_status, cancel_request_id, cancel_note, anomaly, created_at, updated_at)
  VALUES ($1, '', NULL, 'PENDING', '', '', '', '', '', now(), now()) ON CONFLICT (invoice_number) DO NOTHING`

// One statement, so one atomic step: the row locked (or skipped when another worker holds
// it), a cancel Request-Id given to an order that can still be cancelled and has none, kept
// otherwise (a retry resends it), and the row read back.
const CLAIM = `WITH picked AS (
    SELECT id FROM doku_checkout_order WHERE invoice_number = $1 FOR UPDATE SKIP LOCKED
  )
  UPDATE doku_checkout_order o SET
    cancel_request_id = CASE WHEN o.cancel_request_id = '' AND o.state NOT IN ('PAID', 'EXPIRED', 'REFUNDED', 'CANCELLED') THEN $2 ELSE o.cancel_request_id END,
    cancel_note = CASE WHEN o.cancel_request_id = '' AND o.state NOT IN ('PAID', 'EXPIRED', 'REFUNDED', 'CANCELLED') THEN $3 ELSE o.cancel_note END,
    updated_at = now()
  FROM picked WHERE o.id = picked.id
  RETURNING o.*`

class PgStore {
  #pool
  #client
  #receiptWaitMs

  /**
   * `pool` is a `pg` Pool (anything with `query()` and `connect()`); `client` is the
   * doku-checkout Client that creates checkouts and cancels (not needed for migrate() and
   * notifications); `receiptWaitMs` is how long a copy of a notification waits for another
   * delivery's handler before it is answered 503 (default 10000, 1 to 25000).
   */
  constructor(pool, { client, receiptWaitMs = RECEIPT_WAIT_MS } = {}) {
    if (!pool || typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
      throw configError('pool', 'PgStore needs a pg Pool (new Pool({ connectionString })) as its first argument')
    }
    if (!Number.isSafeInteger(receiptWaitMs) || receiptWaitMs < 1 || receiptWaitMs > MAX_RECEIPT_WAIT_MS) {
      throw configError('receiptWaitMs', `receiptWaitMs must be a whole number of milliseconds from 1 to ${MAX_RECEIPT_WAIT_MS}`)
    }
    this.#pool = pool
    this.#client = client ?? null
    this.#receiptWaitMs = receiptWaitMs
  }

  /** Applies the shipped migrations not applied yet; safe to call from every process at start. */
  async migrate() {
    const files = fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort()
    return inTransaction(this.#pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      await db.query('CREATE TABLE IF NOT EXISTS doku_checkout_migrations (name varchar(128) PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())')
      const done = new Set((await db.query('SELECT name FROM doku_checkout_migrations')).rows.map((r) => r.name))
      const applied = []
      for (const file of files) {
        if (done.has(file)) continue
        await db.query(fs.readFileSync(path.join(MIGRATIONS, file), 'utf8'))
        await db.query('INSERT INTO doku_checkout_migrations (name) VALUES ($1)', [file])
        applied.push(file)
      }
      return applied
    })
  }

  /** The stored order, or null. */
  async order(invoiceNumber) {
    text('invoiceNumber', invoiceNumber, MAX_INVOICE)
    const { rows } = await this.#pool.query('SELECT * FROM doku_checkout_order WHERE invoice_number = $1', [invoiceNumber])
    return orderOf(rows[0])
  }

  /**
   * Creates DOKU's checkout for `input.invoiceNumber`, its Request-Id stored on the order first;
   * calling again for the same invoice reuses it (DOKU replays the first answer). An invoice
   * stored with another amount is refused before anything is sent. Returns `{ order, result }`.
   */
  async createCheckout(input) {
    const doku = this.#doku()
    if (input === null || typeof input !== 'object') throw invalidInput('input', 'createCheckout takes the checkout fields as an object')
    const invoiceNumber = text('invoiceNumber', input.invoiceNumber, MAX_INVOICE)
    const { amount } = input
    if (!Number.isSafeInteger(amount) || amount <= 0) throw invalidInput('amount', 'amount must be a positive whole number of rupiah')
    if (input.requestId !== undefined) text('requestId', input.requestId, MAX_REQUEST_ID)
    const requestId = await inTransaction(this.#pool, async (db) => {
      await db.query(ENSURE_ORDER, [invoiceNumber])
      const { rows } = await db.query('SELECT * FROM doku_checkout_order WHERE invoice_number = $1 FOR UPDATE', [invoiceNumber])
      const row = rows[0]
      if (row.amount !== null && Number(row.amount) !== amount) {
        throw invalidInput('amount', `${invoiceNumber} was created with amount ${row.amount}, not ${amount}: use a new invoice number`)
      }
      if (row.checkout_request_id !== '') return row.checkout_request_id
      const chosen = input.requestId ?? newRequestId()
      await db.query('UPDATE doku_checkout_order SET checkout_request_id = $2, amount = $3, updated_at = now() WHERE invoice_number = $1', [invoiceNumber, chosen, amount])
      return chosen
    })
    const result = await doku.createCheckout({ ...input, requestId })
    return { order: await this.order(invoiceNumber), result }
  }

  /**
   * Cancels an unpaid order exactly once, however many workers or retries call this; returns
   * the updated order. Throws CancelInProgressError (retryable) while another worker holds the
   * order, and DOKU's typed errors otherwise: retryable ones leave the Request-Id stored for the
   * retry; a refusal (paid, expired) is applied to the order from DOKU's status answer first.
   */
  async cancelOrder(invoiceNumber, note) {
    const doku = this.#doku()
    text('invoiceNumber', invoiceNumber, MAX_INVOICE)
    text('note', note, MAX_NOTE)
    // An order this store never saw (created before it) gets its row now.
    await this.#pool.query(ENSURE_ORDER, [invoiceNumber])
    const { rows } = await this.#pool.query(CLAIM, [invoiceNumber, newRequestId(), note])
    if (rows.length === 0) throw new CancelInProgressError(invoiceNumber)
    const row = rows[0]
    if (NOT_CANCELLABLE[row.state]) {
      throw new OrderNotCancellableError(`${invoiceNumber} is ${row.state} here; it cannot be cancelled, and no cancel was sent`, {
        code: 'order_not_cancellable',
        reason: NOT_CANCELLABLE[row.state],
      })
    }
    if (row.cancel_request_id === '') return orderOf(row) // cancelled before, not by this store
    const requestId = row.cancel_request_id
    // The first note stays: the Request-Id was chosen for that body.
    try {
      if (row.checkout_request_id !== '') {
        await doku.cancelOrder({ invoiceNumber, originalRequestId: row.checkout_request_id, note: row.cancel_note, requestId })
      } else {
        await doku.cancelByInvoice({ invoiceNumber, note: row.cancel_note, requestId })
      }
    } catch (e) {
      if (e instanceof DokuError && e.code === 'duplicate_request') {
        // The same Request-Id is in flight elsewhere (a redelivered job): DOKU is busy with it.
        const { order } = await this.refreshStatus(invoiceNumber)
        if (order.state === 'CANCELLED') return order
        throw new CancelInProgressError(invoiceNumber)
      }
      if (e instanceof DokuError && (e.code === 'order_not_cancellable' || e.code === 'order_not_found')) {
        // Learn where the order really is (paid, expired, cancelled elsewhere) before saying no.
        await this.refreshStatus(invoiceNumber).catch(() => {})
      }
      throw e
    }
    // A cancel DOKU accepted (or replayed) leaves the order CANCELLED, whatever the body said.
    return (await this.applyStatus(invoiceNumber, { transactionStatus: 'CANCELLED' })).order
  }

  /**
   * Applies what DOKU said of an order through the core's lifecycle rule, the row locked:
   * `{ order, outcome }` with outcome 'apply', 'unchanged', 'anomaly' or 'unrecognised'.
   */
  async applyStatus(invoiceNumber, statuses = {}) {
    text('invoiceNumber', invoiceNumber, MAX_INVOICE)
    const transactionStatus = optionalStatus('transactionStatus', statuses.transactionStatus)
    const orderStatus = optionalStatus('orderStatus', statuses.orderStatus)
    return inTransaction(this.#pool, (db) => applyIn(db, invoiceNumber, transactionStatus, orderStatus))
  }

  /** Asks DOKU's status API about an order and applies the answer (see applyStatus). */
  async refreshStatus(invoiceNumber) {
    const status = await this.#doku().orderStatus(invoiceNumber)
    return this.applyStatus(invoiceNumber, { transactionStatus: status.transactionStatus, orderStatus: status.orderStatus })
  }

  /**
   * Opens the durable receipt of one verified notification: null when this (Client-Id,
   * Request-Id) was received before (its effects happened: answer 2xx, run nothing), else
   * `{ db, commit(), rollback() }` with the receipt inserted and the order's state applied in
   * an open transaction. Run the handler's effects through `db.query` (refused once the
   * receipt is settled), then commit (or roll back, and DOKU's retry runs them again). A copy
   * arriving meanwhile waits on the receipt's unique index, for at most `receiptWaitMs` (then
   * ReceiptBusyError, retryable). The order's row stays locked until the receipt settles:
   * change it through `db`, not through another store call.
   */
  async beginNotification({ requestId, clientId = '', notification } = {}) {
    text('requestId', requestId, MAX_REQUEST_ID)
    text('clientId', clientId, MAX_REQUEST_ID, { empty: true })
    const order = notification?.order ?? {}
    const transaction = notification?.transaction ?? {}
    const invoice = typeof order.invoice_number === 'string' ? order.invoice_number : ''
    const status = typeof transaction.status === 'string' ? transaction.status : null
    const orderStatus = typeof order.status === 'string' ? order.status : null
    const held = await holdClient(this.#pool)
    try {
      await held.db.query('BEGIN')
      await held.db.query(`SET LOCAL lock_timeout = ${this.#receiptWaitMs}`) // a checked integer
      const inserted = await held.db.query(
        `INSERT INTO doku_checkout_notification (request_id, client_id, invoice_number, transaction_status, received_at)
         VALUES ($1, $2, $3, $4, now()) ON CONFLICT (client_id, request_id) DO NOTHING RETURNING id`,
        [requestId, clientId, invoice.slice(0, MAX_INVOICE), (status ?? '').slice(0, MAX_STATUS)],
      )
      if (inserted.rowCount === 0) {
        await held.end('ROLLBACK')
        return null
      }
      if (invoice !== '' && invoice.length <= MAX_INVOICE && (status || orderStatus)) {
        await applyIn(held.db, invoice, fitting(status), fitting(orderStatus))
      }
    } catch (e) {
      await held.end('ROLLBACK').catch(() => {})
      if (e?.code === LOCK_NOT_AVAILABLE) throw new ReceiptBusyError()
      throw e
    }
    return {
      // The handler's view of the transaction: refused once the receipt is settled, so a late
      // query never runs outside it (autocommitted) or inside another request's transaction.
      db: {
        query: (...args) => (held.settled ? Promise.reject(settledError()) : held.db.query(...args)),
      },
      commit: () => held.end('COMMIT'),
      rollback: () => (held.settled ? Promise.resolve() : held.end('ROLLBACK').catch(() => {})),
    }
  }

  #doku() {
    if (this.#client === null) throw configError('client', 'this PgStore was made without a client: new PgStore(pool, { client: new Client({...}) })')
    return this.#client
  }
}

/**
 * A pool client held across awaits, with an error listener for its whole hold (pg-pool removes
 * its own while a client is checked out: a connection dropped then would be an unhandled
 * 'error' event) and one end: `end('COMMIT' | 'ROLLBACK')` finishes the transaction and
 * releases the client, once; a COMMIT that PostgreSQL turned into a rollback (the transaction
 * had failed) throws.
 */
async function holdClient(pool) {
  const db = await pool.connect()
  let lost = null
  const onError = (e) => {
    lost = e
  }
  db.on('error', onError)
  const held = {
    db,
    settled: false,
    async end(verb) {
      if (held.settled) throw settledError()
      held.settled = true
      let failure = lost
      try {
        const result = await db.query(verb)
        if (verb === 'COMMIT' && result.command !== 'COMMIT') {
          failure = new Error('the notification\'s transaction had failed (a query in it raised an error), so PostgreSQL rolled it back: nothing was recorded')
          throw failure
        }
      } catch (e) {
        failure ??= e
        throw e
      } finally {
        db.removeListener('error', onError)
        db.release(failure ?? undefined)
      }
    },
  }
  return held
}

function settledError() {
  return new Error("this notification's receipt is already committed or rolled back: run the handler's queries before it answers")
}

/** A status a state can be read from, or null (over-long: the handler decides). */
function fitting(status) {
  return status !== null && status.length <= MAX_STATUS ? status : null
}

/** The lifecycle rule applied to one order inside `db`'s transaction. */
async function applyIn(db, invoiceNumber, transactionStatus, orderStatus) {
  await db.query(ENSURE_ORDER, [invoiceNumber])
  const { rows } = await db.query('SELECT * FROM doku_checkout_order WHERE invoice_number = $1 FOR UPDATE', [invoiceNumber])
  const row = rows[0]
  let outcome
  let state
  try {
    ;({ outcome, state } = lifecycleTransition({ stored: row.state || null, transactionStatus, orderStatus }))
  } catch (e) {
    // A status no state can be read from (control characters): nothing to apply.
    if (e instanceof DokuError && e.code === 'invalid_input') outcome = 'unrecognised'
    else throw e
  }
  let updated
  if (outcome === 'apply' && state !== null) {
    updated = await db.query(
      `UPDATE doku_checkout_order SET state = $2, transaction_status = $3, order_status = $4, checked_at = now(), updated_at = now()
       WHERE invoice_number = $1 RETURNING *`,
      [invoiceNumber, state, transactionStatus ?? '', orderStatus ?? ''],
    )
  } else if (outcome === 'anomaly') {
    const observed = orderLifecycle({ transactionStatus, orderStatus })
    updated = await db.query(
      'UPDATE doku_checkout_order SET anomaly = $2, checked_at = now(), updated_at = now() WHERE invoice_number = $1 RETURNING *',
      [invoiceNumber, `${row.state}->${observed}`.slice(0, MAX_ANOMALY)],
    )
  } else {
    updated = await db.query('UPDATE doku_checkout_order SET checked_at = now(), updated_at = now() WHERE invoice_number = $1 RETURNING *', [invoiceNumber])
  }
  return { order: orderOf(updated.rows[0]), outcome }
}

module.exports = { PgStore, CancelInProgressError, ReceiptBusyError }
