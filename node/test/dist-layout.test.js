'use strict'
// tools/dist/npm-package.js lays out the release packages (`make dist`): the platform package
// declares os/cpu/libc and holds only its addon; the main package lists every platform package
// as an optional dependency, carries no addon, and refuses a test build's type declarations.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { ROOT } = require('./helpers.js')

const tool = path.join(ROOT, 'tools', 'dist', 'npm-package.js')
const { version } = require('../package.json')
const layout = (...args) => execFileSync(process.execPath, [tool, ...args], { stdio: 'pipe' })
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'))

test('a platform package: os/cpu/libc, its addon, README and licenses', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-dist-'))
  const addon = path.join(work, 'addon.node')
  fs.writeFileSync(addon, 'not really an addon')
  layout('platform', 'linux-arm64-musl', addon, path.join(work, 'pkg'))
  const pkg = readJson(path.join(work, 'pkg', 'package.json'))
  assert.equal(pkg.name, 'doku-checkout-linux-arm64-musl')
  assert.equal(pkg.version, version)
  assert.deepEqual([pkg.os, pkg.cpu, pkg.libc], [['linux'], ['arm64'], ['musl']])
  assert.equal(pkg.main, 'doku-checkout.linux-arm64-musl.node')
  assert.deepEqual(fs.readdirSync(path.join(work, 'pkg')).sort(), ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'doku-checkout.linux-arm64-musl.node', 'package.json'])
  layout('platform', 'linux-x64-gnu', addon, path.join(work, 'gnu'))
  assert.deepEqual(readJson(path.join(work, 'gnu', 'package.json')).libc, ['glibc'])
  layout('platform', 'win32-x64-msvc', addon, path.join(work, 'win'))
  const win = readJson(path.join(work, 'win', 'package.json'))
  assert.deepEqual([win.os, win.cpu, win.libc], [['win32'], ['x64'], undefined])
  fs.rmSync(work, { recursive: true, force: true })
})

test('the main package: optional platform packages, the WebAssembly build, no addon, no dev fields; test builds are refused', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-dist-'))
  const dts = path.join(work, 'index.d.ts')
  const testBuild = fs.readFileSync(path.join(ROOT, 'node', 'native', 'index.d.ts'), 'utf8')
  fs.writeFileSync(dts, testBuild)
  // The dev WebAssembly build in node/wasm carries the conformance entry point: a test build.
  const devWasm = path.join(ROOT, 'node', 'wasm')
  assert.throws(() => layout('main', 'linux-x64-gnu', dts, devWasm, path.join(work, 'refused')), /a test build's/)
  fs.writeFileSync(dts, testBuild.replace(/^export declare function conformance.*$/m, ''))
  assert.throws(() => layout('main', 'linux-x64-gnu', dts, devWasm, path.join(work, 'refused')), /a test build's WebAssembly \(it exports conformanceRun\)/)
  const wasm = path.join(work, 'wasm')
  fs.cpSync(devWasm, wasm, { recursive: true })
  const glue = path.join(wasm, 'doku_checkout_wasm.mjs')
  fs.writeFileSync(glue, fs.readFileSync(glue, 'utf8').replaceAll('conformanceRun', 'release'))
  layout('main', 'linux-x64-gnu linux-arm64-musl', dts, wasm, path.join(work, 'main'))
  const pkg = readJson(path.join(work, 'main', 'package.json'))
  assert.deepEqual(pkg.optionalDependencies, { 'doku-checkout-linux-x64-gnu': version, 'doku-checkout-linux-arm64-musl': version })
  assert.equal(pkg.devDependencies, undefined)
  assert.equal(pkg.scripts, undefined)
  assert.ok(pkg.files.includes('README.md') && pkg.files.includes('LICENSE-MIT') && pkg.files.includes('native.js'))
  assert.ok(!pkg.files.some((f) => f.endsWith('.node')))
  for (const f of pkg.files) assert.ok(f.includes('*') || fs.existsSync(path.join(work, 'main', f)), `${f} is listed but missing`)
  for (const f of ['edge/index.mjs', 'edge/workerd.mjs', 'edge/index.d.mts', 'wasm/doku_checkout_wasm_bg.wasm', 'wasm/inline.mjs', 'errors.mjs', 'backend.js']) {
    assert.ok(fs.existsSync(path.join(work, 'main', f)), `${f} is missing from the main package`)
  }
  fs.rmSync(work, { recursive: true, force: true })
})
