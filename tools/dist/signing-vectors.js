'use strict'
// Runs tests/vectors/signing.json through an installed doku-checkout (`make dist-check`).
// usage: node signing-vectors.js signing.json [expected-install-dir] [main|edge] [native|wasm]
// (the entry point, and the backend the main entry must have chosen).
const fs = require('node:fs')

function body(spec) {
  if (spec === null) return undefined
  if (spec.b64 !== undefined) return Buffer.from(spec.b64, 'base64')
  if (spec.hex !== undefined) return Buffer.from(spec.hex, 'hex')
  return Buffer.from(spec.repeat.hex.repeat(spec.repeat.count), 'hex')
}

function passes(dc, { input: inp, expect }) {
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

async function main() {
  const [file, dir, entry = 'main', backend] = process.argv.slice(2)
  const dc = entry === 'edge' ? await import('doku-checkout/edge') : require('doku-checkout')
  if (backend && dc.backend !== backend) throw new Error(`the main entry runs on ${dc.backend}, not ${backend} (${dc.backendReason})`)
  const vectors = JSON.parse(fs.readFileSync(file, 'utf8'))
  const where = require.resolve('doku-checkout')
  if (dir && !where.startsWith(dir)) throw new Error(`doku-checkout resolved to ${where}, not under ${dir}`)
  const cases = vectors.groups.filter((g) => g.operation === 'sign_request').flatMap((g) => g.cases)
  const failed = cases.filter((c) => !passes(dc, c)).map((c) => c.id)
  if (failed.length || !cases.length) {
    console.error(`node signing vectors (${entry}): ${failed.length} of ${cases.length} failed: ${failed}`)
    process.exit(1)
  }
  console.log(`node signing vectors (${entry}${entry === 'main' ? `, ${dc.backend}` : ', wasm'}): ${cases.length} of ${cases.length} passed (${where})`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
