'use strict'
// doku-checkout/express: verify DOKU HTTP Notifications in Express (4 and 5) and Connect.
//
//   app.post('/payments/notifications', dokuNotification({ secretKey: process.env.DOKU_SECRET_KEY }), (req, res) => {
//     if (req.dokuNotification.transaction.status === 'SUCCESS') markPaid(req.dokuNotification.order.invoice_number)
//     res.sendStatus(200)
//   })
//
// The Request-Target is the path of req.originalUrl (so a Router mount point counts), unless
// `notificationPath` says otherwise. The raw body is read from the stream, or taken from
// express.raw() / a `verify` hook that kept it as req.rawBody; when a body parser consumed the
// stream without keeping the bytes, the answer is an immediate 500 that says what to change.

const { verifyNotification } = require('./index.js')
const { DokuError, configError } = require('./errors.js')

const MAX_BODY = 1024 * 1024
// What is read (and thrown away) of a body over MAX_BODY before the connection is closed.
const MAX_DRAIN = 16 * 1024 * 1024

function send(res, status, payload, headers = {}) {
  res.statusCode = status
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v)
  if (payload === undefined) return res.end()
  res.setHeader('Content-Type', 'application/json')
  res.end(JSON.stringify(payload))
}

/** The raw bytes of the request, however the app is set up; calls done(error, buffer). */
function rawBody(req, done) {
  if (Buffer.isBuffer(req.body)) return done(null, req.body)
  if (Buffer.isBuffer(req.rawBody)) return done(null, req.rawBody)
  // Consumed already: ended for its readers, or marked by body-parser (Express's parsers).
  // (`req.complete` is no sign: it is true as soon as the bytes have arrived, read or not.)
  if (req.readableEnded || req._body) {
    return done(new Error("a body parser read this request without keeping its raw bytes, which the signature covers: mount dokuNotification before express.json(), or keep them with express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })"))
  }
  const chunks = []
  let size = 0
  const onData = (chunk) => {
    size += chunk.length
    if (size <= MAX_BODY) return chunks.push(chunk)
    // Too large: answer 413 and read on (discarding, up to MAX_DRAIN) so that the sender gets to
    // read the answer; closing mid-upload would reset the connection under it instead. (No
    // `Connection: close`: Node would close as soon as the answer is written, unread bytes and
    // all.)
    req.off('data', onData)
    chunks.length = 0
    let drained = size
    req.on('data', (more) => {
      drained += more.length
      if (drained > MAX_DRAIN) req.destroy()
    })
    done(Object.assign(new Error('notification body over 1 MiB'), { status: 413 }))
  }
  req.on('data', onData)
  req.on('end', () => size <= MAX_BODY && done(null, Buffer.concat(chunks)))
  req.on('error', done)
}

/** The value of the one header named Request-Id in any case or with `_` (verified to be one). */
function verifiedRequestId(headers) {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase().replaceAll('_', '-') === 'request-id') return String(value).trim()
  }
  return ''
}

/**
 * Express/Connect middleware: verifies the notification and sets `req.dokuNotification`, or
 * answers 401 with a short JSON reason (405 for anything but POST).
 * `secretKey` is a string or a function of the notification's Client-Id returning that
 * merchant's secret, or a Promise of it (nothing for an unknown Client-Id: 401; a lookup that
 * throws or rejects goes to `next(error)`, so the app's error handler answers 500).
 * `req.dokuNotification.requestId` (not enumerable) is the Request-Id that was verified.
 */
function dokuNotification({ secretKey, notificationPath, tolerance } = {}) {
  if (typeof secretKey !== 'function' && (typeof secretKey !== 'string' || secretKey.trim() === '')) {
    throw configError('secretKey', 'dokuNotification needs secretKey: your DOKU Secret Key, or a function of the Client-Id')
  }
  return function dokuNotificationMiddleware(req, res, next) {
    if (req.method !== 'POST') return send(res, 405, undefined, { Allow: 'POST' })
    let answered = false
    rawBody(req, (error, raw) => {
      // Once only: a stream can report an error after its end, or twice.
      if (answered) return
      answered = true
      if (error) return send(res, error.status ?? 500, { error: { code: 'config_error', message: error.message } })
      const clientId = String(req.headers['client-id'] ?? '')
      // The lookup may throw or reject (an unknown tenant, a database down): that goes to the
      // app's error handler (Express answers 500), never out of this stream callback, where it
      // would bring the whole server down.
      let lookup
      try {
        lookup = typeof secretKey === 'function' ? secretKey(clientId) : secretKey
      } catch (e) {
        return next(asError(e))
      }
      Promise.resolve(lookup).then((secret) => verify(secret, raw), (e) => next(asError(e)))
    })
    // next(undefined) or next('route') would run the route unverified: always an Error.
    function asError(e) {
      return e instanceof Error ? e : new Error('the secretKey lookup failed', { cause: e })
    }
    function verify(secret, raw) {
      // Runs in a Promise callback: anything it throws must reach next(), never go unhandled.
      try {
        verifyOrRefuse(secret, raw)
      } catch (e) {
        next(asError(e))
      }
    }
    function verifyOrRefuse(secret, raw) {
      if (typeof secret !== 'string' || secret === '') return send(res, 401, { error: { code: 'invalid_signature', reason: 'unknown_client_id' } })
      const path = notificationPath ?? new URL(req.originalUrl ?? req.url, 'http://localhost').pathname
      let body
      try {
        body = verifyNotification({ secretKey: secret, headers: req.headers, body: raw, notificationPath: path, tolerance })
      } catch (e) {
        // 400 for a genuine but malformed notification (its body is not JSON), 401 for the rest.
        if (e instanceof DokuError) return send(res, e.code === 'invalid_request' ? 400 : 401, { error: { code: e.code, reason: e.reason } })
        return next(e)
      }
      // The Request-Id that was verified (the core refuses a header received under two names),
      // for de-duplication: not enumerable, so the body reads as DOKU sent it.
      if (body !== null && typeof body === 'object' && !Object.hasOwn(body, 'requestId')) {
        Object.defineProperty(body, 'requestId', { value: verifiedRequestId(req.headers), enumerable: false })
      }
      req.dokuNotification = body
      next()
    }
  }
}

module.exports = { dokuNotification }
