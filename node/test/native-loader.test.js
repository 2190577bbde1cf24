'use strict'
// The addon loader: which file or package it looks for, and what it says when none loads.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const { loadNative, describePlatform, missingAddonMessage, PREBUILT } = require('../native.js')
const { version } = require('../package.json')

const notFound = (request) => Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' })
const nothingInstalled = (request) => {
  throw notFound(request)
}
const muslArm = describePlatform({ platform: 'linux', arch: 'arm64', libc: { libc: 'musl' } })

test('platform keys follow napi-rs naming', () => {
  assert.equal(describePlatform({ platform: 'linux', arch: 'x64', libc: { libc: 'gnu', glibc: '2.31' } }).key, 'linux-x64-gnu')
  assert.equal(muslArm.key, 'linux-arm64-musl')
  assert.equal(describePlatform({ platform: 'darwin', arch: 'arm64' }).key, 'darwin-arm64')
  assert.equal(describePlatform({ platform: 'win32', arch: 'x64' }).key, 'win32-x64-msvc')
  assert.ok(PREBUILT.includes('linux-arm64-musl'))
})

test('this machine is detected from the running process, and its addon loads', () => {
  const here = describePlatform()
  assert.equal(here.key, `linux-${process.arch}-${here.libc}`)
  assert.equal(typeof loadNative().nativeSignRequest, 'function')
})

test('a supported platform without its optional package: names the platform, the package and both remedies', () => {
  assert.throws(
    () => loadNative({ requireFn: nothingInstalled, env: {}, target: muslArm }),
    (err) => {
      assert.equal(err.code, 'ERR_DOKU_CHECKOUT_NATIVE_MISSING')
      assert.match(err.message, /detected linux arm64 with musl libc/)
      assert.ok(err.message.includes(`doku-checkout-linux-arm64-musl@${version}`))
      assert.match(err.message, /--omit=optional/)
      assert.match(err.message, /npm run build -- --release/)
      assert.doesNotMatch(err.message, /npm has a bug/)
      return true
    },
  )
})

test('an unsupported platform says no prebuilt addon exists and lists those that do', () => {
  const target = describePlatform({ platform: 'freebsd', arch: 'x64' })
  const message = missingAddonMessage(target)
  assert.match(message, /detected freebsd x64/)
  assert.match(message, /No prebuilt addon exists for it \(prebuilt: linux-x64-gnu, /)
  assert.match(message, /git clone/)
})

test('a glibc older than 2.17 is named as the reason', () => {
  const target = describePlatform({ platform: 'linux', arch: 'x64', libc: { libc: 'gnu', glibc: '2.12' } })
  assert.match(missingAddonMessage(target), /needs glibc 2\.17 or later/)
  const current = describePlatform({ platform: 'linux', arch: 'x64', libc: { libc: 'gnu', glibc: '2.17' } })
  assert.match(missingAddonMessage(current), /optional package doku-checkout-linux-x64-gnu@/)
})

test('an addon that is present but fails to load is a broken install, not a missing one', () => {
  const dlopen = Object.assign(new Error('libc.so.6: version `GLIBC_2.34` not found'), { code: 'ERR_DLOPEN_FAILED' })
  const requireFn = (request) => {
    if (request === 'doku-checkout-linux-arm64-musl') throw dlopen
    throw notFound(request)
  }
  assert.throws(
    () => loadNative({ requireFn, env: {}, target: muslArm }),
    (err) => err.code === 'ERR_DOKU_CHECKOUT_NATIVE_BROKEN' && err.cause === dlopen && /GLIBC_2\.34/.test(err.message),
  )
  // A package that is there but misses something it requires is broken too.
  const nested = (request) => {
    if (request === 'doku-checkout-linux-arm64-musl') throw notFound('./something-else.node')
    throw notFound(request)
  }
  assert.throws(() => loadNative({ requireFn: nested, env: {}, target: muslArm }), { code: 'ERR_DOKU_CHECKOUT_NATIVE_BROKEN' })
})

test('a platform package of another version is refused', () => {
  const requireFn = (request) => {
    if (request === 'doku-checkout-linux-arm64-musl') return {}
    if (request === 'doku-checkout-linux-arm64-musl/package.json') return { version: '0.0.1' }
    throw notFound(request)
  }
  assert.throws(() => loadNative({ requireFn, env: {}, target: muslArm }), {
    code: 'ERR_DOKU_CHECKOUT_NATIVE_VERSION',
    message: `doku-checkout ${version} needs doku-checkout-linux-arm64-musl@${version} but 0.0.1 is installed: reinstall doku-checkout.`,
  })
})

test('DOKU_CHECKOUT_NATIVE_PATH points at a self-built addon (and a wrong path is reported, not skipped)', () => {
  const key = describePlatform().key
  const addon = path.join(__dirname, '..', 'native', `doku-checkout.${key}.node`)
  const script = "process.stdout.write(typeof require('./index.js').signRequest)"
  const cwd = path.join(__dirname, '..')
  const ok = execFileSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', env: { ...process.env, DOKU_CHECKOUT_NATIVE_PATH: addon } })
  assert.equal(ok, 'function')
  assert.throws(
    () => execFileSync(process.execPath, ['-e', script], { cwd, stdio: 'pipe', env: { ...process.env, DOKU_CHECKOUT_NATIVE_PATH: '/nonexistent/x.node' } }),
    (err) => /the addon named by DOKU_CHECKOUT_NATIVE_PATH \(\/nonexistent\/x\.node\) failed to load: Cannot find module/.test(err.stderr.toString()),
  )
})
