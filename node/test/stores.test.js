'use strict'
// doku-checkout/pg, doku-checkout/bullmq and dokuNotification({ store }) on real parts: the
// PostgreSQL and Redis that `make node-test` starts, the emulator over loopback, BullMQ worker
// processes killed with SIGKILL, and two Express shop processes taking the same notification.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { Pool } = require('pg')
const { Queue, Worker } = require('bullmq')
const { Client, InvalidInputError, OrderNotCancellableError, ServerError } = require('../index.js')
const { MockServer, notificationBody, signNotification } = require('../testing.js')
const { PgStore, CancelInProgressError } = require('../pg.js')
const { enqueueCancel, cancelProcessor, cancelJobId } = require('../bullmq.js')
const { freshDatabase, redisConnection } = require('./services.js')
const { ROOT } = require('./helpers.js')

const CLIENT_ID = 'MCH-NODE-SHOP-0001'
const SECRET = 'SK-NODE-SHOP-0123456789'
const CANCELS = '/checkout/v3/cancellations'

let mock
let db
let pool
let client
let store

before(async () => {
  mock = await MockServer.start({ clientId: CLIENT_ID, secretKey: SECRET })
  db = await freshDatabase('node_shop')
  pool = new Pool({ connectionString: db.url, max: 10 })
  client = new Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: mock.url, maxRetries: 1, initialBackoffMs: 20 })
  store = new PgStore(pool, { client })
  await store.migrate()
  await pool.query('CREATE TABLE shop_shipments (id serial PRIMARY KEY, invoice_number text NOT NULL, request_id text NOT NULL, shop text NOT NULL)')
})

after(async () => {
  await pool?.end()
  await db?.drop()
  await mock?.close()
})

/** The Request-Ids the emulator saw on cancels, per invoice number. */
function cancelIds() {
  const ids = new Map()
  for (const r of mock.requests()) {
    if (r.method !== 'POST' || r.path !== CANCELS) continue
    const invoice = JSON.parse(r.body).order.invoice_number
    if (!ids.has(invoice)) ids.set(invoice, new Set())
    ids.get(invoice).add(r.request_id)
  }
  return ids
}

const sent = () => mock.requests().length

/**
 * Starts `node <file>` (under fixtures/ unless absolute) and resolves once a stdout line
 * matches `ready` (at once when `ready` is null).
 */
function startProcess(file, env, ready) {
  const child = spawn(process.execPath, [path.isAbsolute(file) ? file : path.join(__dirname, 'fixtures', file)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = []
  return new Promise((resolve, reject) => {
    if (ready === null) resolve({ child, lines, match: null })
    let partial = ''
    child.once('exit', (code, signal) => reject(new Error(`${file} exited (${code ?? signal}) before it was ready: ${lines.join(' | ')}`)))
    child.stdout.on('data', (chunk) => {
      const parts = (partial + chunk).split('\n')
      partial = parts.pop()
      for (const line of parts) {
        lines.push(line)
        const m = ready?.exec(line)
        if (m) {
          child.removeAllListeners('exit')
          resolve({ child, lines, match: m })
        }
      }
    })
  })
}

function stop(proc, signal = 'SIGTERM') {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return Promise.resolve()
  return new Promise((done) => {
    proc.child.once('exit', done)
    proc.child.kill(signal)
  })
}

async function waitFor(what, check, timeoutMs = 120000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

test('migrate applies the shipped migrations once, however many processes start at the same time', async () => {
  const other = await freshDatabase('node_migrate')
  const pools = [1, 2, 3].map(() => new Pool({ connectionString: other.url, max: 2 }))
  try {
    const applied = await Promise.all(pools.map((p) => new PgStore(p).migrate()))
    assert.deepEqual(applied.map((a) => a.length).sort(), [0, 0, 1])
    assert.deepEqual(applied.flat(), ['0001_initial.sql'])
    assert.deepEqual(await new PgStore(pools[0]).migrate(), [])
    const { rows } = await pools[0].query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'doku_checkout_%'")
    assert.equal(rows[0].n, 3)
  } finally {
    await Promise.all(pools.map((p) => p.end()))
    await other.drop()
  }
})

test('createCheckout stores its Request-Id before calling DOKU, and a retry reuses it', async () => {
  const first = await store.createCheckout({ invoiceNumber: 'N-CO-1', amount: 150000 })
  assert.equal(first.order.state, 'PENDING')
  assert.equal(first.order.amount, 150000)
  assert.equal(first.order.checkoutRequestId, first.result.requestId)
  const again = await store.createCheckout({ invoiceNumber: 'N-CO-1', amount: 150000 })
  assert.equal(again.result.requestId, first.result.requestId, 'the stored Request-Id is re-sent: DOKU replays')
  const creates = mock.requests().filter((r) => r.method === 'POST' && r.path !== CANCELS && JSON.parse(r.body).order?.invoice_number === 'N-CO-1')
  assert.deepEqual(new Set(creates.map((r) => r.request_id)), new Set([first.result.requestId]))

  const before = sent()
  await assert.rejects(store.createCheckout({ invoiceNumber: 'N-CO-1', amount: 99 }), (e) => e instanceof InvalidInputError && e.field === 'amount')
  await assert.rejects(store.createCheckout({ invoiceNumber: 'x'.repeat(65), amount: 1 }), (e) => e instanceof InvalidInputError && e.field === 'invoiceNumber')
  await assert.rejects(store.createCheckout({ invoiceNumber: 'N-CO-2', amount: 1.5 }), (e) => e instanceof InvalidInputError && e.field === 'amount')
  assert.equal(sent(), before, 'nothing was sent for refused input')
  assert.equal(await store.order('N-CO-2'), null, 'nor stored')
})

test('cancelOrder cancels once; a repeat re-sends the same Request-Id; DOKU refusals are applied first', async () => {
  await store.createCheckout({ invoiceNumber: 'N-CA-1', amount: 20000 })
  const order = await store.cancelOrder('N-CA-1', 'customer asked')
  assert.equal(order.state, 'CANCELLED')
  assert.match(order.cancelRequestId, /\S/)
  const again = await store.cancelOrder('N-CA-1', 'another note')
  assert.equal(again.cancelRequestId, order.cancelRequestId)
  assert.equal(again.cancelNote, 'customer asked', 'the first note stays: the Request-Id was chosen for it')
  assert.deepEqual(cancelIds().get('N-CA-1'), new Set([order.cancelRequestId]))
  assert.equal(mock.order('N-CA-1').state, 'CANCELLED')

  // Paid at DOKU: refused, and the store learns PAID from the status answer.
  await store.createCheckout({ invoiceNumber: 'N-CA-2', amount: 20000 })
  mock.markPaid('N-CA-2')
  await assert.rejects(store.cancelOrder('N-CA-2', 'too late'), (e) => e instanceof OrderNotCancellableError)
  assert.equal((await store.order('N-CA-2')).state, 'PAID')
  const before = sent()
  await assert.rejects(store.cancelOrder('N-CA-2', 'too late'), (e) => e instanceof OrderNotCancellableError && e.reason === 'order_paid')
  assert.equal(sent(), before, 'an order stored as PAID is refused without a request')

  // Created before the store existed: cancelled by invoice number (DOKU's status gives the id).
  mock.addOrder('N-CA-3', { originalRequestId: 'checkout-elsewhere-3', amount: 5000 })
  assert.equal((await store.cancelOrder('N-CA-3', 'old order')).state, 'CANCELLED')
  assert.equal(mock.order('N-CA-3').state, 'CANCELLED')

  // Cancelled elsewhere (a notification said so): settled, nothing sent.
  await store.applyStatus('N-CA-4', { transactionStatus: 'CANCELLED' })
  const quiet = sent()
  assert.equal((await store.cancelOrder('N-CA-4', 'again')).cancelRequestId, '')
  assert.equal(sent(), quiet)

  await assert.rejects(store.cancelOrder(42, 'x'), (e) => e instanceof InvalidInputError && e.field === 'invoiceNumber')
  await assert.rejects(store.cancelOrder('N-CA-5', 'n'.repeat(256)), (e) => e instanceof InvalidInputError && e.field === 'note')
  assert.equal(sent(), quiet)
})

test('a second worker on an order another holds gets CancelInProgressError, retryable, and sends nothing', async () => {
  await store.createCheckout({ invoiceNumber: 'N-LOCK-1', amount: 1000 })
  const holder = await pool.connect()
  try {
    await holder.query('BEGIN')
    await holder.query("SELECT * FROM doku_checkout_order WHERE invoice_number = 'N-LOCK-1' FOR UPDATE")
    const before = sent()
    await assert.rejects(store.cancelOrder('N-LOCK-1', 'x'), (e) => e instanceof CancelInProgressError && e.retryable && e.code === 'cancel_in_progress')
    assert.equal(sent(), before)
  } finally {
    await holder.query('ROLLBACK')
    holder.release()
  }
  assert.equal((await store.cancelOrder('N-LOCK-1', 'x')).state, 'CANCELLED')
})

test('applyStatus moves an order only forward and records final states that disagree', async () => {
  assert.equal((await store.applyStatus('N-LC-1', { transactionStatus: 'SUCCESS' })).order.state, 'PAID')
  const late = await store.applyStatus('N-LC-1', { transactionStatus: 'PENDING' })
  assert.deepEqual([late.outcome, late.order.state], ['unchanged', 'PAID'])
  const clash = await store.applyStatus('N-LC-1', { transactionStatus: 'CANCELLED' })
  assert.deepEqual([clash.outcome, clash.order.state, clash.order.anomaly], ['anomaly', 'PAID', 'PAID->CANCELLED'])
  await assert.rejects(store.applyStatus('N-LC-1', { transactionStatus: 7 }), (e) => e instanceof InvalidInputError)
})

test('the cancel processor: refusals complete with their code, retryable errors are thrown for BullMQ to retry', async () => {
  const run = cancelProcessor({ store })
  await store.createCheckout({ invoiceNumber: 'N-JOB-1', amount: 1000 })
  mock.injectFault('status', { count: 2, status: 503 }) // both attempts of the first try
  await assert.rejects(run({ data: { invoiceNumber: 'N-JOB-1', note: 'x' } }), (e) => e instanceof ServerError && e.retryable)
  const stored = (await store.order('N-JOB-1')).cancelRequestId
  assert.match(stored, /\S/, 'the Request-Id was stored before the failed try')
  assert.deepEqual(await run({ data: { invoiceNumber: 'N-JOB-1', note: 'x' } }), { invoiceNumber: 'N-JOB-1', state: 'CANCELLED', requestId: stored })
  assert.deepEqual(cancelIds().get('N-JOB-1'), new Set([stored]), 'every try sent the same Request-Id')

  await store.createCheckout({ invoiceNumber: 'N-JOB-2', amount: 1000 })
  mock.markPaid('N-JOB-2')
  const refused = await run({ data: { invoiceNumber: 'N-JOB-2', note: 'x' } })
  assert.deepEqual([refused.error, refused.state], ['order_not_cancellable', 'PAID'])
  const notFound = await run({ data: { invoiceNumber: 'N-JOB-NOWHERE', note: 'x' } })
  assert.deepEqual([notFound.error, notFound.state], ['order_not_found', 'PENDING'])
  const bad = await run({ data: { invoiceNumber: '', note: 'x' } })
  assert.deepEqual([bad.error, bad.state], ['invalid_input', null])
  assert.throws(() => cancelProcessor({}), /needs \{ store \}/)
})

test('enqueueCancel: one job per invoice (a second enqueue is a no-op), ids BullMQ accepts for any invoice', async () => {
  const queue = new Queue(`doku-enqueue-${db.name}`, { connection: redisConnection() })
  try {
    const a = await enqueueCancel(queue, 'N-Q-1', 'first')
    const b = await enqueueCancel(queue, 'N-Q-1', 'second')
    assert.equal(a.id, b.id)
    assert.equal(a.id, cancelJobId('N-Q-1'))
    await enqueueCancel(queue, '12345', 'an integer-looking invoice')
    await enqueueCancel(queue, 'INV:7/2', 'a colon and a slash')
    assert.notEqual(cancelJobId('A:B'), cancelJobId('A%3AB'))
    const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed')
    assert.equal(Object.values(counts).reduce((x, y) => x + y, 0), 3)
    assert.deepEqual((await queue.getJob(a.id)).data, { invoiceNumber: 'N-Q-1', note: 'first' })
    await assert.rejects(enqueueCancel(queue, '', 'x'), (e) => e instanceof InvalidInputError)
    await assert.rejects(enqueueCancel({}, 'N-Q-2', 'x'), /needs a BullMQ Queue/)
  } finally {
    await queue.obliterate({ force: true })
    await queue.close()
  }
})

test('chaos: 200 cancels through BullMQ workers, one SIGKILLed mid-way and restarted: one Request-Id per invoice, all CANCELLED', { timeout: 240000 }, async (t) => {
  const invoices = Array.from({ length: 200 }, (_, i) => `N-CHAOS-${String(i).padStart(3, '0')}`)
  // Most were created through the store (their checkout Request-Id stored); the last 20 exist
  // only at DOKU (cancelled by invoice number).
  for (let i = 0; i < 180; i += 20) {
    await Promise.all(invoices.slice(i, i + 20).map((inv) => store.createCheckout({ invoiceNumber: inv, amount: 10000 })))
  }
  for (const inv of invoices.slice(180)) mock.addOrder(inv, { originalRequestId: `elsewhere-${inv}`, amount: 10000 })

  const queueName = `doku-chaos-${db.name}`
  const queue = new Queue(queueName, { connection: redisConnection() })
  const env = {
    DOKU_FIXTURE_QUEUE: queueName,
    DOKU_FIXTURE_PG: db.url,
    DOKU_FIXTURE_CLIENT_ID: CLIENT_ID,
    DOKU_FIXTURE_SECRET_KEY: SECRET,
    DOKU_FIXTURE_BASE_URL: mock.url,
  }
  const workers = []
  try {
    for (const inv of invoices) await enqueueCancel(queue, inv, `chaos ${inv}`)
    for (const inv of invoices.slice(0, 20)) await enqueueCancel(queue, inv, 'enqueued twice')
    // Slow answers (given after DOKU acted) so that the kill lands on cancels in flight.
    mock.injectFault('delay_after', { count: 120, ms: 150 })
    workers.push(await startProcess('cancel-worker.js', env, /^ready$/))
    workers.push(await startProcess('cancel-worker.js', env, /^ready$/))
    const cancelled = async () => (await pool.query("SELECT count(*)::int AS n FROM doku_checkout_order WHERE invoice_number LIKE 'N-CHAOS-%' AND state = 'CANCELLED'")).rows[0].n
    const atKill = await waitFor('40 cancels', async () => {
      const n = await cancelled()
      return n >= 40 ? n : 0
    })
    await stop(workers[0], 'SIGKILL')
    workers.push(await startProcess('cancel-worker.js', env, /^ready$/))
    await waitFor('every job to complete', async () => (await queue.getJobCounts('completed')).completed === 200)

    assert.ok(atKill < 200, 'the worker was killed with cancels still to do')
    const { waiting, delayed, active, completed, failed } = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed')
    assert.deepEqual({ waiting, delayed, active, completed, failed }, { waiting: 0, delayed: 0, active: 0, completed: 200, failed: 0 }, 'one job per invoice, none failed')
    const ids = cancelIds()
    const { rows } = await pool.query("SELECT invoice_number, state, cancel_request_id FROM doku_checkout_order WHERE invoice_number LIKE 'N-CHAOS-%' ORDER BY 1")
    assert.equal(rows.length, 200)
    for (const row of rows) {
      assert.equal(row.state, 'CANCELLED', row.invoice_number)
      assert.deepEqual(ids.get(row.invoice_number), new Set([row.cancel_request_id]), `${row.invoice_number}: every cancel sent under the one stored Request-Id`)
      assert.equal(mock.order(row.invoice_number).state, 'CANCELLED')
    }
    const posts = mock.requests().filter((r) => r.method === 'POST' && r.path === CANCELS && JSON.parse(r.body).order.invoice_number.startsWith('N-CHAOS-'))
    t.diagnostic(`killed at ${atKill} cancelled; ${posts.length} cancel requests for 200 invoices (${posts.length - 200} re-sent under their stored Request-Id)`)
    assert.ok(posts.length > 200, 'the killed worker had cancels in flight, and they were sent again (under the one Request-Id, checked above)')
    const job = await queue.getJob(cancelJobId('N-CHAOS-000'))
    assert.equal(job.data.note, 'chaos N-CHAOS-000', 'the second enqueue changed nothing')
    assert.equal(job.returnvalue.state, 'CANCELLED')
  } finally {
    for (const w of workers) await stop(w)
    await queue.obliterate({ force: true })
    await queue.close()
  }
})

test('chaos: 100 copies of one genuine notification sent at once to two shop processes: shipped once', { timeout: 120000 }, async () => {
  const created = await store.createCheckout({ invoiceNumber: 'N-NOTIFY-1', amount: 75000 })
  const body = notificationBody({ invoiceNumber: 'N-NOTIFY-1', amount: 75000, originalRequestId: created.order.checkoutRequestId, status: 'SUCCESS' })
  const headers = signNotification({ secretKey: SECRET, clientId: CLIENT_ID, body, notificationPath: '/doku/notify' })
  const base = { DOKU_FIXTURE_PG: db.url, DOKU_FIXTURE_SECRET_KEY: SECRET }
  const shops = []
  try {
    // Both fail their first run (after shipping): the rollback must undo it, and a later copy ship.
    shops.push(await startProcess('notify-shop.js', { ...base, DOKU_FIXTURE_SHOP: 'a', DOKU_FIXTURE_FAIL_FIRST: '1' }, /^listening (\d+)$/))
    shops.push(await startProcess('notify-shop.js', { ...base, DOKU_FIXTURE_SHOP: 'b', DOKU_FIXTURE_FAIL_FIRST: '1' }, /^listening (\d+)$/))
    const post = (i) =>
      fetch(`http://127.0.0.1:${shops[i % 2].match[1]}/doku/notify`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body }).then(
        async (r) => (await r.arrayBuffer(), r.status),
      )
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => post(i)))
    const failed = statuses.filter((s) => s === 500).length
    assert.ok(failed >= 1 && failed <= 2, `only the failing first runs answered 500 (${failed})`)
    assert.equal(statuses.filter((s) => s === 200).length, 100 - failed)

    const shipped = await pool.query("SELECT shop FROM shop_shipments WHERE invoice_number = 'N-NOTIFY-1'")
    assert.equal(shipped.rows.length, 1, 'the side effect happened exactly once')
    const receipts = await pool.query('SELECT count(*)::int AS n FROM doku_checkout_notification WHERE request_id = $1', [headers['Request-Id']])
    assert.equal(receipts.rows[0].n, 1)
    assert.equal((await store.order('N-NOTIFY-1')).state, 'PAID')

    // DOKU's retries later: answered 200, nothing runs again.
    const later = await Promise.all([0, 1, 2, 3].map(post))
    assert.deepEqual(later, [200, 200, 200, 200])
    assert.equal((await pool.query("SELECT count(*)::int AS n FROM shop_shipments WHERE invoice_number = 'N-NOTIFY-1'")).rows[0].n, 1)

    // A forged copy never reaches the handler or the receipts.
    const forged = await fetch(`http://127.0.0.1:${shops[0].match[1]}/doku/notify`, {
      method: 'POST',
      headers: { ...headers, 'Request-Id': 'forged-1', 'Content-Type': 'application/json' },
      body,
    })
    assert.equal(forged.status, 401)
    assert.equal((await pool.query("SELECT count(*)::int AS n FROM doku_checkout_notification WHERE request_id = 'forged-1'")).rows[0].n, 0)
  } finally {
    for (const s of shops) await stop(s)
  }
})

test("the README's Express + BullMQ example runs as printed: checkout, a cancel job, a notification shipped once", { timeout: 120000 }, async () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const section = readme.split('\n## Express + BullMQ')[1].split('\n## ')[0]
  const [app, worker] = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
  assert.ok(app && worker, 'the section has the web process and the worker')
  const files = { app: path.join(__dirname, '.readme-app.mjs'), worker: path.join(__dirname, '.readme-worker.mjs') }
  fs.writeFileSync(files.app, app)
  fs.writeFileSync(files.worker, worker)
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.DOKU_TEST_REDIS_URL,
    DOKU_CLIENT_ID: CLIENT_ID,
    DOKU_SECRET_KEY: SECRET,
    DOKU_BASE_URL: mock.url,
    PORT: '0',
  }
  const procs = []
  const queue = new Queue('doku-cancels', { connection: redisConnection() })
  try {
    procs.push(await startProcess(files.app, env, /^listening on (\d+)$/))
    procs.push(await startProcess(files.worker, env, null))
    const base = `http://127.0.0.1:${procs[0].match[1]}`
    const post = (p, body) => fetch(`${base}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) })
    const checkout = await (await post('/orders/N-README-1/checkout', { amount: 50000 })).json()
    assert.match(checkout.paymentUrl, /^http/)
    assert.deepEqual([(await post('/orders/N-README-1/cancel')).status, (await post('/orders/N-README-1/cancel')).status], [202, 202])
    await waitFor('the cancel job', async () => (await store.order('N-README-1')).state === 'CANCELLED', 60000)
    await waitFor('the worker to report it', () => procs[1].lines.some((l) => l.startsWith(`${cancelJobId('N-README-1')} CANCELLED`)), 10000)
    assert.equal(cancelIds().get('N-README-1').size, 1)

    await post('/orders/N-README-2/checkout', { amount: 65000 })
    const created = await store.order('N-README-2')
    const body = notificationBody({ invoiceNumber: 'N-README-2', amount: 65000, originalRequestId: created.checkoutRequestId, status: 'SUCCESS' })
    const headers = signNotification({ secretKey: SECRET, clientId: CLIENT_ID, body, notificationPath: '/doku/notifications' })
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${base}/doku/notifications`, { method: 'POST', headers, body })
      assert.equal(r.status, 200)
    }
    assert.equal((await pool.query("SELECT count(*)::int AS n FROM shipments WHERE invoice_number = 'N-README-2'")).rows[0].n, 1)
    assert.equal((await store.order('N-README-2')).state, 'PAID')
  } finally {
    for (const p of procs) await stop(p)
    for (const f of Object.values(files)) fs.rmSync(f, { force: true })
    await queue.obliterate({ force: true })
    await queue.close()
  }
})

test('dokuNotification({ store }): effects commit before the answer, and roll back on an error, a thrown handler, a dropped connection or a failed transaction', { timeout: 60000 }, async () => {
  const express = require('express')
  const { dokuNotification } = require('../express.js')
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
  // The real store, its commits slowed: an answer sent before its commit would be seen here.
  const slowCommits = {
    beginNotification: async (input) => {
      const receipt = await store.beginNotification(input)
      return receipt && { ...receipt, commit: async () => (await sleep(300), receipt.commit()) }
    },
  }
  const lateErrors = []
  const ship = (req) => req.dokuTransaction.query('INSERT INTO shop_shipments (invoice_number, request_id, shop) VALUES ($1, $2, $3)', [req.dokuNotification.order.invoice_number, req.dokuNotification.requestId, req.params.mode])
  const app = express()
  app.post('/n/:mode', dokuNotification({ secretKey: SECRET, store: slowCommits }), async (req, res, next) => {
    const mode = req.params.mode
    try {
      await ship(req)
      if (mode === 'throw') throw new Error('the warehouse is down')
      if (mode === 'swallow') await req.dokuTransaction.query('SELECT 1 / 0').catch(() => {}) // the transaction is now failed
      if (mode === 'late-next') {
        res.sendStatus(200)
        return next(new Error('after the answer'))
      }
      if (mode === 'dropped') {
        await sleep(400) // DOKU hangs up meanwhile
        await ship(req).catch((e) => lateErrors.push(e.message))
      }
      res.sendStatus(200)
    } catch (e) {
      next(e)
    }
  })
  app.use((err, _req, res, _next) => res.status(500).json({ error: err.message }))
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const base = `http://127.0.0.1:${server.address().port}`
  const shipments = async (requestId) => (await pool.query('SELECT shop FROM shop_shipments WHERE request_id = $1', [requestId])).rows.map((r) => r.shop)
  const receipts = async (requestId) => (await pool.query('SELECT count(*)::int AS n FROM doku_checkout_notification WHERE request_id = $1', [requestId])).rows[0].n
  const deliver = (mode, requestId, init = {}) => {
    const body = notificationBody({ invoiceNumber: `N-MW-${requestId}`, amount: 1000, originalRequestId: 'co-1', status: 'SUCCESS' })
    const headers = signNotification({ secretKey: SECRET, clientId: CLIENT_ID, body, notificationPath: `/n/${mode}`, requestId })
    return fetch(`${base}/n/${mode}`, { method: 'POST', headers, body, ...init })
  }
  try {
    // Committed before the answer: the shipment is there the moment the 200 arrives.
    assert.equal((await deliver('ok', 'mw-1')).status, 200)
    assert.deepEqual(await shipments('mw-1'), ['ok'])

    // A handler that throws: 500, nothing kept; DOKU's retry (same Request-Id) runs it again, once.
    assert.equal((await deliver('throw', 'mw-2')).status, 500)
    assert.deepEqual([await shipments('mw-2'), await receipts('mw-2')], [[], 0])
    assert.equal((await deliver('ok', 'mw-2')).status, 200)
    assert.equal((await deliver('ok', 'mw-2')).status, 200)
    assert.deepEqual(await shipments('mw-2'), ['ok'])

    // A query failed inside the handler, which answered 200 anyway: PostgreSQL rolled the
    // transaction back at COMMIT, so the answer is 500 and DOKU retries.
    const swallowed = await deliver('swallow', 'mw-3')
    assert.equal(swallowed.status, 500)
    assert.equal((await swallowed.json()).error.code, 'store_failure')
    assert.deepEqual([await shipments('mw-3'), await receipts('mw-3')], [[], 0])

    // next(error) after the 200: the answer stays 200, the effects committed.
    assert.equal((await deliver('late-next', 'mw-4')).status, 200)
    assert.deepEqual(await shipments('mw-4'), ['late-next'])

    // DOKU hangs up mid-handler: rolled back, and the handler's later query is refused.
    await assert.rejects(deliver('dropped', 'mw-5', { signal: AbortSignal.timeout(150) }))
    await waitFor('the late query', () => lateErrors.length === 1, 5000)
    assert.match(lateErrors[0], /already committed or rolled back/)
    assert.deepEqual([await shipments('mw-5'), await receipts('mw-5')], [[], 0])
    assert.equal((await deliver('ok', 'mw-5')).status, 200)
    assert.deepEqual(await shipments('mw-5'), ['ok'])
  } finally {
    await new Promise((r) => server.close(r))
  }
})

test('a job that fails on an error no retry fixes fails at once; enqueueing the invoice again retries it under the same Request-Id', { timeout: 60000 }, async () => {
  await store.createCheckout({ invoiceNumber: 'N-FAIL-1', amount: 1000 })
  const queue = new Queue(`doku-fail-${db.name}`, { connection: redisConnection() })
  const wrongKey = new PgStore(pool, { client: new Client({ clientId: CLIENT_ID, secretKey: 'SK-WRONG-0123456789', baseUrl: mock.url, maxRetries: 0 }) })
  const workers = []
  const finished = (worker) => new Promise((resolve) => {
    worker.once('failed', (job, e) => resolve({ failed: e }))
    worker.once('completed', (job, result) => resolve({ result }))
  })
  try {
    workers.push(new Worker(queue.name, cancelProcessor({ store: wrongKey }), { connection: redisConnection() }))
    const first = finished(workers[0])
    const job = await enqueueCancel(queue, 'N-FAIL-1', 'customer asked')
    const { failed } = await first
    assert.deepEqual([failed.name, failed.code], ['UnrecoverableError', 'authentication_failed'])
    assert.equal(await job.getState(), 'failed')
    assert.equal((await queue.getJob(job.id)).attemptsMade, 1, 'no further tries of an error no retry fixes')
    const requestId = (await store.order('N-FAIL-1')).cancelRequestId
    await workers[0].close()

    // The key fixed (a new deploy): enqueueing again retries the failed job.
    workers.push(new Worker(queue.name, cancelProcessor({ store }), { connection: redisConnection() }))
    const second = finished(workers[1])
    const again = await enqueueCancel(queue, 'N-FAIL-1', 'a second note')
    assert.equal(again.id, job.id)
    const { result } = await second
    assert.deepEqual(result, { invoiceNumber: 'N-FAIL-1', state: 'CANCELLED', requestId })
    assert.deepEqual(cancelIds().get('N-FAIL-1'), new Set([requestId]))
  } finally {
    for (const w of workers) await w.close()
    await queue.obliterate({ force: true })
    await queue.close()
  }
})

test('a copy of a notification whose first delivery is still being handled waits receiptWaitMs, then gets 503; the next retry runs the handler', { timeout: 30000 }, async () => {
  const express = require('express')
  const { dokuNotification } = require('../express.js')
  assert.throws(() => new PgStore(pool, { receiptWaitMs: 0 }), /receiptWaitMs/)
  assert.throws(() => new PgStore(pool, { receiptWaitMs: 60000 }), /receiptWaitMs/)
  const impatient = new PgStore(pool, { receiptWaitMs: 200 })
  const ran = []
  const app = express()
  app.post('/busy', dokuNotification({ secretKey: SECRET, store: impatient }), (req, res) => {
    ran.push(req.dokuNotification.requestId)
    res.sendStatus(200)
  })
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const body = notificationBody({ invoiceNumber: 'N-BUSY-1', amount: 1000, originalRequestId: 'co-busy', status: 'SUCCESS' })
  const headers = signNotification({ secretKey: SECRET, clientId: CLIENT_ID, body, notificationPath: '/busy', requestId: 'busy-1' })
  const deliver = () => fetch(`http://127.0.0.1:${server.address().port}/busy`, { method: 'POST', headers, body })
  try {
    // Another instance holds this notification's receipt (its handler is slow).
    const held = await store.beginNotification({ requestId: 'busy-1', clientId: CLIENT_ID, notification: JSON.parse(body) })
    const busy = await deliver()
    assert.deepEqual([busy.status, busy.headers.get('retry-after'), (await busy.json()).error.reason], [503, '10', 'receipt_busy'])
    assert.deepEqual(ran, [])
    await held.rollback() // that handler failed
    assert.equal((await deliver()).status, 200)
    assert.equal((await deliver()).status, 200)
    assert.deepEqual(ran, ['busy-1'])
  } finally {
    await new Promise((r) => server.close(r))
  }
})
