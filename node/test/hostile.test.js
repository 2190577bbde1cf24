'use strict'
// Careless and hostile values through the public API: every one is a typed DokuError naming
// the field, nothing is coerced, and no error text ever holds the secret (issue: hardening).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const dc = require('..')
const { MockServer } = require('../testing')

const SECRET = 'SK-HOSTILE-0123456789'

function refused(fn, cls, field) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof cls, `${e && e.name}: ${e && e.message}`)
    if (field !== undefined) assert.equal(e.field, field)
    assert.ok(!`${e.message} ${util.inspect(e)}`.includes(SECRET), 'secret in the error')
    return true
  })
}

// The same sweeps through the main entry (native addon) and doku-checkout/edge (WebAssembly).
const BACKENDS = [
  ['native', async () => dc],
  ['wasm (doku-checkout/edge)', () => import('doku-checkout/edge')],
]

for (const [backend, load] of BACKENDS) {
  test(`options are never coerced: each bad value is a ConfigurationError naming the option [${backend}]`, async () => {
    const dc = await load()
    const client = (options) => () => new dc.Client({ clientId: 'MCH-1', secretKey: SECRET, ...options })
    for (const [options, field] of [
      [{ maxRetries: -1 }, 'max_retries'],
      [{ maxRetries: 2 ** 32 + 3 }, 'max_retries'],
      [{ maxRetries: NaN }, 'max_retries'],
      [{ maxRetries: 0.5 }, 'max_retries'],
      [{ timeoutMs: -1 }, 'timeout_ms'],
      [{ timeoutMs: Infinity }, 'timeout_ms'],
      [{ timeoutMs: 10n }, 'timeout_ms'],
      [{ timeoutMs: '5000' }, 'timeout_ms'],
      [{ verifyResponseSignatures: 'yes' }, 'verify_response_signatures'],
      [{ environment: process.env }, 'environment'],
      [{ environment: { secret: SECRET } }, 'environment'],
      [{ baseUrl: `https://user:${SECRET}@api.doku.com` }, 'base_url'],
      [{ tiemoutMs: 5 }, 'options'],
    ]) {
      refused(client(options), dc.ConfigurationError, field)
    }
  })
}

test('create-checkout input is never coerced', async () => {
  const doku = await MockServer.start({ secretKey: SECRET })
  try {
    const client = new dc.Client({ clientId: doku.clientId, secretKey: SECRET, baseUrl: doku.url })
    const base = { invoiceNumber: 'INV-H-1', amount: 15000 }
    for (const [input, field] of [
      [{ ...base, lineItems: [{ name: 'A', price: 10000, quantity: 1.5 }] }, 'line_items'],
      [{ ...base, customer: 'Budi' }, 'customer'],
      [{ ...base, extra: 'abc' }, 'extra'],
      [{ ...base, amount: NaN }, 'amount'],
      [{ ...base, amount: -5 }, 'amount'],
      [{ ...base, amount: 0.5 }, 'amount'],
      [{ ...base, invoiceNumber: 12 }, 'invoice_number'],
      [{ ...base, amount: SECRET }, 'amount'],
    ]) {
      await assert.rejects(client.createCheckout(input), (e) => {
        assert.ok(e instanceof dc.InvalidInputError, `${e.name}: ${e.message}`)
        assert.equal(e.field, field)
        assert.ok(!e.message.includes(SECRET))
        return true
      })
    }
    // Amounts above 2^32 reach DOKU as the whole number written.
    const big = await client.createCheckout({ invoiceNumber: 'INV-H-2', amount: 5_000_000_000 })
    assert.ok(big.paymentUrl)
    assert.match(doku.requests().at(-1).body, /"amount":5000000000[,}]/)
    assert.equal(doku.requests().length, 1, 'nothing refused was sent')
  } finally {
    await doku.close()
  }
})

test('lone surrogates are refused, not replaced with U+FFFD', async () => {
  refused(() => dc.signRequest({ clientId: 'MCH-1', secretKey: SECRET, requestId: 'r\uD800', timestamp: '2020-08-11T08:45:42Z', requestTarget: '/x' }), dc.InvalidInputError, 'requestId')
  const client = new dc.Client({ clientId: 'MCH-1', secretKey: SECRET, baseUrl: 'http://127.0.0.1:9' })
  await assert.rejects(client.cancelOrder({ invoiceNumber: 'INV\uDC00', originalRequestId: 'r', note: 'n' }), (e) => e instanceof dc.InvalidInputError && e.field === 'invoiceNumber')
  await assert.rejects(client.createCheckout({ invoiceNumber: 'INV-1', amount: 1, customer: { name: 'B\uD800' } }), (e) => e instanceof dc.InvalidInputError)
  await assert.rejects(client.cancelOrder({ invoiceNumber: 'INV-1', originalRequestId: 'r', note: 'n', requestId: 7 }), (e) => e instanceof dc.InvalidInputError && e.field === 'requestId')
})

test('a time outside the years 0000-9999 is refused, not written with five digits', () => {
  refused(() => dc.formatTimestamp(new Date(8.64e15)), dc.InvalidInputError, 'timestamp')
  assert.equal(dc.formatTimestamp(new Date(Date.UTC(9999, 11, 31, 23, 59, 59))), '9999-12-31T23:59:59Z')
})

for (const [backend, load] of BACKENDS) {
  test(`every public function, every argument, every hostile value: typed errors only, never the secret [${backend}]`, async () => {
    const dc = await load()
    const hostile = [undefined, null, '', '\uD800', 'x'.repeat(100000), 2 ** 64, -1, NaN, Infinity, 10n, Buffer.from([0xff]), [], {}, () => 1, Symbol('s'), true, SECRET, { a: SECRET }, [SECRET], process.env]
    const body = Buffer.from('{"order":{"invoice_number":"INV-1"}}')
    const client = new dc.Client({ clientId: 'MCH-1', secretKey: SECRET, baseUrl: 'http://127.0.0.1:9', maxRetries: 0, timeoutMs: 200 })
    const calls = {
      signRequest: [(a) => dc.signRequest(a), { clientId: 'MCH-1', secretKey: SECRET, requestId: 'r', timestamp: '2020-08-11T08:45:42Z', requestTarget: '/x', body }],
      signingString: [(a) => dc.signingString(a), { clientId: 'MCH-1', requestId: 'r', timestamp: '2020-08-11T08:45:42Z', requestTarget: '/x', body }],
      verifyNotification: [(a) => dc.verifyNotification(a), { secretKey: SECRET, headers: { 'client-id': 'MCH-1' }, body, notificationPath: '/n', tolerance: 300, now: new Date(0) }],
      verifyResponse: [(a) => dc.verifyResponse(a), { secretKey: SECRET, clientId: 'MCH-1', requestId: 'r', requestTarget: '/x', headers: {}, body }],
      Client: [(a) => new dc.Client(a), { clientId: 'MCH-1', secretKey: SECRET, timeoutMs: 1000, baseUrl: 'http://127.0.0.1:9', environment: 'sandbox' }],
      cancelOrder: [(a) => client.cancelOrder(a), { invoiceNumber: 'INV-1', originalRequestId: 'r', note: 'n', requestId: 'rid' }],
      createCheckout: [(a) => client.createCheckout(a), { invoiceNumber: 'INV-1', amount: 1000, customer: { name: 'B' }, lineItems: [{ name: 'A', price: 1000, quantity: 1 }], extra: { a: 1 } }],
      orderStatus: [(a) => client.orderStatus(a.invoiceNumber), { invoiceNumber: 'INV-1' }],
    }
    const single = {
      computeDigest: dc.computeDigest,
      formatTimestamp: dc.formatTimestamp,
      cancelSupport: dc.cancelSupport,
      orderLifecycle: (v) => dc.orderLifecycle({ transactionStatus: v }),
      lifecycleTransition: (v) => dc.lifecycleTransition({ stored: v, transactionStatus: 'SUCCESS' }),
    }
    let tried = 0
    const check = async (label, thunk) => {
      tried += 1
      try {
        await thunk()
      } catch (e) {
        assert.ok(e instanceof dc.DokuError, `${label}: ${e && e.constructor && e.constructor.name}: ${e && e.message}`.slice(0, 300))
        assert.ok(!`${e.message} ${util.inspect(e)}`.includes(SECRET), `${label}: secret in ${e.message}`)
      }
    }
    for (const [name, [fn, base]] of Object.entries(calls)) {
      for (const key of Object.keys(base)) {
        for (const [i, value] of hostile.entries()) {
          // A Request-Id is the caller's own key and errors report it by design.
          if (key === 'requestId' && value === SECRET) continue
          await check(`${name}.${key}#${i}`, () => fn({ ...base, [key]: value }))
        }
      }
    }
    for (const [name, fn] of Object.entries(single)) {
      for (const [i, value] of hostile.entries()) await check(`${name}#${i}`, () => fn(value))
    }
    assert.ok(tried > 600, `${tried}`)
  })
}

test('signNotification gives the headers DOKU would send; the default window refuses a replay', () => {
  const { signNotification } = require('../testing')
  const body = Buffer.from('{"transaction":{"status":"SUCCESS"}}')
  const headers = signNotification({ secretKey: SECRET, clientId: 'MCH-1', body, notificationPath: '/hooks/doku', requestId: 'n-1' })
  assert.deepEqual(Object.keys(headers), ['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature'])
  assert.deepEqual(dc.verifyNotification({ secretKey: SECRET, headers, body, notificationPath: '/hooks/doku' }), JSON.parse(body))
  const old = signNotification({ secretKey: SECRET, clientId: 'MCH-1', body, notificationPath: '/hooks/doku', timestamp: new Date(Date.UTC(2020, 7, 11)) })
  refused(() => dc.verifyNotification({ secretKey: SECRET, headers: old, body, notificationPath: '/hooks/doku' }), dc.SignatureVerificationError)
  assert.ok(dc.verifyNotification({ secretKey: SECRET, headers: old, body, notificationPath: '/hooks/doku', now: new Date(Date.UTC(2020, 7, 11, 1)) }))
  refused(() => signNotification({ secretKey: SECRET, clientId: 'MCH-1', body: { parsed: true }, notificationPath: '/n' }), dc.InvalidInputError, 'body')
})
