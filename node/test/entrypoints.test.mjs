import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as esm from 'doku-checkout'
import esmDefault from 'doku-checkout'
import { MockServer } from 'doku-checkout/testing'

const require = createRequire(import.meta.url)

test('ESM import and CommonJS require give the same objects', () => {
  const cjs = require('doku-checkout')
  assert.equal(esm.Client, cjs.Client)
  assert.equal(esm.OrderNotCancellableError, cjs.OrderNotCancellableError)
  assert.equal(esmDefault.signRequest, cjs.signRequest)
  assert.equal(MockServer, require('doku-checkout/testing').MockServer)
  assert.equal(typeof esm.verifyNotification, 'function')
})
