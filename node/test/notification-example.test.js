'use strict'
// The Express-style middleware behind a real http server, fed by the emulator and by forgers.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const dc = require('..')
const { MockServer } = require('../testing')
const { dokuNotification } = require('../examples/express-notification.js')

const SECRET = 'SK-TEST-0123456789'

function serve(middleware, received) {
  const server = http.createServer((req, res) => {
    middleware(req, res, (err) => {
      if (err) {
        res.statusCode = 500
        return res.end()
      }
      received.push(req.dokuNotification)
      res.end('ok')
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

async function post(url, body, headers) {
  const r = await fetch(url, { method: 'POST', body, headers })
  return { status: r.status, body: await r.text() }
}

test('a notification sent by the emulator passes; forged ones get 401', async () => {
  const received = []
  const server = await serve(dokuNotification({ secretKey: SECRET }), received)
  const url = `http://127.0.0.1:${server.address().port}/payments/notifications`
  const doku = await MockServer.start()
  try {
    doku.addOrder('INV-N1', { originalRequestId: 'r-1', paymentMethod: 'VIRTUAL_ACCOUNT_BCA' })
    doku.markPaid('INV-N1')
    assert.equal(await doku.sendNotification('INV-N1', url), 200)
    assert.equal(received.length, 1)
    assert.equal(received[0].transaction.status, 'SUCCESS')

    const body = JSON.stringify({ order: { invoice_number: 'INV-N1' }, transaction: { status: 'SUCCESS' } })
    const timestamp = dc.formatTimestamp(new Date())
    const headers = { 'client-id': 'MCH-TEST-0001', 'request-id': 'n-2', 'request-timestamp': timestamp, 'content-type': 'application/json' }
    const good = dc.signRequest({ clientId: 'MCH-TEST-0001', secretKey: SECRET, requestId: 'n-2', timestamp, requestTarget: '/payments/notifications', body })
    assert.equal((await post(url, body, { ...headers, signature: good })).status, 200)
    const reserialised = JSON.stringify(JSON.parse(body), null, 2)
    const forged = await post(url, reserialised, { ...headers, signature: good })
    assert.equal(forged.status, 401)
    assert.equal(JSON.parse(forged.body).error.code, 'invalid_signature')
    const wrongKey = dc.signRequest({ clientId: 'MCH-TEST-0001', secretKey: 'SK-ATTACKER', requestId: 'n-2', timestamp, requestTarget: '/payments/notifications', body })
    assert.equal((await post(url, body, { ...headers, signature: wrongKey })).status, 401)
    assert.equal((await post(url, body, headers)).status, 401)
    assert.equal(received.length, 2)
  } finally {
    await doku.close()
    server.close()
  }
})
