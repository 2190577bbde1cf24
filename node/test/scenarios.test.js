'use strict'
// Every scenario of tests/scenarios/ against the real emulator over loopback.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const dc = require('..')
const { MockServer } = require('../testing')
const { SCENARIOS, jsonFiles } = require('./helpers.js')

const camel = (s) => s.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase())

function camelArgs(args) {
  if (Array.isArray(args)) return args.map(camelArgs)
  if (args && typeof args === 'object') return Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), camelArgs(v)]))
  return args
}

function resolve(args, results) {
  if (args && typeof args === 'object' && 'from_step' in args) return results[args.from_step][camel(args.field)]
  if (args && typeof args === 'object' && !Array.isArray(args)) return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, resolve(v, results)]))
  return args
}

async function call(client, op, args) {
  const a = camelArgs(args)
  if (op === 'cancel_order') return client.cancelOrder(a)
  if (op === 'order_status') return client.orderStatus(a.invoiceNumber)
  if (op === 'create_checkout') {
    const r = await client.createCheckout(a)
    return { ...r, hasPaymentUrl: Boolean(r.paymentUrl), hasExpiry: r.expiresAt != null }
  }
  throw new Error(`unknown op ${op}`)
}

const all = jsonFiles(SCENARIOS).flatMap(({ name, doc }) => doc.scenarios.map((sc) => ({ name, doc, sc })))

test('enough scenarios', () => assert.ok(all.length >= 40))

for (const { name, doc, sc } of all) {
  test(`${name}/${sc.id}`, async () => {
    const doku = await MockServer.start({ clientId: doc.client_id, secretKey: doc.secret_key })
    try {
      doku.setup(sc.setup)
      const cfg = sc.client
      const results = []
      for (const [n, step] of sc.steps.entries()) {
        const args = resolve(step.call.args, results)
        let outcome = null
        let error = null
        try {
          // The scenario's client settings are ClientOptions names: passed through as they are.
          const client = new dc.Client({ clientId: doc.client_id, secretKey: doc.secret_key, baseUrl: doku.url, ...camelArgs(cfg) })
          outcome = await call(client, step.call.op, args)
        } catch (e) {
          error = e
        }
        if (step.expect.result) {
          assert.equal(error, null, `step ${n}: unexpected ${error}`)
          for (const [k, v] of Object.entries(step.expect.result)) assert.deepEqual(outcome[camel(k)], v, `step ${n}: ${k}`)
        } else {
          assert.ok(error instanceof dc.ERROR_CLASSES[step.expect.error.code], `step ${n}: expected ${step.expect.error.code}, got ${error ?? JSON.stringify(outcome)}`)
          assert.ok(!String(error.message).includes(doc.secret_key))
          for (const [k, v] of Object.entries(step.expect.error)) assert.deepEqual(error[camel(k)], v, `step ${n}: error.${k}`)
        }
        results.push(outcome)
      }
      const log = doku.requests()
      const wire = sc.wire
      if ('requests' in wire) assert.equal(log.length, wire.requests)
      if (wire.same_request_id) assert.equal(new Set(log.map((e) => e.request_id)).size, 1)
      if ('state_changes' in wire) assert.equal(log.filter((e) => e.state_changed).length, wire.state_changes)
      if ('all_signatures_valid' in wire) assert.equal(log.every((e) => e.signature_valid), wire.all_signatures_valid)
      if ('paths' in wire) assert.deepEqual(log.map((e) => e.path), wire.paths)
      for (const [invoice, state] of Object.entries(sc.final_states)) assert.equal(doku.order(invoice).state, state)
    } finally {
      await doku.close()
    }
  })
}
