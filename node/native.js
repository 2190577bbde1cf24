'use strict'
// Loads the native addon built for this platform. Releases ship it in one optional package per
// platform (doku-checkout-linux-x64-gnu, ...), npm installs only the one whose os/cpu/libc
// match; a development checkout has it in ./native/. When none can be loaded the error says
// which platform was detected, which package it needs and how to build it from source.

const path = require('node:path')
const { version } = require('./package.json')

/** The platforms the release workflow builds an addon for. */
const PREBUILT = [
  'linux-x64-gnu',
  'linux-arm64-gnu',
  'linux-x64-musl',
  'linux-arm64-musl',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64-msvc',
]

const OLDEST_GLIBC = [2, 17]
const REPOSITORY = 'https://github.com/doku-checkout/doku-checkout'

/** The C library of this Linux process: 'gnu' with its version, or 'musl'. */
function detectLibc() {
  const report = process.report
  const before = report.excludeNetwork
  report.excludeNetwork = true
  try {
    const glibc = report.getReport().header.glibcVersionRuntime
    return glibc ? { libc: 'gnu', glibc } : { libc: 'musl' }
  } finally {
    report.excludeNetwork = before
  }
}

/**
 * What this process runs on, in napi-rs's naming: `{ key, description, libc?, glibc? }`.
 * `key` is the suffix of the addon's file and package name.
 */
function describePlatform({ platform = process.platform, arch = process.arch, libc } = {}) {
  if (platform === 'linux') {
    const found = libc ?? detectLibc()
    const name = found.libc === 'gnu' ? `glibc ${found.glibc}` : 'musl libc'
    return { key: `linux-${arch}-${found.libc}`, description: `linux ${arch} with ${name}`, ...found }
  }
  if (platform === 'win32') return { key: `win32-${arch}-msvc`, description: `windows ${arch}` }
  return { key: `${platform}-${arch}`, description: `${platform} ${arch}` }
}

const packageFor = (key) => `doku-checkout-${key}`

function glibcTooOld(glibc) {
  const [major, minor] = String(glibc).split('.').map(Number)
  return major < OLDEST_GLIBC[0] || (major === OLDEST_GLIBC[0] && minor < OLDEST_GLIBC[1])
}

const fromSource =
  `To build the addon from source (Rust 1.89 or later): git clone ${REPOSITORY} && ` +
  'cd doku-checkout/node && npm ci && npm run build -- --release; then point ' +
  'DOKU_CHECKOUT_NATIVE_PATH at the .node file it wrote to native/.'

/** The message for a platform with no addon that could be loaded: what, which package, what to do. */
function missingAddonMessage(target) {
  const pkg = packageFor(target.key)
  const head = `doku-checkout ${version}: no native addon for this platform (detected ${target.description}; addon ${target.key}).`
  if (!PREBUILT.includes(target.key)) {
    return `${head} No prebuilt addon exists for it (prebuilt: ${PREBUILT.join(', ')}). ${fromSource}`
  }
  if (target.libc === 'gnu' && glibcTooOld(target.glibc)) {
    return `${head} The prebuilt addon needs glibc ${OLDEST_GLIBC.join('.')} or later. ${fromSource}`
  }
  return (
    `${head} It ships in the optional package ${pkg}@${version}, which is not installed: npm skips it ` +
    'when optional dependencies are omitted (--omit=optional, --no-optional) or when the lockfile was ' +
    `written on another platform. Run \`npm install ${pkg}@${version}\` (or delete node_modules and the ` +
    `lockfile and reinstall). ${fromSource}`
  )
}

/** True when `err` says that `request` itself (not something it requires) was not found. */
function isNotFound(err, request) {
  return err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${request}'`)
}

/** A found addon that fails to load is a broken install, never a missing one: say so, keep the cause. */
function brokenAddon(what, err) {
  const e = new Error(`doku-checkout ${version}: ${what} failed to load: ${err.message}`)
  e.code = 'ERR_DOKU_CHECKOUT_NATIVE_BROKEN'
  e.cause = err
  return e
}

/**
 * The addon: $DOKU_CHECKOUT_NATIVE_PATH, else ./native/doku-checkout.<key>.node (a source
 * checkout), else the platform package (a release install). `requireFn` is for tests.
 */
function loadNative({ requireFn = require, env = process.env, target = describePlatform() } = {}) {
  const override = env.DOKU_CHECKOUT_NATIVE_PATH
  if (override) {
    try {
      return requireFn(path.resolve(override))
    } catch (err) {
      throw brokenAddon(`the addon named by DOKU_CHECKOUT_NATIVE_PATH (${override})`, err)
    }
  }
  const local = path.join(__dirname, 'native', `doku-checkout.${target.key}.node`)
  try {
    return requireFn(local)
  } catch (err) {
    if (!isNotFound(err, local)) throw brokenAddon(`the native addon at ${local} was found but`, err)
  }
  const pkg = packageFor(target.key)
  let addon
  try {
    addon = requireFn(pkg)
  } catch (err) {
    if (!isNotFound(err, pkg)) throw brokenAddon(`the native addon package ${pkg} was found but`, err)
    const missing = new Error(missingAddonMessage(target))
    missing.code = 'ERR_DOKU_CHECKOUT_NATIVE_MISSING'
    throw missing
  }
  const found = requireFn(`${pkg}/package.json`).version
  if (found !== version) {
    const e = new Error(`doku-checkout ${version} needs ${pkg}@${version} but ${found} is installed: reinstall doku-checkout.`)
    e.code = 'ERR_DOKU_CHECKOUT_NATIVE_VERSION'
    throw e
  }
  return addon
}

let loaded
/** The addon for this process, loaded once. */
const nativeAddon = () => (loaded ??= loadNative())

module.exports = { nativeAddon, loadNative, describePlatform, missingAddonMessage, packageFor, PREBUILT }
