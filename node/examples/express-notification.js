'use strict'
// An Express-style middleware that verifies DOKU HTTP Notifications.
//
//   const express = require('express')
//   const { dokuNotification } = require('doku-checkout/examples/express-notification')
//   app.post('/payments/notifications',
//     express.raw({ type: 'application/json' }),          // keep the RAW bytes: never express.json()
//     dokuNotification({ secretKey: process.env.DOKU_SECRET_KEY }),
//     (req, res) => { handle(req.dokuNotification); res.sendStatus(200) })
//
// Without express.raw() it reads the raw body from the request stream itself.

const { verifyNotification, DokuError } = require('..')

function readRaw(req) {
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body)
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Verifies, sets `req.dokuNotification`, or answers 401 with the error code. */
function dokuNotification({ secretKey, path, tolerance } = {}) {
  return function dokuNotificationMiddleware(req, res, next) {
    readRaw(req)
      .then((raw) => {
        req.dokuNotification = verifyNotification({
          secretKey,
          headers: req.headers,
          body: raw,
          notificationPath: path ?? new URL(req.originalUrl ?? req.url, 'http://localhost').pathname,
          tolerance,
        })
        next()
      })
      .catch((err) => {
        if (!(err instanceof DokuError)) return next(err)
        res.statusCode = 401
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ error: { code: err.code, reason: err.reason, message: err.message } }))
      })
  }
}

module.exports = { dokuNotification }
