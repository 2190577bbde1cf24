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
