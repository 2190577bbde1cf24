'use strict'
// Every case of every file in tests/vectors/ through the package entry point.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const dc = require('..')
const { VECTORS, jsonFiles, bodyFromSpec } = require('./helpers.js')

const c = dc._conformance

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
  parse_timestamp(inp, expect) {
    assert.equal(c.parseTimestamp(inp.text), expect.unix)
  },
  from_wib(inp, expect) {
    assert.equal(c.formatUnixTimestamp(c.fromWib(...inp.wib)), expect.text)
  },
  parse_wib_compact(inp, expect) {
    assert.equal(c.formatUnixTimestamp(c.parseWibCompact(inp.wib_compact)), expect.text)
  },
  classify(inp, expect) {
    const body = bodyFromSpec(inp.body) ?? Buffer.alloc(0)
    const out = c.classify(inp.http_status, body)
    if (expect.error) {
      assert.equal(out.success, false)
      const err = c.toDokuError(new Error(out.error))
      checkError(err, expect.error)
      assert.equal(err.httpStatus, inp.http_status)
      assert.deepEqual(Buffer.from(err.rawBody, 'utf8'), body)
    } else {
      assert.equal(out.success, true)
      assert.equal(out.replayed, expect.replayed)
    }
  },
  retry_decision(inp, expect) {
    const p = inp.policy
    const delay = c.retryDecision(p.max_retries, p.initial_backoff_ms, p.max_backoff_ms, inp.attempt, inp.outcome.status, inp.outcome.transport, inp.retry_after_seconds ?? undefined, inp.jitter)
    assert.equal(delay, expect.retry ? expect.delay_ms : null)
  },
  cancel_support(inp, expect) {
    assert.equal(dc.cancelSupport(inp.payment_method_type), expect.support)
  },
  cancel_order_request(inp, expect) {
    assert.deepEqual(c.cancelOrderBody(inp.invoice_number, inp.original_request_id, inp.note), bodyFromSpec(expect.body))
  },
  order_status_request(inp, expect) {
    assert.equal(c.orderStatusPath(inp.invoice_number), expect.path)
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
        assert.ok(fn, `no runner for ${group.operation}`)
        if (kase.expect.error && group.operation !== 'classify') {
          assert.throws(() => fn(kase.input, kase.expect), (err) => (checkError(err, kase.expect.error), true))
        } else {
          fn(kase.input, kase.expect)
        }
      })
    }
  }
}

test('every vector file was loaded', () => {
  assert.ok(files.length >= 8)
  assert.equal(total, files.reduce((n, f) => n + f.doc.number_of_cases, 0))
  assert.ok(total >= 40)
})
