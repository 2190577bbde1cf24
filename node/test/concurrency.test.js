'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const dc = require('..')
const { MockServer } = require('../testing')

test('100 parallel cancelOrder calls while a timer keeps ticking', async () => {
  const doku = await MockServer.start()
  try {
    for (let i = 0; i < 100; i++) doku.addOrder(`INV-C${i}`, { originalRequestId: `r-${i}` })
    doku.injectFault('delay', { ms: 150, count: 100 })
    const client = new dc.Client({ clientId: doku.clientId, secretKey: 'SK-TEST-0123456789', baseUrl: doku.url })
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => client.cancelOrder({ invoiceNumber: `INV-C${i}`, originalRequestId: `r-${i}`, note: 'parallel' })))
    clearInterval(timer)
    assert.ok(results.every((r) => r.orderStatus === 'CANCELLED'))
    assert.equal(new Set(results.map((r) => r.requestId)).size, 100)
    assert.ok(ticks > 5, `the event loop was blocked (ticks=${ticks})`)
    assert.equal(doku.requests().length, 100)
  } finally {
    await doku.close()
  }
})

test('invalid input rejects without sending anything', async () => {
  const doku = await MockServer.start()
  try {
    const client = new dc.Client({ clientId: doku.clientId, secretKey: 'SK-TEST-0123456789', baseUrl: doku.url })
    await assert.rejects(client.cancelOrder({ invoiceNumber: '', originalRequestId: 'r', note: 'n' }), (e) => e instanceof dc.InvalidInputError && e.field === 'invoice_number')
    await assert.rejects(client.createCheckout({ invoiceNumber: 'I', amount: 1.5 }), (e) => e instanceof dc.InvalidInputError && e.field === 'amount')
    assert.deepEqual(doku.requests(), [])
  } finally {
    await doku.close()
  }
})

// Calls settle in batches through one callback per client (completions.rs): the callback
// holds the event loop open only while calls are in flight.
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const runScript = (script) => execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8', timeout: 20_000 })

test('an idle client never keeps the process alive; a call in flight does until it settles', () => {
  assert.equal(runScript("const { Client } = require('.'); new Client({ clientId: 'c', secretKey: 's' }); process.stdout.write('exited')"), 'exited')
  // Nothing but the call holds this process open: it must wait for the refusal, then exit.
  const out = runScript(
    "const { Client } = require('.'); new Client({ clientId: 'c', secretKey: 's', baseUrl: 'http://127.0.0.1:1', maxRetries: 0 })" +
      ".orderStatus('INV-1').then(() => process.stdout.write('resolved?'), (e) => process.stdout.write(`${e.constructor.name}:${e.code}`))",
  )
  assert.equal(out, 'NetworkError:network_error')
})

test('a batch mixing results, refusals and operations settles each call with its own outcome', async () => {
  const doku = await MockServer.start()
  try {
    for (let i = 0; i < 30; i++) doku.addOrder(`INV-M${i}`, { originalRequestId: `r-${i}` })
    doku.injectFault('delay', { ms: 100, count: 60 })
    const client = new dc.Client({ clientId: doku.clientId, secretKey: 'SK-TEST-0123456789', baseUrl: doku.url })
    const calls = []
    for (let i = 0; i < 30; i++) {
      calls.push(client.orderStatus(`INV-M${i}`).then((r) => ['status', r.invoiceNumber, r.status]))
      calls.push(client.cancelOrder({ invoiceNumber: `INV-NONE-${i}`, originalRequestId: 'x', note: 'n' }).then(() => ['cancel?'], (e) => ['refused', e.code]))
    }
    calls.push(client.orderStatus('').then(() => ['?'], (e) => ['invalid', e.code, e.field]))
    const outcomes = await Promise.all(calls)
    for (let i = 0; i < 30; i++) {
      assert.deepEqual(outcomes[2 * i], ['status', `INV-M${i}`, 'PENDING'])
      assert.deepEqual(outcomes[2 * i + 1], ['refused', 'order_not_found'])
    }
    assert.deepEqual(outcomes[60], ['invalid', 'invalid_input', 'invoice_number'])
  } finally {
    await doku.close()
  }
})
