// The README's edge recipes, run as written: the Cloudflare Worker in workerd (bundled the way
// Wrangler bundles: esbuild with the `workerd` condition, the .wasm a compiled module), the two
// Next.js routes in Vercel's edge-runtime (bundled the way Next.js bundles for the edge: the
// `edge-light` condition, the `?module` import bound to a module compiled ahead). Each gets a
// notification signed and sent by the emulator, a forged one, and a cancel against the emulator.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { ROOT } = require('./helpers.js')
const { startEmulator } = require('./emulator.js')

const PKG = path.resolve(fileURLToPath(import.meta.url), '..', '..')
const TOOLS = process.env.DOKU_EDGE_TOOLS ? path.resolve(process.env.DOKU_EDGE_TOOLS, '..') : path.join(ROOT, 'tools', 'edge', 'node_modules')
const WASM = path.join(PKG, 'wasm', 'doku_checkout_wasm_bg.wasm')
const CLIENT_ID = 'MCH-RECIPE-0001'
const SECRET = 'SK-RECIPE-0123456789abcdef'

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const section = readme.split('\n## Edge runtimes')[1].split('\n## ')[0]
const [workerSource, notificationRoute, cancelRoute] = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])

let emulator
let work
const esbuild = () => import(path.join(TOOLS, 'esbuild', 'lib', 'main.js')).then((m) => m.default ?? m)

before(async () => {
  emulator = await startEmulator({ clientId: CLIENT_ID, secretKey: SECRET })
  // Inside the package, so `doku-checkout/edge` resolves through its own exports (a self-reference).
  work = fs.mkdtempSync(path.join(PKG, 'test', '.edge-recipes-'))
})
after(async () => {
  await emulator?.close()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

test('the edge section has the Worker and the two Next.js routes', () => {
  assert.ok(workerSource?.includes('export default') && notificationRoute?.includes("runtime = 'edge'") && cancelRoute?.includes('cancelOrder'))
})

async function control(method, route, body) {
  const res = await fetch(`${emulator.url}/_mock/${route}`, { method, body: body && JSON.stringify(body) })
  assert.ok(res.ok, `${route}: ${res.status} ${await res.clone().text()}`)
  return res.json()
}

const order = (invoice) => ({ invoice_number: invoice, original_request_id: `orig-${invoice}`, amount: 25000, payment_method: 'VIRTUAL_ACCOUNT_BCA', state: 'PENDING' })

/** The three checks every recipe must pass, against an app reachable at `appUrl`. */
async function exercise(appUrl, { notifyPath, cancelUrl }) {
  await control('POST', 'reset')
  await control('POST', 'setup', { orders: [order('INV-EDGE-1'), order('INV-EDGE-2')], faults: [] })
  // A real notification: signed by the emulator with the merchant's key, POSTed to the app.
  await control('POST', 'orders/INV-EDGE-1/pay')
  const sent = await control('POST', 'notify', { invoice_number: 'INV-EDGE-1', url: `${appUrl}${notifyPath}` })
  assert.equal(sent.status, 200, 'the app accepted the emulator-signed notification')
  // A forgery: right shape, wrong signature.
  const forged = await fetch(`${appUrl}${notifyPath}`, {
    method: 'POST',
    headers: { 'Client-Id': CLIENT_ID, 'Request-Id': 'forged-1', 'Request-Timestamp': new Date().toISOString().replace(/\.\d+Z$/, 'Z'), Signature: 'HMACSHA256=AAAA' },
    body: JSON.stringify({ order: { invoice_number: 'INV-EDGE-2' }, transaction: { status: 'SUCCESS' } }),
  })
  assert.equal(forged.status, 401)
  assert.equal(await forged.text(), 'invalid_signature')
  // A cancel through the app: one signed request reaches the emulator and cancels the order.
  const cancelled = await fetch(cancelUrl, { method: 'POST', body: JSON.stringify({ invoiceNumber: 'INV-EDGE-2', originalRequestId: 'orig-INV-EDGE-2' }) })
  const answer = await cancelled.json()
  assert.equal(cancelled.status, 200, JSON.stringify(answer))
  assert.equal(answer.status, 'CANCELLED')
  const log = await control('GET', 'log')
  assert.deepEqual(log.map((e) => [e.path, e.signature_valid, e.request_id === answer.requestId]), [['/checkout/v3/cancellations', true, true]])
  assert.equal((await control('GET', 'orders/INV-EDGE-2')).state, 'CANCELLED')
  // A cancel DOKU refuses comes back as the recipe's typed error answer.
  const again = await fetch(cancelUrl, { method: 'POST', body: JSON.stringify({ invoiceNumber: 'INV-EDGE-404', originalRequestId: 'x' }) })
  assert.equal(again.status, 502)
  assert.equal((await again.json()).error, 'order_not_found')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function waitFor(url, child, output) {
  for (let i = 0; i < 200; i += 1) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}: ${output()}`)
    try {
      await fetch(url)
      return
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  throw new Error(`workerd did not listen: ${output()}`)
}

test('the Cloudflare Worker recipe in workerd', async () => {
  const { build } = await esbuild()
  const dir = path.join(work, 'worker')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'src-worker.mjs'), workerSource)
  await build({
    entryPoints: [path.join(dir, 'src-worker.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    outfile: path.join(dir, 'worker.mjs'),
    logLevel: 'silent',
    plugins: [{ name: 'wasm-modules', setup: (b) => b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './doku_checkout_wasm_bg.wasm', external: true })) }],
  })
  const bundle = fs.readFileSync(path.join(dir, 'worker.mjs'), 'utf8')
  assert.doesNotMatch(bundle, /WebAssembly\.compile\(|inline\.mjs|wasmBase64/, 'the workerd condition must not compile from bytes')
  assert.doesNotMatch(bundle, /from ["']node:/, 'no Node built-ins in a Worker')
  fs.copyFileSync(WASM, path.join(dir, 'doku_checkout_wasm_bg.wasm'))
  const port = await freePort()
  const text = (v) => JSON.stringify(v)
  fs.writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "doku_checkout_wasm_bg.wasm", wasm = embed "doku_checkout_wasm_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "DOKU_CLIENT_ID", text = ${text(CLIENT_ID)}),
    (name = "DOKU_SECRET_KEY", text = ${text(SECRET)}),
    (name = "DOKU_BASE_URL", text = ${text(emulator.url)}),
  ],
  globalOutbound = "internet",
);
`,
  )
  let output = ''
  const workerd = spawn(path.join(TOOLS, '.bin', 'workerd'), ['serve', path.join(dir, 'config.capnp'), '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] })
  workerd.stdout.on('data', (c) => (output += c))
  workerd.stderr.on('data', (c) => (output += c))
  try {
    const appUrl = `http://127.0.0.1:${port}`
    await waitFor(appUrl, workerd, () => output)
    await exercise(appUrl, { notifyPath: '/doku/notifications', cancelUrl: `${appUrl}/orders/cancel` })
    assert.match(output, /paid: INV-EDGE-1 SUCCESS/)
  } finally {
    workerd.kill('SIGTERM')
  }
})

test('the Next.js edge routes in edge-runtime', async () => {
  const { build } = await esbuild()
  const { EdgeRuntime, runServer } = await import(path.join(TOOLS, 'edge-runtime', 'dist', 'index.js'))
  const dir = path.join(work, 'next')
  fs.mkdirSync(dir)
  // Next.js binds each `?module` WebAssembly import to a module compiled ahead, in the edge
  // isolate's own realm (so it is compiled with the context's WebAssembly here).
  const wasmBytes = fs.readFileSync(WASM)
  const servers = []
  try {
    const urls = {}
    for (const [name, source] of [['notifications', notificationRoute], ['cancel', cancelRoute]]) {
      fs.writeFileSync(path.join(dir, `${name}-route.mjs`), source)
      fs.writeFileSync(path.join(dir, `${name}-entry.mjs`), `import * as route from './${name}-route.mjs'\nif (route.runtime !== 'edge') throw new Error('not an edge route')\naddEventListener('fetch', (event) => event.respondWith(route[event.request.method](event.request)))\n`)
      const out = await build({
        entryPoints: [path.join(dir, `${name}-entry.mjs`)],
        bundle: true,
        format: 'iife',
        platform: 'neutral',
        conditions: ['edge-light', 'worker', 'browser'],
        write: false,
        logLevel: 'silent',
        plugins: [
          {
            name: 'next-wasm-module',
            setup(b) {
              b.onResolve({ filter: /\.wasm\?module$/ }, () => ({ path: 'doku-wasm', namespace: 'next-wasm' }))
              b.onLoad({ filter: /.*/, namespace: 'next-wasm' }, () => ({ contents: 'export default globalThis.__next_wasm_doku_checkout', loader: 'js' }))
            },
          },
        ],
      })
      const code = out.outputFiles[0].text
      assert.doesNotMatch(code, /wasmBase64/, 'the edge-light condition must not embed the module')
      const env = { DOKU_CLIENT_ID: CLIENT_ID, DOKU_SECRET_KEY: SECRET, DOKU_BASE_URL: emulator.url }
      // The platform's part, before the route's code: the compiled module and process.env.
      const platform = 'globalThis.__next_wasm_doku_checkout = new WebAssembly.Module(globalThis.__wasm_bytes); delete globalThis.__wasm_bytes;\n'
      const runtime = new EdgeRuntime({ initialCode: platform + code, extend: (context) => Object.assign(context, { __wasm_bytes: wasmBytes, process: { env } }) })
      const server = await runServer({ runtime, port: 0, host: '127.0.0.1' })
      servers.push(server)
      urls[name] = server.url.replace(/\/$/, '')
    }
    await exercise(urls.notifications, { notifyPath: '/api/doku/notifications', cancelUrl: `${urls.cancel}/api/orders/cancel` })
  } finally {
    for (const s of servers) await s.close()
  }
})
