'use strict'
// The emulator as a merchant's Node tests use it: automatic notifications to a real HTTP
// server in this process (answering while the emulator waits), the clock, channel-true bodies.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const dc = require('..')
const { MockServer, MockControlError, notificationBody, signNotification } = require('../testing')

const SECRET = 'SK-LIFECYCLE-NODE-0123'

async function shop(answers = []) {
  const received = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      // rawHeaders keeps the names as sent.
      const headers = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]])
      received.push({ path: req.url, headers, body: Buffer.concat(chunks) })
      res.statusCode = answers.length ? answers.shift() : 200
      res.end()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { received, url: `http://127.0.0.1:${server.address().port}/payments/notifications`, close: () => new Promise((r) => server.close(r)) }
}

test('a paid QRIS order is notified to a server in this process, with DOKU\'s header names, and verifies', async () => {
  const s = await shop()
  const doku = await MockServer.start({ secretKey: SECRET, notificationUrl: s.url })
  try {
    doku.addOrder('INV-NODE-1', { originalRequestId: 'create-1', paymentMethod: 'QRIS', amount: 30000 })
    await doku.pay('INV-NODE-1')
    const [delivery] = await doku.notifications()
    assert.deepEqual(delivery.attempts.map((a) => a.status), [200])
    const [got] = s.received
    for (const name of ['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature']) assert.ok(got.headers.some(([h]) => h === name), name)
    const body = dc.verifyNotification({ secretKey: SECRET, headers: Object.fromEntries(got.headers), body: got.body, notificationPath: '/payments/notifications' })
    assert.equal(body.service.id, 'QRIS')
    assert.equal(body.channel.id, 'QRIS')
    assert.ok(body.emoney_payment.approval_code)
  } finally {
    await doku.close()
    await s.close()
  }
})

test('retries fall due on the emulator\'s clock, one Request-Id throughout, and stop at a 2xx', async () => {
  const s = await shop([500, 502])
  const doku = await MockServer.start({ secretKey: SECRET, notificationUrl: s.url })
  try {
    doku.addOrder('INV-NODE-2', { originalRequestId: 'create-2' })
    await doku.fail('INV-NODE-2', { channel: 'VIRTUAL_ACCOUNT_BRI' })
    assert.deepEqual((await doku.notifications())[0].attempts.map((a) => a.status), [500])
    await doku.advanceClock(1790)
    assert.equal((await doku.notifications())[0].attempts.length, 1, 'nothing before +30 min')
    await doku.advanceClock(10)
    await doku.advanceClock(6 * 3600)
    const [delivery] = await doku.notifications()
    assert.deepEqual(delivery.attempts.map((a) => [a.after_seconds, a.status]), [[0, 500], [1800, 502], [21600, 200]])
    assert.equal(delivery.transaction_status, 'FAILED')
    assert.equal(new Set(s.received.map((r) => Object.fromEntries(r.headers)['Request-Id'])).size, 1)
  } finally {
    await doku.close()
    await s.close()
  }
})

test('controls refuse what cannot happen with a typed error; notificationBody builds what DOKU sends', async () => {
  const doku = await MockServer.start({ secretKey: SECRET })
  try {
    doku.addOrder('INV-NODE-3', { originalRequestId: 'create-3' })
    await assert.rejects(doku.refund('INV-NODE-3'), (e) => e instanceof MockControlError && e.status === 409)
    await assert.rejects(doku.advanceClock(-1), (e) => e instanceof MockControlError && e.status === 400)
    const before = await doku.clock()
    const after = await doku.advanceClock(3600)
    assert.ok(after - before >= 3599 * 1000)
  } finally {
    await doku.close()
  }
  const body = notificationBody({ invoiceNumber: 'INV-9', amount: 5000, originalRequestId: 'r-9', channel: 'PEER_TO_PEER_AKULAKU' })
  const parsed = JSON.parse(body)
  assert.equal(parsed.service.id, 'PEER_TO_PEER')
  assert.ok(parsed.peer_to_peer_info.identifier.length)
  const headers = signNotification({ secretKey: SECRET, clientId: 'MCH-1', body, notificationPath: '/n' })
  assert.deepEqual(dc.verifyNotification({ secretKey: SECRET, headers, body, notificationPath: '/n' }), parsed)
  assert.throws(() => notificationBody({ invoiceNumber: 'I', amount: 1.5, originalRequestId: 'r' }), (e) => e instanceof dc.InvalidInputError && e.field === 'amount')
})
