'use strict'
// The Express middleware with the real framework over real HTTP: mounted under a Router, with
// and without a global express.json(), express.raw(), one secret per Client-Id.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const express = require('express')
const { dokuNotification } = require('../express')
const { signNotification } = require('../testing')
const dc = require('..')

const SECRET = 'SK-EXPRESS-0123456789'
const BODY = '{"order":{"invoice_number":"INV-E1"},"transaction":{"status":"SUCCESS"}}'

async function serve(setup) {
  const app = express()
  const seen = []
  setup(app, (req, res) => {
    seen.push(req.dokuNotification)
    res.sendStatus(200)
  })
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${server.address().port}`
  const post = (path, { secret = SECRET, clientId = 'MCH-1', signedPath = path, body = BODY, method = 'POST' } = {}) =>
    fetch(url + path, { method, headers: method === 'POST' ? { 'content-type': 'application/json', ...signNotification({ secretKey: secret, clientId, body, notificationPath: signedPath }) } : {}, body: method === 'POST' ? body : undefined })
  return { seen, post, close: () => new Promise((r) => server.close(r)) }
}

test('mounted under a Router: the Request-Target is the full path DOKU called', async () => {
  const s = await serve((app, handler) => {
    const router = express.Router()
    router.post('/notifications', dokuNotification({ secretKey: SECRET }), handler)
    app.use('/payments', router)
  })
  try {
    assert.equal((await s.post('/payments/notifications')).status, 200)
    assert.deepEqual(s.seen, [JSON.parse(BODY)])
    const forged = await s.post('/payments/notifications', { secret: 'SK-ATTACKER' })
    assert.equal(forged.status, 401)
    assert.deepEqual(await forged.json(), { error: { code: 'invalid_signature', reason: 'signature_mismatch' } })
    assert.equal((await s.post('/payments/notifications?x=1', { signedPath: '/payments/notifications' })).status, 200, 'the query string is not part of the path')
  } finally {
    await s.close()
  }
})

test('after a global express.json(): a clear 500 at once, never a hang; with a verify hook it works', async () => {
  const s = await serve((app, handler) => {
    app.use('/plain', express.json())
    app.use('/kept', express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }))
    app.post('/plain/notifications', dokuNotification({ secretKey: SECRET }), handler)
    app.post('/kept/notifications', dokuNotification({ secretKey: SECRET }), handler)
  })
  try {
    const lost = await s.post('/plain/notifications')
    assert.equal(lost.status, 500)
    assert.match((await lost.json()).error.message, /express\.json\(\{ verify/)
    assert.equal((await s.post('/kept/notifications')).status, 200)
  } finally {
    await s.close()
  }
})

test('express.raw(), only POST, and one secret per Client-Id', async () => {
  const tenants = { 'MCH-A': 'SK-TENANT-A', 'MCH-B': 'SK-TENANT-B' }
  const s = await serve((app, handler) => {
    app.post('/raw', express.raw({ type: 'application/json' }), dokuNotification({ secretKey: SECRET }), handler)
    app.all('/tenants', dokuNotification({ secretKey: (clientId) => tenants[clientId] }), handler)
  })
  try {
    assert.equal((await s.post('/raw')).status, 200)
    assert.equal((await s.post('/tenants', { method: 'GET' })).status, 405)
    assert.equal((await s.post('/tenants', { secret: 'SK-TENANT-A', clientId: 'MCH-A' })).status, 200)
    assert.equal((await s.post('/tenants', { secret: 'SK-TENANT-A', clientId: 'MCH-B' })).status, 401)
    const unknown = await s.post('/tenants', { secret: 'SK-TENANT-A', clientId: 'MCH-Z' })
    assert.deepEqual(await unknown.json(), { error: { code: 'invalid_signature', reason: 'unknown_client_id' } })
  } finally {
    await s.close()
  }
})

test('a missing secret is a ConfigurationError when the app starts, not a 401 for DOKU', () => {
  assert.throws(() => dokuNotification({ secretKey: undefined }), dc.ConfigurationError)
  assert.throws(() => dokuNotification({ secretKey: '' }), (e) => e instanceof dc.ConfigurationError && e.field === 'secretKey')
})
