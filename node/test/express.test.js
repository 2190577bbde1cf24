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
  return { seen, post, url, close: () => new Promise((r) => server.close(r)) }
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

test('a secret lookup that throws or rejects answers 500 and the server lives on', async () => {
  const s = await serve((app, handler) => {
    app.post('/throws', dokuNotification({ secretKey: () => { throw new Error('no tenant') } }), handler)
    app.post('/rejects', dokuNotification({ secretKey: async () => { throw new Error('database down') } }), handler)
    app.post('/async', dokuNotification({ secretKey: async (clientId) => (clientId === 'MCH-1' ? SECRET : undefined) }), handler)
  })
  try {
    assert.equal((await s.post('/throws')).status, 500)
    assert.equal((await s.post('/rejects')).status, 500)
    assert.equal((await s.post('/async')).status, 200, 'the server still answers, and a Promise of the key works')
    assert.equal((await s.post('/async', { clientId: 'MCH-Z' })).status, 401)
  } finally {
    await s.close()
  }
})

test('the verified Request-Id is what the app reads; a second spelling of it is refused', async () => {
  const s = await serve((app, handler) => {
    app.post('/n', dokuNotification({ secretKey: SECRET }), (req, res) => {
      res.json({ requestId: req.dokuNotification.requestId, keys: Object.keys(req.dokuNotification) })
    })
    app.post('/seen', dokuNotification({ secretKey: SECRET }), handler)
  })
  try {
    const headers = signNotification({ secretKey: SECRET, clientId: 'MCH-1', body: BODY, notificationPath: '/n' })
    const ok = await fetch(s.url + '/n', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY })
    assert.equal(ok.status, 200)
    const got = await ok.json()
    assert.equal(got.requestId, headers['Request-Id'])
    assert.deepEqual(got.keys, Object.keys(JSON.parse(BODY)), 'the body reads as DOKU sent it')
    // The genuine notification under Request_Id, plus a fresh Request-Id that an app's
    // de-duplication by req.headers['request-id'] would have taken for a new notification.
    const { 'Request-Id': genuine, ...rest } = headers
    const split = await fetch(s.url + '/seen', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...rest, Request_Id: genuine, 'Request-Id': '0a6f1c52-9d1e-4a55-8f0b-5b1e2c3d4e5f' },
      body: BODY,
    })
    assert.equal(split.status, 401)
    assert.deepEqual(await split.json(), { error: { code: 'invalid_signature', reason: 'duplicate_header' } })
    assert.deepEqual(s.seen, [], 'the handler never ran')
  } finally {
    await s.close()
  }
})

test('a genuine notification whose body is not JSON gets 400 invalid_request, and the route never runs', async () => {
  const s = await serve((app, handler) => app.post('/n', dokuNotification({ secretKey: SECRET }), handler))
  try {
    const r = await s.post('/n', { body: 'not json' })
    assert.equal(r.status, 400)
    assert.deepEqual(await r.json(), { error: { code: 'invalid_request', reason: 'body_not_json' } })
    assert.deepEqual(s.seen, [])
  } finally {
    await s.close()
  }
})

test('a body over 1 MiB gets a 413 the sender can read, not a reset connection', async () => {
  const s = await serve((app, handler) => {
    app.post('/big', dokuNotification({ secretKey: SECRET }), handler)
  })
  try {
    const body = '{"pad":"' + 'x'.repeat(2 * 1024 * 1024) + '"}'
    const headers = signNotification({ secretKey: SECRET, clientId: 'MCH-1', body, notificationPath: '/big' })
    const answer = await fetch(s.url + '/big', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    assert.equal(answer.status, 413)
    assert.match((await answer.json()).error.message, /over 1 MiB/)
    assert.equal((await s.post('/big')).status, 200, 'the server goes on')
  } finally {
    await s.close()
  }
})

test('a lookup rejecting with no Error, or a body that is not an object, never runs the route unverified nor crashes', async () => {
  const s = await serve((app, handler) => {
    app.post('/undef', dokuNotification({ secretKey: () => Promise.reject() }), handler)
    app.post('/route', dokuNotification({ secretKey: () => Promise.reject('route') }), handler)
    app.post('/route', handler)
    app.post('/primitive', dokuNotification({ secretKey: SECRET }), handler)
  })
  try {
    assert.equal((await s.post('/undef')).status, 500)
    assert.equal((await s.post('/route')).status, 500)
    assert.equal((await s.post('/primitive', { body: '1' })).status, 200, 'a verified JSON primitive is passed on')
    assert.deepEqual(s.seen, [1], 'only the verified request reached a handler')
  } finally {
    await s.close()
  }
})

test('a slow sender of a body over 1 MiB reads the 413 while still sending, without a reset', async () => {
  const net = require('node:net')
  const s = await serve((app, handler) => {
    app.post('/big', dokuNotification({ secretKey: SECRET }), handler)
  })
  try {
    const { port } = new URL(s.url)
    const total = 3 * 1024 * 1024
    const socket = net.connect(Number(port), '127.0.0.1')
    let answer = ''
    let reset = null
    socket.on('data', (d) => { answer += d.toString('latin1') })
    socket.on('error', (e) => { reset = e })
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(`POST /big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`)
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    for (let sent = 0; sent < total; sent += chunk.length) {
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve))
      if (sent % (512 * 1024) === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    for (let i = 0; i < 100 && !answer.includes('\r\n\r\n'); i += 1) await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal(reset, null, `no reset: ${reset}`)
    assert.match(answer, /^HTTP\/1\.1 413 /)
    socket.destroy()
  } finally {
    await s.close()
  }
})
