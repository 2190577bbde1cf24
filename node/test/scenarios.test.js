'use strict'
// Every scenario of tests/scenarios/ against the real emulator over loopback (the in-process
// MockServer of doku-checkout/testing), through the main entry. The runner is the one the
// edge tests use under Node, Deno and Bun (edge/conformance.mjs).
const { test, before, after } = require('node:test')
const dc = require('..')
const { MockServer } = require('../testing')
const { SCENARIOS, jsonFiles } = require('./helpers.js')
const { scenarioCases } = require('./edge/conformance.mjs')

const files = jsonFiles(SCENARIOS)
let mock
// The runner's emulator interface over the in-process MockServer (its url is set once it listens).
const doku = {
  url: null,
  reset: async () => mock.reset(),
  setup: async (setup) => mock.setup(setup),
  log: async () => mock.requests(),
  order: async (invoice) => mock.order(invoice),
  control: async (method, path, body) => mock.control(method, path, body),
}

before(async () => {
  mock = await MockServer.start({ clientId: files[0].doc.client_id, secretKey: files[0].doc.secret_key })
  doku.url = mock.url
})
after(() => mock?.close())

for (const c of scenarioCases(dc, files, doku)) test(c.name, () => c.run())
