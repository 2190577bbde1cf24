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
//
// With `store` (a PgStore from doku-checkout/pg, or anything with its beginNotification), each
// notification runs once however many copies arrive, on however many instances: the receipt
// row is inserted in a database transaction that stays open for the handler as
// `req.dokuTransaction`, and is committed just before the answer goes out when the handler
// answers 2xx, rolled back otherwise (DOKU's retry then runs it again). A copy that was
// handled before gets 200 and the handler never runs.

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

/** The value of the one header `wanted` (lower case) in any case or with `_` (verified to be one). */
function verifiedHeader(headers, wanted) {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase().replaceAll('_', '-') === wanted) return String(value).trim()
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
function dokuNotification({ secretKey, notificationPath, tolerance, store } = {}) {
  if (typeof secretKey !== 'function' && (typeof secretKey !== 'string' || secretKey.trim() === '')) {
    throw configError('secretKey', 'dokuNotification needs secretKey: your DOKU Secret Key, or a function of the Client-Id')
  }
  if (store !== undefined && (store === null || typeof store.beginNotification !== 'function')) {
    throw configError('store', 'dokuNotification({ store }) needs a PgStore (doku-checkout/pg) or an object with its beginNotification()')
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
      const requestId = verifiedHeader(req.headers, 'request-id')
      if (body !== null && typeof body === 'object' && !Object.hasOwn(body, 'requestId')) {
        Object.defineProperty(body, 'requestId', { value: requestId, enumerable: false })
      }
      if (store === undefined) {
        req.dokuNotification = body
        return next()
      }
      const clientId = verifiedHeader(req.headers, 'client-id')
      receive(store, { requestId, clientId, notification: body }, req, res, next).catch((e) => next(asError(e)))
    }
  }
}

/** Opens the notification's receipt and runs the route inside it (or answers a copy 200). */
async function receive(store, input, req, res, next) {
  let receipt
  try {
    receipt = await store.beginNotification(input)
  } catch (e) {
    if (e instanceof DokuError && e.code === 'invalid_input') return send(res, 400, { error: { code: 'invalid_request', reason: 'request_id_length' } })
    if (e instanceof DokuError && e.reason === 'receipt_busy') return send(res, 503, { error: { code: e.code, reason: e.reason } }, { 'Retry-After': '10' })
    throw e
  }
  // Handled before (here or on another instance, and committed): answer, run nothing.
  if (receipt === null) return send(res, 200, undefined)
  // DOKU gave up while the receipt was being opened: nobody will read an answer.
  if (res.destroyed || res.writableEnded) return receipt.rollback()
  req.dokuNotification = input.notification
  req.dokuTransaction = receipt.db
  holdAnswerForCommit(res, receipt)
  next()
}

/**
 * Ends the receipt's transaction as the handler answers: committed before a 2xx goes out (a
 * commit that fails turns the answer into a 500, so DOKU retries), rolled back for any other
 * answer or a connection closed before one. The status is the one the handler gave: what runs
 * after it (a late next(error)) cannot change an answer whose effects were committed.
 */
function holdAnswerForCommit(res, receipt) {
  const end = res.end
  let settled = false
  res.end = function endAfterCommit(...args) {
    if (settled) return res // the first answer is being sent; later ones are dropped
    settled = true
    const status = res.statusCode
    const ok = status >= 200 && status < 300
    const finish = ok ? receipt.commit() : receipt.rollback()
    finish
      .then(
        () => {
          res.end = end
          res.statusCode = status
          end.apply(res, args)
        },
        () => {
          res.end = end
          if (res.headersSent) return res.destroy() // a streamed 2xx: only a cut connection says no
          const failure = JSON.stringify({ error: { code: 'store_failure', message: 'the notification could not be recorded; DOKU will retry it' } })
          res.statusCode = 500
          for (const name of ['Content-Length', 'ETag', 'Content-Encoding']) res.removeHeader(name) // the handler's body's
          res.setHeader('Content-Type', 'application/json')
          end.call(res, failure)
        },
      )
      .catch(() => res.destroy()) // end() itself threw (a bad argument): no answer can be sent
    return res
  }
  res.once('close', () => {
    if (settled) return
    settled = true
    receipt.rollback()
  })
}

module.exports = { dokuNotification }
