'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const dc = require('..')
const { MockServer } = require('../testing')

test('one Error subclass per core code, named as everywhere else', () => {
  const core = Object.fromEntries(JSON.parse(dc._conformance('error_codes', '{}')).ok.map((c) => [c.code, c.class_name]))
  assert.deepEqual(core, Object.fromEntries(Object.entries(dc.ERROR_CLASSES).map(([code, cls]) => [code, cls.name])))
  for (const cls of Object.values(dc.ERROR_CLASSES)) {
    assert.ok(cls.prototype instanceof dc.DokuError)
    assert.ok(cls.prototype instanceof Error)
  }
})

test('API errors carry code, httpStatus, requestId, retryable, messages, rawBody', async () => {
  const doku = await MockServer.start()
  try {
    doku.addOrder('INV-1', { originalRequestId: 'r-1', state: 'PAID' })
    const client = new dc.Client({ clientId: doku.clientId, secretKey: 'SK-TEST-0123456789', baseUrl: doku.url })
    await assert.rejects(client.cancelOrder({ invoiceNumber: 'INV-1', originalRequestId: 'r-1', note: 'n', requestId: 'rid-node-1' }), (err) => {
      assert.ok(err instanceof dc.OrderNotCancellableError)
      assert.equal(err.name, 'OrderNotCancellableError')
      assert.deepEqual([err.code, err.httpStatus, err.requestId, err.retryable], ['order_not_cancellable', 400, 'rid-node-1', false])
      assert.deepEqual(err.messages, ['ORDER ALREADY PAID'])
      assert.match(err.rawBody, /ORDER ALREADY PAID/)
      assert.match(err.message, /order_status/)
      assert.ok(err.stack)
      return true
    })
  } finally {
    await doku.close()
  }
})

test('configuration and input errors are typed; the secret never shows', () => {
  assert.throws(() => new dc.Client({ clientId: 'MCH-1', secretKey: 'SK-1', baseUrl: 'http://api.doku.com' }), dc.ConfigurationError)
  assert.throws(() => new dc.Client({ clientId: 'MCH-1', secretKey: 'SK-1', environment: 'staging' }), dc.ConfigurationError)
  // A misspelt option is refused, not ignored; a fraction is refused, not truncated.
  assert.throws(() => new dc.Client({ clientId: 'MCH-1', secretKey: 'SK-1', timeout: 5000 }), (e) => e instanceof dc.ConfigurationError && e.field === 'options')
  assert.throws(() => new dc.Client({ clientId: 'MCH-1', secretKey: 'SK-1', timeoutMs: 2.5 }), (e) => e instanceof dc.ConfigurationError && e.field === 'timeout_ms')
  assert.throws(() => dc.verifyNotification({ secretKey: 'k', headers: {}, body: { parsed: true }, notificationPath: '/n' }), (e) => e instanceof dc.InvalidInputError && e.field === 'body')
  const client = new dc.Client({ clientId: 'MCH-1', secretKey: 'SK-VERY-SECRET-42' })
  for (const text of [util.inspect(client), JSON.stringify(client), String(Object.keys(client)), util.inspect(client, { showHidden: true, depth: 5 })]) {
    assert.ok(!text.includes('SK-VERY-SECRET-42'), text)
  }
})
