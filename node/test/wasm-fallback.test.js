'use strict'
// The main entry with no native addon: a copy of the package without native/ falls back to the
// WebAssembly build and passes every vector; a present but broken addon is never papered over.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { loadBackend } = require('../backend.js')
const { describePlatform } = require('../native.js')

const PKG = path.resolve(__dirname, '..')
let dir

before(() => {
  // What npm installs from the main package alone (no platform package): no native/ directory.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-no-addon-'))
  const pkg = path.join(dir, 'node_modules', 'doku-checkout')
  fs.mkdirSync(pkg, { recursive: true })
  for (const f of fs.readdirSync(PKG)) if (/\.(c?js|mjs|d\.ts|d\.mts|json)$/.test(f) && f !== 'package-lock.json') fs.copyFileSync(path.join(PKG, f), path.join(pkg, f))
  for (const sub of ['edge', 'wasm']) fs.cpSync(path.join(PKG, sub), path.join(pkg, sub), { recursive: true })
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Runs `code` (CommonJS) in a fresh node inside the copy; returns the finished process. */
function inCopy(code, env = {}) {
  return spawnSync(process.execPath, ['-e', code], { cwd: dir, env: { ...process.env, DOKU_CHECKOUT_BACKEND: '', DOKU_CHECKOUT_NATIVE_PATH: '', ...env }, encoding: 'utf8' })
}

test('without an addon the main entry runs on WebAssembly and passes every vector', () => {
  const conformance = path.join(__dirname, 'edge', 'conformance.mjs')
  const run = inCopy(`
    const warnings = []
    process.on('warning', (w) => warnings.push(w.code))
    const dc = require('doku-checkout')
    const { vectorCases } = require(${JSON.stringify(conformance)})
    const { jsonFiles, VECTORS } = require(${JSON.stringify(path.join(__dirname, 'helpers.js'))})
    ;(async () => {
      let pass = 0
      for (const c of vectorCases(dc, jsonFiles(VECTORS))) { await c.run(); pass += 1 }
      await new Promise((r) => setImmediate(r))
      console.log(JSON.stringify({ backend: dc.backend, reason: dc.backendReason, pass, warnings }))
    })().catch((e) => { console.error(e); process.exit(1) })
  `)
  assert.equal(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout.trim().split('\n').pop())
  assert.equal(out.backend, 'wasm')
  assert.ok(out.pass >= 199, `${out.pass} vectors`)
  assert.match(out.reason, /no native addon for this platform/)
  // This platform has a prebuilt addon, so the fallback says which package is missing.
  assert.deepEqual(out.warnings, ['DOKU_CHECKOUT_WASM_FALLBACK'])
  assert.match(run.stderr, new RegExp(`doku-checkout-${describePlatform().key}`))
})

test('doku-checkout/testing on WebAssembly: signNotification works, MockServer says to run the emulator as a process', () => {
  const run = inCopy(`
    const dc = require('doku-checkout')
    const { signNotification, MockServer } = require('doku-checkout/testing')
    const body = '{"transaction":{"status":"SUCCESS"}}'
    const headers = signNotification({ secretKey: 'SK-1', clientId: 'MCH-1', body, notificationPath: '/n' })
    const parsed = dc.verifyNotification({ secretKey: 'SK-1', headers, body, notificationPath: '/n' })
    MockServer.start().then(() => console.log('started'), (e) => console.log(JSON.stringify({ backend: dc.backend, status: parsed.transaction.status, mock: e.message })))
  `, { DOKU_CHECKOUT_BACKEND: 'wasm' })
  assert.equal(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout.trim())
  assert.equal(out.backend, 'wasm')
  assert.equal(out.status, 'SUCCESS')
  assert.match(out.mock, /needs the native addon.*doku-checkout mock/)
})

test('a present but broken addon is an error, never a silent fallback', () => {
  const nativeDir = path.join(dir, 'node_modules', 'doku-checkout', 'native')
  fs.mkdirSync(nativeDir, { recursive: true })
  const file = path.join(nativeDir, `doku-checkout.${describePlatform().key}.node`)
  fs.writeFileSync(file, 'not an ELF file')
  try {
    const run = inCopy(`try { require('doku-checkout'); console.log('loaded') } catch (e) { console.log(e.code) }`)
    assert.equal(run.stdout.trim(), 'ERR_DOKU_CHECKOUT_NATIVE_BROKEN')
  } finally {
    fs.rmSync(nativeDir, { recursive: true, force: true })
  }
})

test('DOKU_CHECKOUT_BACKEND chooses: native never falls back, wasm always runs on WebAssembly, anything else is refused', () => {
  const probe = `try { const dc = require('doku-checkout'); console.log(dc.backend) } catch (e) { console.log(e.code) }`
  assert.equal(inCopy(probe, { DOKU_CHECKOUT_BACKEND: 'native' }).stdout.trim(), 'ERR_DOKU_CHECKOUT_NATIVE_MISSING')
  const forced = inCopy(`process.on('warning', (w) => console.log(w.code)); ${probe}`, { DOKU_CHECKOUT_BACKEND: 'wasm' })
  assert.equal(forced.stdout.trim(), 'wasm', 'forcing wasm emits no fallback warning')
  assert.equal(inCopy(probe, { DOKU_CHECKOUT_BACKEND: 'fast' }).stdout.trim(), 'ERR_DOKU_CHECKOUT_BACKEND')
})

test('the choice itself: only a missing addon falls back; a platform without a prebuilt addon gets no warning', () => {
  const missing = () => {
    throw Object.assign(new Error('no native addon for this platform'), { code: 'ERR_DOKU_CHECKOUT_NATIVE_MISSING' })
  }
  const wasm = () => ({ marker: 'wasm-api' })
  const warned = []
  const warn = (msg, opts) => warned.push(opts.code)
  const onFreeBsd = () => ({ key: 'freebsd-x64' })
  const api = loadBackend({ env: {}, native: missing, wasm, warn, platform: onFreeBsd })
  assert.equal(api.backend, 'wasm')
  assert.equal(api.marker, 'wasm-api')
  assert.deepEqual(warned, [])
  for (const code of ['ERR_DOKU_CHECKOUT_NATIVE_BROKEN', 'ERR_DOKU_CHECKOUT_NATIVE_VERSION']) {
    const broken = () => {
      throw Object.assign(new Error('broken'), { code })
    }
    assert.throws(() => loadBackend({ env: {}, native: broken, wasm, warn }), (e) => e.code === code)
  }
})
