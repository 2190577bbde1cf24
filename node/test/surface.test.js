'use strict'
// The same fields, under the same names, as every other language (camelCase here).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const dc = require('..')
const { MockServer } = require('../testing')

const surface = JSON.parse(dc._conformance('surface', '{}')).ok
const camel = (s) => s.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase())
const want = (type) => surface[type].map(camel).sort()

test('results carry exactly the core fields, null ones present', async () => {
  const doku = await MockServer.start()
  try {
    const client = new dc.Client({ clientId: doku.clientId, secretKey: 'SK-TEST-0123456789', baseUrl: doku.url })
    const created = await client.createCheckout({ invoiceNumber: 'INV-S-1', amount: 10000 })
    assert.deepEqual(Object.keys(created).sort(), want('CreateCheckoutResult'))
    const status = await client.orderStatus('INV-S-1')
    assert.deepEqual(Object.keys(status).sort(), want('OrderStatusResult'))
    const cancelled = await client.cancelOrder({ invoiceNumber: 'INV-S-1', originalRequestId: created.requestId, note: 'n' })
    assert.deepEqual(Object.keys(cancelled).sort(), want('CancelOrderResult'))
    await assert.rejects(client.orderStatus('INV-NOPE'), (err) => {
      assert.deepEqual(Object.keys(err).filter((k) => k !== 'name').concat('message').sort(), want('ErrorDetails'))
      return true
    })
  } finally {
    await doku.close()
  }
})

test('errors that the JS layer raises itself carry the same fields', () => {
  const err = new dc.InvalidInputError('m', { code: 'invalid_input', field: 'body' })
  assert.deepEqual(Object.keys(err).filter((k) => k !== 'name').concat('message').sort(), want('ErrorDetails'))
})
