'use strict'
// Runs tests/vectors/signing.json through an installed doku-checkout (`make dist-check`).
// usage: node signing-vectors.js signing.json [expected-install-dir]
const fs = require('node:fs')
const dc = require('doku-checkout')

function body(spec) {
  if (spec === null) return undefined
  if (spec.b64 !== undefined) return Buffer.from(spec.b64, 'base64')
  if (spec.hex !== undefined) return Buffer.from(spec.hex, 'hex')
  return Buffer.from(spec.repeat.hex.repeat(spec.repeat.count), 'hex')
}

function passes({ input: inp, expect }) {
  const args = { clientId: inp.client_id, requestId: inp.request_id, timestamp: inp.timestamp, requestTarget: inp.request_target, body: body(inp.body) }
  let text, signature
  try {
    text = dc.signingString(args)
    signature = dc.signRequest({ ...args, secretKey: inp.secret_key })
  } catch (err) {
    return expect.error !== undefined && err.code === expect.error.code && err.field === expect.error.field
  }
  const digest = args.body === undefined ? null : dc.computeDigest(args.body)
  return text === expect.string_to_sign && signature === expect.signature && digest === expect.digest
}

const vectors = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const where = require.resolve('doku-checkout')
if (process.argv[3] && !where.startsWith(process.argv[3])) throw new Error(`doku-checkout resolved to ${where}, not under ${process.argv[3]}`)
const cases = vectors.groups.filter((g) => g.operation === 'sign_request').flatMap((g) => g.cases)
const failed = cases.filter((c) => !passes(c)).map((c) => c.id)
if (failed.length || !cases.length) {
  console.error(`node signing vectors: ${failed.length} of ${cases.length} failed: ${failed}`)
  process.exit(1)
}
console.log(`node signing vectors: ${cases.length} of ${cases.length} passed (${where})`)
