// Node benchmarks: doku-checkout against plain node:crypto (+ fetch, + undici) doing the same
// thing, in the same run. Timing with perf_hooks; CPU with process.cpuUsage (the emulator runs
// in a child process, so this process does client work only). Run: make bench-node.
// The status-GET comparison starts a fresh release-built emulator ($DOKU_CLI) for every round.
import { performance } from 'node:perf_hooks'
import { spawn } from 'node:child_process'
import { createHash, createHmac, randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import dc from '../index.js'

const CLIENT_ID = 'MCH-BENCH-0001'
const SECRET = 'SK-BENCH-0123456789'
const BODY = Buffer.from('{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}')

function plainSign(clientId, secret, requestId, timestamp, target, body) {
  const digest = createHash('sha256').update(body).digest('base64')
  const text = `Client-Id:${clientId}\nRequest-Id:${requestId}\nRequest-Timestamp:${timestamp}\nRequest-Target:${target}\nDigest:${digest}`
  return `HMACSHA256=${createHmac('sha256', secret).update(text).digest('base64')}`
}

function benchSign() {
  const args = { clientId: 'MCH-0001-10791114622547', secretKey: 'SK-TEST-ONLY-0123456789', requestId: '3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b', timestamp: '2020-08-11T08:45:42Z', requestTarget: '/checkout/v3/cancellations', body: BODY }
  const plain = () => plainSign(args.clientId, args.secretKey, args.requestId, args.timestamp, args.requestTarget, BODY)
  if (dc.signRequest(args) !== plain()) throw new Error('implementations disagree')
  const time = (fn) => {
    const n = 200_000
    let best = Infinity
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now()
      for (let i = 0; i < n; i++) fn()
      best = Math.min(best, (performance.now() - t0) / n)
    }
    return best * 1000
  }
  const ours = time(() => dc.signRequest(args))
  const base = time(plain)
  console.log(`signRequest (doku-checkout)              ${ours.toFixed(2).padStart(8)} µs/op`)
  console.log(`node:crypto createHash + createHmac      ${base.toFixed(2).padStart(8)} µs/op`)
  console.log(`  ratio plain/ours                       ${(base / ours).toFixed(2).padStart(8)}x (above 1: ours is faster)\n`)
}

async function plainCancel(url, invoice) {
  const body = JSON.stringify({ order: { invoice_number: invoice }, payment: { original_request_id: `orig-${invoice}` }, note: 'bench' })
  const requestId = randomUUID()
  const timestamp = new Date().toISOString().slice(0, 19) + 'Z'
  const signature = plainSign(CLIENT_ID, SECRET, requestId, timestamp, '/checkout/v3/cancellations', Buffer.from(body))
  const r = await fetch(`${url}/checkout/v3/cancellations`, {
    method: 'POST',
    body,
    headers: { 'Client-Id': CLIENT_ID, 'Request-Id': requestId, 'Request-Timestamp': timestamp, Signature: signature, 'Content-Type': 'application/json' },
  })
  await r.text()
  return r.status === 200
}

async function run(label, total, inFlight, fn) {
  let next = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const i = next++
        if (!(await fn(i))) throw new Error(`${label}: call ${i} failed`)
      }
    }),
  )
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const perSecond = total / wall
  console.log(`${label.padEnd(44)} ${perSecond.toFixed(0).padStart(7)} cancels/s  ${(((cpu.user + cpu.system) / total)).toFixed(1).padStart(7)} µs CPU/call (JS thread + addon threads)`)
  return perSecond
}

async function benchCancel() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./emulator.mjs', import.meta.url)), '5000'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const url = await new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve))
  const client = new dc.Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: url })
  for (const [label, inFlight, total, ours, plain] of [['sequential', 1, 2000, 'OS', 'PS'], ['32 in flight', 32, 5000, 'OP', 'PP']]) {
    const a = await run(`Client.cancelOrder, ${label}`, total, inFlight, async (i) => (await client.cancelOrder({ invoiceNumber: `${ours}-${i}`, originalRequestId: `orig-${ours}-${i}`, note: 'bench' })).orderStatus === 'CANCELLED')
    const b = await run(`fetch + node:crypto, ${label}`, total, inFlight, (i) => plainCancel(url, `${plain}-${i}`))
    console.log(`  ratio ours/plain                         ${(a / b).toFixed(2).padStart(8)}x throughput\n`)
  }
  child.stdin.end()
}

const STATUS_INVOICE = 'INV-BENCH-0001'
const STATUS_PATH = `/orders/v1/status/${STATUS_INVOICE}`

function plainStatusHeaders() {
  const requestId = randomUUID()
  const timestamp = new Date().toISOString().slice(0, 19) + 'Z'
  const text = `Client-Id:${CLIENT_ID}\nRequest-Id:${requestId}\nRequest-Timestamp:${timestamp}\nRequest-Target:${STATUS_PATH}`
  return { 'Client-Id': CLIENT_ID, 'Request-Id': requestId, 'Request-Timestamp': timestamp, Signature: `HMACSHA256=${createHmac('sha256', SECRET).update(text).digest('base64')}` }
}

/** A fresh release-built emulator with the one order the GETs ask for. */
async function freshEmulator() {
  const child = spawn(process.env.DOKU_CLI, ['mock', '--port', '0', '--client-id', CLIENT_ID], { env: { ...process.env, DOKU_SECRET_KEY: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve))
  const url = line.replace('listening on ', '').trim()
  const setup = await fetch(`${url}/_mock/setup`, { method: 'POST', body: JSON.stringify({ orders: [{ invoice_number: STATUS_INVOICE, original_request_id: 'orig-bench' }] }) })
  await setup.text()
  return { url, close: () => new Promise((resolve) => { child.once('exit', resolve); child.kill() }) }
}

const statusSides = {
  'Client.orderStatus': (url) => {
    const client = new dc.Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: url })
    return { call: async () => (await client.orderStatus(STATUS_INVOICE)).status === 'PENDING', close: async () => {} }
  },
  'undici.request (Pool of 32)': (url) => {
    const pool = new Pool(url, { connections: 32 })
    return {
      call: async () => {
        const r = await pool.request({ path: STATUS_PATH, method: 'GET', headers: plainStatusHeaders() })
        await r.body.text()
        return r.statusCode === 200
      },
      close: () => pool.close(),
    }
  },
  'fetch': (url) => ({
    call: async () => {
      const r = await fetch(`${url}${STATUS_PATH}`, { headers: plainStatusHeaders() })
      await r.text()
      return r.status === 200
    },
    close: async () => {},
  }),
}

/**
 * CPU time of this process's main thread (the event loop), in µs; Linux only (else undefined).
 * The rest of process.cpuUsage() is other threads: the addon's I/O worker, V8's helpers.
 */
function eventLoopCpu() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS
  } catch {
    return undefined
  }
}
const CLOCK_TICKS = 100 // USER_HZ: 100 on every Linux architecture Node runs on

async function statusRound(make, total, inFlight) {
  // The previous round's garbage (fetch makes a lot) is collected here, not on this round's
  // clock and CPU (make bench-node runs node with --expose-gc).
  globalThis.gc?.()
  const emulator = await freshEmulator()
  const side = make(emulator.url)
  let next = -2000 // warm: connections, pools, the JIT
  const worker = async () => {
    while (next < 0) {
      next++
      if (!(await side.call())) throw new Error('warm-up call failed')
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  let left = total
  const loop0 = eventLoopCpu()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left > 0) {
        left--
        if (!(await side.call())) throw new Error('call failed')
      }
    }),
  )
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const loop = loop0 === undefined ? NaN : (eventLoopCpu() - loop0) / total
  await side.close()
  await emulator.close()
  return [total / wall, (cpu.user + cpu.system) / total, loop]
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function benchStatus(inFlight = 32, total = 20_000, rounds = Number(process.env.BENCH_ROUNDS ?? 5)) {
  const results = Object.fromEntries(Object.keys(statusSides).map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const [name, make] of Object.entries(statusSides)) results[name].push(await statusRound(make, total, inFlight))
  }
  console.log(`status GET, ${inFlight} in flight: medians of ${rounds} alternating rounds, ${total} calls each, a fresh emulator per round`)
  const ours = results['Client.orderStatus'].map((x) => x[0])
  for (const [name, xs] of Object.entries(results)) {
    const rate = median(xs.map((x) => x[0]))
    const cpu = median(xs.map((x) => x[1]))
    const loop = median(xs.map((x) => x[2]))
    // Round by round (the two sides ran back to back), so the machine's drift cancels out.
    const ratios = xs.map((x, i) => ours[i] / x[0])
    const each = ratios.map((x) => x.toFixed(2)).join(' ')
    console.log(`  ${name.padEnd(30)} ${rate.toFixed(0).padStart(7)} calls/s  ${cpu.toFixed(1).padStart(7)} µs CPU/call (${loop.toFixed(1).padStart(5)} on the event loop)  ours/this ${median(ratios).toFixed(2)}x (rounds: ${each})`)
  }
  console.log()
}

/**
 * What tracing costs (status GETs, 32 in flight): Client.orderStatus with @opentelemetry/api
 * loaded but no tracer provider registered (the check each call makes), alternating round by
 * round with an SDK provider registered that exports to nowhere (api.trace.disable() resets it).
 */
async function benchTracing(inFlight = 32, total = 20_000, rounds = Number(process.env.BENCH_ROUNDS ?? 5)) {
  const api = await import('@opentelemetry/api')
  const { BasicTracerProvider, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base')
  const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }
  const modes = {
    'nothing registered': () => api.trace.disable(),
    'SDK registered, spans exported': () => api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(discard)] })),
  }
  const results = Object.fromEntries(Object.keys(modes).map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const [name, enter] of Object.entries(modes)) {
      enter()
      results[name].push(await statusRound(statusSides['Client.orderStatus'], total, inFlight))
    }
  }
  api.trace.disable()
  // The check every call makes when nothing is registered and nobody subscribed.
  const { begin } = (await import('../observe.js')).default
  let best = Infinity
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    for (let i = 0; i < 200_000; i++) if (begin('order_status', STATUS_INVOICE) !== null) throw new Error('traced')
    best = Math.min(best, ((performance.now() - t0) / 200_000) * 1000)
  }
  console.log(`tracing, status GET, ${inFlight} in flight: medians of ${rounds} alternating rounds, ${total} calls each`)
  const base = median(results['nothing registered'].map((x) => x[0]))
  for (const [name, xs] of Object.entries(results)) {
    const rate = median(xs.map((x) => x[0]))
    const cpu = median(xs.map((x) => x[1]))
    console.log(`  ${name.padEnd(30)} ${rate.toFixed(0).padStart(7)} calls/s  ${cpu.toFixed(1).padStart(7)} µs CPU/call  ${(rate / base).toFixed(2)}x`)
    if (name === 'nothing registered') console.log(`    of which the per-call check  ${best.toFixed(3).padStart(9)} µs (${((best / cpu) * 100).toFixed(2)}% of a call's CPU)`)
  }
  console.log()
}

console.log(`Node ${process.version}, doku-checkout\n`)
benchSign()
if (process.env.DOKU_CLI) await benchStatus()
if (process.env.DOKU_CLI) await benchTracing()
if (!process.env.BENCH_STATUS_ONLY) await benchCancel()
