'use strict'
// Chooses the backend of the main entry point.
//
// DOKU_CHECKOUT_BACKEND=auto (default): the native addon; the WebAssembly build only when no
// addon is present for this platform (ERR_DOKU_CHECKOUT_NATIVE_MISSING: an unsupported
// platform, or an optional package npm did not install). An addon that is present but fails to
// load (ERR_DOKU_CHECKOUT_NATIVE_BROKEN: wrong architecture, too old a glibc, a corrupt file)
// or has another version is never papered over: the error is thrown. On a platform that has a
// prebuilt addon the fallback also emits a warning (DOKU_CHECKOUT_WASM_FALLBACK) naming the
// package to install. `native` never falls back; `wasm` always uses the WebAssembly build.

const fs = require('node:fs')
const path = require('node:path')
const errors = require('./errors.js')
const { loadNative, describePlatform, packageFor, PREBUILT } = require('./native.js')

const CHOICES = ['auto', 'native', 'wasm']
const WASM_FILE = path.join(__dirname, 'wasm', 'doku_checkout_wasm_bg.wasm')

/** The WebAssembly API, its module compiled synchronously from the packaged file. */
function wasmApi({ file = WASM_FILE } = {}) {
  let bytes
  try {
    bytes = fs.readFileSync(file)
  } catch (err) {
    const e = new Error(`doku-checkout: the WebAssembly build (${file}) is missing: reinstall doku-checkout (${err.code ?? err.message})`)
    e.code = 'ERR_DOKU_CHECKOUT_WASM_MISSING'
    throw e
  }
  const { initialise, signNotificationPairs } = require('./edge/init.mjs')
  initialise(new WebAssembly.Module(bytes))
  return { ...require('./edge/api.mjs'), ...errors, _signNotificationPairs: signNotificationPairs }
}

/**
 * The API of the chosen backend plus `backend` ('native' | 'wasm') and `backendReason` (why
 * the WebAssembly build is in use, or null). The options are for tests.
 */
function loadBackend({ env = process.env, native = loadNative, wasm = wasmApi, warn = process.emitWarning, platform = describePlatform } = {}) {
  const choice = env.DOKU_CHECKOUT_BACKEND || 'auto'
  if (!CHOICES.includes(choice)) {
    const e = new Error(`DOKU_CHECKOUT_BACKEND must be one of ${CHOICES.join(', ')} (or unset)`)
    e.code = 'ERR_DOKU_CHECKOUT_BACKEND'
    throw e
  }
  if (choice === 'wasm') return { ...wasm(), backend: 'wasm', backendReason: 'DOKU_CHECKOUT_BACKEND=wasm' }
  let addon
  try {
    addon = native()
  } catch (err) {
    if (choice === 'native' || err.code !== 'ERR_DOKU_CHECKOUT_NATIVE_MISSING') throw err
    const api = wasm()
    const key = platform().key
    if (PREBUILT.includes(key)) {
      warn(
        `doku-checkout is using its WebAssembly build: the native addon package ${packageFor(key)} is not installed (install it for native speed, or set DOKU_CHECKOUT_BACKEND=wasm to silence this). ${err.message}`,
        { code: 'DOKU_CHECKOUT_WASM_FALLBACK' },
      )
    }
    return { ...api, backend: 'wasm', backendReason: err.message }
  }
  return { ...require('./native-api.js').nativeApi(addon), ...errors, backend: 'native', backendReason: null }
}

module.exports = { loadBackend, wasmApi }
