'use strict'
// Runs tests/vectors/signing.json through an installed doku-checkout (`make dist-check`); on the
// native addon, also a checkout, its status and its cancel over HTTP against the addon's own
// emulator (the packaged client's transport, not only its signing).
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
  if (entry === 'main' && dc.backend === 'native') await roundTrip(dc)
}

async function roundTrip(dc) {
  const { MockServer } = require('doku-checkout/testing')
  const doku = await MockServer.start({ clientId: 'MCH-DIST', secretKey: 'SK-DIST-0123456789' })
  try {
    const client = new dc.Client({ clientId: 'MCH-DIST', secretKey: 'SK-DIST-0123456789', baseUrl: doku.url })
    const checkout = await client.createCheckout({ invoiceNumber: 'INV-DIST-1', amount: 150000 })
    const before = (await client.orderStatus('INV-DIST-1')).status
    const cancelled = (await client.cancelOrder({ invoiceNumber: 'INV-DIST-1', originalRequestId: checkout.requestId, note: 'dist-check' })).orderStatus
    const after = (await client.orderStatus('INV-DIST-1')).status
    if ([before, cancelled, after].join() !== 'PENDING,CANCELLED,CANCELLED') throw new Error(`node round trip: status ${before}, cancel ${cancelled}, status after ${after}`)
    console.log("node round trip against the addon's emulator: PENDING, CANCELLED, CANCELLED")
  } finally {
    await doku.close()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
