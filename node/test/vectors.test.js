'use strict'
// Every case of every file in tests/vectors/ through the package entry point.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const dc = require('..')
const { VECTORS, jsonFiles, bodyFromSpec } = require('./helpers.js')

const camel = (s) => s.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase())
const conformance = (op, input) => JSON.parse(dc._conformance(op, JSON.stringify(input)))

function checkError(err, want) {
  assert.ok(err instanceof dc.DokuError, `not a DokuError: ${err}`)
  assert.ok(err instanceof dc.ERROR_CLASSES[want.code], `${err.name} is not ${want.code}`)
  assert.equal(err.code, want.code)
  for (const [k, js] of [['reason', 'reason'], ['field', 'field'], ['retryable', 'retryable']]) {
    if (k in want) assert.equal(err[js], want[k], k)
  }
}

const run = {
  sign_request(inp, expect) {
    const body = bodyFromSpec(inp.body)
    const args = { clientId: inp.client_id, requestId: inp.request_id, timestamp: inp.timestamp, requestTarget: inp.request_target, body }
    const text = dc.signingString(args)
    const signature = dc.signRequest({ ...args, secretKey: inp.secret_key })
    assert.equal(text, expect.string_to_sign)
    assert.equal(signature, expect.signature)
    assert.equal(body === undefined ? null : dc.computeDigest(body), expect.digest)
  },
  verify_notification(inp, expect) {
    const body = bodyFromSpec(inp.body)
    const headers = Object.fromEntries(inp.headers)
    const parsed = dc.verifyNotification({ secretKey: inp.secret_key, headers, body, notificationPath: inp.notification_path, tolerance: inp.tolerance_seconds ?? undefined, now: inp.now ?? undefined })
    assert.equal(crypto.createHash('sha256').update(body).digest('hex'), expect.body_sha256)
    assert.deepEqual(parsed, JSON.parse(body.toString('utf8')))
  },
  verify_response(inp) {
    dc.verifyResponse({ secretKey: inp.secret_key, clientId: inp.sent_client_id, requestId: inp.sent_request_id, requestTarget: inp.request_target, headers: inp.headers, body: bodyFromSpec(inp.body), withDigest: inp.with_digest })
  },
  format_timestamp(inp, expect) {
    assert.equal(dc.formatTimestamp(new Date(inp.unix * 1000 + 999)), expect.text)
  },
  client_config(inp, expect) {
    // The public constructor accepts or refuses; the settings in force come from the core.
    const options = Object.fromEntries(Object.entries(inp.options).map(([k, v]) => [camel(k), v]))
    const client = new dc.Client({ clientId: inp.client_id, secretKey: inp.secret_key, ...options })
    assert.equal(client.baseUrl, expect.settings.base_url)
    assert.deepEqual(conformance('client_config', inp), { ok: expect.settings })
  },
  cancel_support(inp, expect) {
    assert.equal(dc.cancelSupport(inp.payment_method_type), expect.support)
  },
}

const files = jsonFiles(VECTORS)
let total = 0
for (const { name, doc } of files) {
  for (const group of doc.groups) {
    for (const kase of group.cases) {
      total += 1
      test(`${name}/${kase.id}`, () => {
        const fn = run[group.operation]
        if (!fn) {
          // Not public in Node: the core decides, through its one test entry point.
          const out = conformance(group.operation, kase.input)
          if (kase.expect.error) {
            assert.ok(out.error, JSON.stringify(out))
            for (const [k, v] of Object.entries(kase.expect.error)) assert.equal(out.error[k], v, k)
          } else {
            assert.deepEqual(out, { ok: kase.expect })
          }
        } else if (kase.expect.error) {
          assert.throws(() => fn(kase.input, kase.expect), (err) => (checkError(err, kase.expect.error), true))
        } else {
          fn(kase.input, kase.expect)
        }
      })
    }
  }
}

test('every vector file was loaded', () => {
  assert.ok(files.length >= 9)
  assert.equal(total, files.reduce((n, f) => n + f.doc.number_of_cases, 0))
  assert.ok(total >= 40)
})
