// doku-checkout/edge (the WebAssembly build, fetch as transport) next to the native addon and
// plain node:crypto + fetch, in one run: cold start in fresh processes (Node, and Deno and Bun
// when tools/edge has them), per-call cost of the pure functions, and status GETs against a
// fresh release-built emulator ($DOKU_CLI) per round. Run: make bench-edge (release builds).
import { performance } from 'node:perf_hooks'
import { spawn, spawnSync } from 'node:child_process'
import { createHash, createHmac, randomUUID } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import native from '../index.js'
import * as edge from '../edge/index.mjs'

const PKG = fileURLToPath(new URL('..', import.meta.url))
const TOOLS = fileURLToPath(new URL('../../tools/edge/node_modules/.bin/', import.meta.url))
const CLIENT_ID = 'MCH-BENCH-0001'
const SECRET = 'SK-BENCH-0123456789'
const INVOICE = 'INV-BENCH-STATUS'
const BODY = Buffer.from('{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}')
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

if (native.backend !== 'native') throw new Error('the main entry must run on the native addon for this comparison')
if (edge._conformance) throw new Error('node/wasm holds a test build: run make bench-edge (release WebAssembly)')

function plainSign(clientId, secret, requestId, timestamp, target, body) {
  const digest = body ? `\nDigest:${createHash('sha256').update(body).digest('base64')}` : ''
  const text = `Client-Id:${clientId}\nRequest-Id:${requestId}\nRequest-Timestamp:${timestamp}\nRequest-Target:${target}${digest}`
  return `HMACSHA256=${createHmac('sha256', secret).update(text).digest('base64')}`
}

function coldStart() {
  const wasm = `${PKG}wasm/doku_checkout_wasm_bg.wasm`
  const size = statSync(wasm).size
  console.log(`WebAssembly module: ${size} bytes, ${gzipSync(readFileSync(wasm), { level: 9 }).length} gzipped (release build)\n`)
  const sign = "({ clientId: 'MCH-1', secretKey: 'SK-1', requestId: 'r', timestamp: '2020-08-11T08:45:42Z', requestTarget: '/x', body: '{}' })"
  const node = (load) => [process.execPath, ['--input-type=module', '-e', `const t0 = performance.now(); const dc = ${load}; dc.signRequest${sign}; console.log(performance.now() - t0)`]]
  const cases = {
    "node: require('doku-checkout') (native addon)": node("(await import('node:module')).createRequire(import.meta.url)('./index.js')"),
    "node: require('doku-checkout') on WebAssembly (fallback)": [...node("(await import('node:module')).createRequire(import.meta.url)('./index.js')"), { DOKU_CHECKOUT_BACKEND: 'wasm' }],
    "node: import('doku-checkout/edge')": node("await import('./edge/index.mjs')"),
    'node: node:crypto (the plain way)': [process.execPath, ['--input-type=module', '-e', `const t0 = performance.now(); const c = await import('node:crypto'); c.createHmac('sha256', 'k').update('x').digest('base64'); console.log(performance.now() - t0)`]],
  }
  const script = `const t0 = performance.now(); const dc = await import('${PKG}edge/index.mjs'); dc.signRequest${sign}; console.log(performance.now() - t0)`
  if (existsSync(`${TOOLS}deno`)) cases["deno: import('doku-checkout/edge')"] = [`${TOOLS}deno`, ['eval', script]]
  if (existsSync(`${TOOLS}bun`)) cases["bun: import('doku-checkout/edge')"] = [`${TOOLS}bun`, ['-e', script]]
  console.log('cold start: import + first signRequest, in a fresh process (median of 15)')
  for (const [label, [cmd, args, env = {}]] of Object.entries(cases)) {
    const ms = []
    for (let i = 0; i < 15; i++) {
      const r = spawnSync(cmd, args, { cwd: PKG, encoding: 'utf8', env: { ...process.env, ...env, NO_COLOR: '1' } })
      if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`)
      ms.push(Number(r.stdout.trim().split('\n').pop()))
    }
    console.log(`  ${label.padEnd(58)} ${median(ms).toFixed(2).padStart(7)} ms`)
  }
  console.log()
}

function perCall() {
  const args = { clientId: 'MCH-0001-10791114622547', secretKey: 'SK-TEST-ONLY-0123456789', requestId: '3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b', timestamp: '2020-08-11T08:45:42Z', requestTarget: '/checkout/v3/cancellations', body: BODY }
  const plain = () => plainSign(args.clientId, args.secretKey, args.requestId, args.timestamp, args.requestTarget, BODY)
  if (edge.signRequest(args) !== plain() || native.signRequest(args) !== plain()) throw new Error('implementations disagree')
  const notification = Buffer.from(JSON.stringify({ order: { invoice_number: 'INV-1', amount: 150000 }, transaction: { status: 'SUCCESS', date: '2020-08-11T08:45:42Z', original_request_id: 'orig-1' } }))
  const now = new Date()
  const ts = now.toISOString().slice(0, 19) + 'Z'
  const headers = { 'client-id': 'MCH-1', 'request-id': 'n-1', 'request-timestamp': ts, signature: plainSign('MCH-1', SECRET, 'n-1', ts, '/hooks/doku', notification) }
  const verifyArgs = { secretKey: SECRET, headers, body: notification, notificationPath: '/hooks/doku' }
  const plainVerify = () => {
    const want = plainSign(headers['client-id'], SECRET, headers['request-id'], headers['request-timestamp'], '/hooks/doku', notification)
    if (want !== headers.signature) throw new Error('bad')
    return JSON.parse(notification)
  }
  const time = (fn, n = 100_000) => {
    let best = Infinity
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now()
      for (let i = 0; i < n; i++) fn()
      best = Math.min(best, (performance.now() - t0) / n)
    }
    return best * 1000
  }
  console.log('per call, best of 5 rounds (µs/op)')
  const rows = [
    ['signRequest (POST body)', () => edge.signRequest(args), () => native.signRequest(args), plain],
    ['verifyNotification (+ JSON.parse)', () => edge.verifyNotification(verifyArgs), () => native.verifyNotification(verifyArgs), plainVerify],
    ['computeDigest', () => edge.computeDigest(BODY), () => native.computeDigest(BODY), () => createHash('sha256').update(BODY).digest('base64')],
  ]
  console.log(`  ${''.padEnd(36)} ${'wasm'.padStart(8)} ${'native'.padStart(8)} ${'node:crypto'.padStart(12)}`)
  for (const [label, w, n, p] of rows) console.log(`  ${label.padEnd(36)} ${time(w).toFixed(2).padStart(8)} ${time(n).toFixed(2).padStart(8)} ${time(p).toFixed(2).padStart(12)}`)
  console.log()
}

async function freshEmulator() {
  const child = spawn(process.env.DOKU_CLI, ['mock', '--port', '0', '--client-id', CLIENT_ID], { env: { ...process.env, DOKU_SECRET_KEY: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve))
  const url = line.replace('listening on ', '').trim()
  await (await fetch(`${url}/_mock/setup`, { method: 'POST', body: JSON.stringify({ orders: [{ invoice_number: INVOICE, original_request_id: 'orig-bench' }] }) })).text()
  return { url, close: () => new Promise((resolve) => { child.once('exit', resolve); child.kill() }) }
}

const statusSides = {
  'doku-checkout/edge Client (wasm + fetch)': (url) => {
    const c = new edge.Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: url })
    return async () => (await c.orderStatus(INVOICE)).status === 'PENDING'
  },
  'doku-checkout Client (native addon)': (url) => {
    const c = new native.Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: url })
    return async () => (await c.orderStatus(INVOICE)).status === 'PENDING'
  },
  'fetch + node:crypto (the plain way)': (url) => async () => {
    const rid = randomUUID()
    const ts = new Date().toISOString().slice(0, 19) + 'Z'
    const path = `/orders/v1/status/${INVOICE}`
    const r = await fetch(`${url}${path}`, { headers: { 'Client-Id': CLIENT_ID, 'Request-Id': rid, 'Request-Timestamp': ts, Signature: plainSign(CLIENT_ID, SECRET, rid, ts, path) } })
    await r.text()
    return r.status === 200
  },
}

async function round(make, total, inFlight) {
  const emulator = await freshEmulator()
  const call = make(emulator.url)
  for (let i = 0; i < 200; i++) if (!(await call())) throw new Error('warm-up failed')
  let left = total
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (left-- > 0) if (!(await call())) throw new Error('call failed')
  }))
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  await emulator.close()
  return [total / wall, (cpu.user + cpu.system) / total]
}

async function status(inFlight, total = 10_000, rounds = 3) {
  const results = Object.fromEntries(Object.keys(statusSides).map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) for (const [name, make] of Object.entries(statusSides)) results[name].push(await round(make, total, inFlight))
  console.log(`status GET, ${inFlight} in flight: medians of ${rounds} alternating rounds, ${total} calls each, a fresh emulator per round`)
  for (const [name, xs] of Object.entries(results)) {
    console.log(`  ${name.padEnd(44)} ${median(xs.map((x) => x[0])).toFixed(0).padStart(7)} calls/s  ${median(xs.map((x) => x[1])).toFixed(1).padStart(7)} µs CPU/call`)
  }
  console.log()
}

console.log(`Node ${process.version}, doku-checkout/edge vs the native addon\n`)
coldStart()
perCall()
if (process.env.DOKU_CLI) {
  await status(1, 3000)
  await status(32)
}
