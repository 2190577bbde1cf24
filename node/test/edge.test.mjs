// The shared vectors and scenarios through `doku-checkout/edge` (the WebAssembly build, fetch
// as transport) in Node, against the emulator as a process.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as edge from 'doku-checkout/edge'
import { emulator, scenarioCases, vectorCases } from './edge/conformance.mjs'

const require = createRequire(import.meta.url)
const { jsonFiles, VECTORS, SCENARIOS } = require('./helpers.js')
const { startEmulator } = require('./emulator.js')

const scenarioFiles = jsonFiles(SCENARIOS)
const { client_id: clientId, secret_key: secretKey } = scenarioFiles[0].doc
let server
const doku = emulator('http://127.0.0.1:0')

before(async () => {
  server = await startEmulator({ clientId, secretKey })
  doku.url = server.url
})
after(() => server?.close())

for (const c of vectorCases(edge, jsonFiles(VECTORS))) test(`edge vectors: ${c.name}`, () => c.run())
for (const c of scenarioCases(edge, scenarioFiles, doku)) test(`edge scenarios: ${c.name}`, () => c.run())

test('the edge entry is ready on import, exports the public API only, and shares the error classes of the main entry', async () => {
  await edge.ready
  assert.equal(edge.initialise, undefined)
  assert.equal(edge.signNotificationPairs, undefined)
  const main = require('doku-checkout')
  assert.equal(edge.DokuError, main.DokuError)
  assert.equal(edge.ERROR_CLASSES.invalid_input, main.InvalidInputError)
})

test('the edge Client takes the runtime fetch or one passed in, and refuses what cannot be honoured', async () => {
  let seen = 0
  const counting = (url, init) => {
    seen += 1
    return fetch(url, init)
  }
  const client = new edge.Client({ clientId, secretKey, baseUrl: doku.url, fetch: counting })
  await doku.reset()
  await doku.setup({ orders: [{ invoice_number: 'INV-E-1', original_request_id: 'o', amount: 1000, payment_method: null, state: 'PENDING' }] })
  const status = await client.orderStatus('INV-E-1')
  assert.equal(status.status, 'PENDING')
  assert.equal(seen, 1)
  assert.throws(() => new edge.Client({ clientId, secretKey, fetch: 'nope' }), (e) => e instanceof edge.ConfigurationError && e.field === 'fetch')
  // A proxy is a valid setting, but fetch cannot be routed through it: no call is made.
  const proxied = new edge.Client({ clientId, secretKey, baseUrl: doku.url, proxy: 'http://127.0.0.1:3128', fetch: counting })
  await assert.rejects(proxied.orderStatus('INV-E-1'), (e) => e instanceof edge.ConfigurationError && e.field === 'proxy')
  assert.equal(seen, 1)
})

test('an answer over the cap ends the call with invalid_response, not a read to the end', async () => {
  const huge = () => new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(64 * 1024)) }), { status: 200 })
  const client = new edge.Client({ clientId, secretKey, baseUrl: doku.url, maxResponseBytes: 4096, fetch: async () => huge() })
  await assert.rejects(client.orderStatus('INV-1'), (e) => {
    assert.ok(e instanceof edge.InvalidResponseError)
    assert.equal(e.reason, 'response_too_large')
    assert.equal(e.rawBody.length, 4096)
    return true
  })
})

test('the deadline ends a call whose attempts never answer, with the Request-Id to retry with', async () => {
  const never = (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)))
  const client = new edge.Client({ clientId, secretKey, baseUrl: doku.url, timeoutMs: 10000, deadlineMs: 50, fetch: never })
  await assert.rejects(client.cancelOrder({ invoiceNumber: 'INV-1', originalRequestId: 'o', note: 'n', requestId: 'rid-deadline' }), (e) => {
    assert.ok(e instanceof edge.RequestTimeoutError)
    assert.equal(e.requestId, 'rid-deadline')
    assert.match(e.message, /deadline/)
    return true
  })
})

test('a TLS failure is final: one attempt, not retried', async () => {
  let attempts = 0
  const tls = async () => {
    attempts += 1
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }) })
  }
  const client = new edge.Client({ clientId, secretKey, maxRetries: 3, initialBackoffMs: 1, fetch: tls })
  await assert.rejects(client.orderStatus('INV-1'), (e) => e instanceof edge.NetworkError && e.reason === 'tls_failure' && e.retryable === false)
  assert.equal(attempts, 1)
})

test('an endless interim 1xx answer: Node\'s fetch cannot read it, so a lost connection, retried under one Request-Id', async () => {
  const { createServer } = await import('node:net')
  const requestIds = []
  const server = createServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', (head) => {
      requestIds.push(/^request-id: *(.*)$/im.exec(head.toString('latin1'))?.[1]?.trim())
      const timer = setInterval(() => socket.write('HTTP/1.1 100 Continue\r\n\r\n'), 20)
      socket.on('close', () => clearInterval(timer))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const client = new edge.Client({ clientId, secretKey, baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 2, initialBackoffMs: 1, timeoutMs: 5000 })
    await assert.rejects(client.cancelOrder({ invoiceNumber: 'INV-1', originalRequestId: 'o', note: 'n', requestId: 'rid-1xx' }), (e) => {
      assert.ok(e instanceof edge.NetworkError, String(e))
      assert.equal(e.requestId, 'rid-1xx')
      assert.match(e.message, /interim 1xx/)
      return true
    })
    assert.deepEqual(requestIds, ['rid-1xx', 'rid-1xx', 'rid-1xx'], 'every attempt reused the Request-Id')
  } finally {
    server.close()
  }
})

test('no error text of the edge client holds the secret key', async () => {
  const secret = 'SK-EDGE-SECRET-0000000001'
  const failures = [
    async () => new edge.Client({ clientId: 'MCH-1', secretKey: secret, baseUrl: `http://${secret}.example` }),
    async () => new edge.Client({ clientId: secret + '\n', secretKey: secret }),
    async () => new edge.Client({ clientId: 'MCH-1', secretKey: secret, environment: secret }),
    async () => new edge.Client({ clientId: 'MCH-1', secretKey: secret, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 }).orderStatus('INV-1'),
    async () => new edge.Client({ clientId: 'MCH-1', secretKey: secret, baseUrl: doku.url, maxRetries: 0 }).orderStatus('INV-1'),
    async () => edge.verifyNotification({ secretKey: secret, headers: {}, body: '{}', notificationPath: '/n' }),
    async () => edge.signRequest({ clientId: 'MCH-1', secretKey: secret + '\u0000', requestId: 'r', timestamp: 't', requestTarget: '/' }),
  ]
  for (const f of failures) {
    await assert.rejects(f(), (e) => {
      assert.ok(e instanceof edge.DokuError, String(e))
      assert.ok(!JSON.stringify({ m: e.message, ...e }).includes(secret), e.message)
      return true
    })
  }
})

test('nothing on the edge path touches a Node built-in', async () => {
  const { readFileSync } = await import('node:fs')
  const files = ['edge/api.mjs', 'edge/init.mjs', 'edge/transport.mjs', 'edge/index.mjs', 'edge/workerd.mjs', 'edge/edge-light.mjs', 'convert.mjs', 'errors.mjs', 'wasm/doku_checkout_wasm.mjs']
  for (const f of files) {
    const code = readFileSync(new URL(`../${f}`, import.meta.url), 'utf8').replace(/^\s*\/\/.*$/gm, '')
    assert.doesNotMatch(code, /from ['"]node:|import\(['"]node:|\brequire\(/, f)
    // Outside string literals (messages may name Buffer): no Buffer, no bare process global.
    const bare = code.replace(/'(?:[^'\\\n]|\\.)*'/g, "''").replace(/`(?:[^`\\]|\\.)*`/g, '``')
    assert.doesNotMatch(bare, /\bBuffer\b|(?<![.\w])process\./, f)
  }
})
