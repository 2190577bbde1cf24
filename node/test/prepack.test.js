'use strict'
// `npm pack` from a checkout refuses a package that would break at import (wasm/ or the addon's
// files missing) or that is a debug or test build (scripts/prepack.mjs, package.json "prepack").
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const NODE = path.resolve(__dirname, '..')
const pkg = require('../package.json')

/** A package folder with every listed file present, as a release build would have them. */
function releaseLike() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-prepack-'))
  fs.copyFileSync(path.join(NODE, 'package.json'), path.join(dir, 'package.json'))
  fs.mkdirSync(path.join(dir, 'scripts'))
  fs.copyFileSync(path.join(NODE, 'scripts', 'prepack.mjs'), path.join(dir, 'scripts', 'prepack.mjs'))
  for (const entry of pkg.files) {
    const file = entry.includes('*') ? entry.replace('*', entry.startsWith('native/') ? 'doku-checkout.linux-x64-gnu' : 'index') : entry
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), 'release content')
  }
  return dir
}

const check = (dir, env = {}) =>
  spawnSync(process.execPath, [path.join(dir, 'scripts', 'prepack.mjs'), dir], { encoding: 'utf8', env: { ...process.env, DOKU_CHECKOUT_PACK_DEV_BUILD: '', ...env } })

test('a complete release layout packs', () => {
  const dir = releaseLike()
  const out = check(dir)
  assert.equal(out.status, 0, out.stderr)
  fs.rmSync(dir, { recursive: true, force: true })
})

test('a package without its WebAssembly build or the addon is refused, whatever the override', () => {
  for (const missing of ['wasm', 'native']) {
    const dir = releaseLike()
    fs.rmSync(path.join(dir, missing), { recursive: true })
    for (const env of [{}, { DOKU_CHECKOUT_PACK_DEV_BUILD: '1' }]) {
      const out = check(dir, env)
      assert.equal(out.status, 1, `${missing} missing`)
      assert.match(out.stderr, new RegExp(`refusing to pack[\\s\\S]*${missing}/\\S+ is missing`))
      assert.match(out.stderr, /npm run build -- --release/, 'says how to build a packable package')
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

/** A minimal ELF64 file whose sections are named `names` (plus the name table). */
function elf(names) {
  const all = ['', ...names, '.shstrtab']
  const strtab = Buffer.from(all.map((n) => n + '\0').join(''), 'latin1')
  const offsets = []
  let at = 0
  for (const n of all) {
    offsets.push(at)
    at += Buffer.byteLength(n, 'latin1') + 1
  }
  const shoff = 64 + strtab.length
  const out = Buffer.alloc(shoff + all.length * 64)
  out.writeUInt32BE(0x7f454c46, 0)
  out[4] = 2
  out[5] = 1
  out.writeBigUInt64LE(BigInt(shoff), 0x28)
  out.writeUInt16LE(64, 0x3a)
  out.writeUInt16LE(all.length, 0x3c)
  out.writeUInt16LE(all.length - 1, 0x3e)
  strtab.copy(out, 64)
  all.forEach((_, i) => {
    out.writeUInt32LE(offsets[i], shoff + i * 64)
    out.writeBigUInt64LE(64n, shoff + i * 64 + 0x18)
  })
  return out
}

/** A minimal WebAssembly module with one custom section named `name`. */
const wasm = (name) => Buffer.concat([Buffer.from('\0asm\x01\0\0\0', 'latin1'), Buffer.from([0, name.length + 2, name.length]), Buffer.from(name), Buffer.from([0])])

test('a release addon that mentions .debug_info as text (Rust std does) is not taken for a debug build', () => {
  const dir = releaseLike()
  fs.writeFileSync(path.join(dir, 'native/doku-checkout.linux-x64-gnu.node'), Buffer.concat([elf(['.text', '.rodata']), Buffer.from('.debug_info')]))
  fs.writeFileSync(path.join(dir, 'wasm/doku_checkout_wasm_bg.wasm'), Buffer.concat([wasm('producers'), Buffer.from('.debug_info')]))
  const out = check(dir)
  assert.equal(out.status, 0, out.stderr)
  fs.rmSync(dir, { recursive: true, force: true })
})

test('a debug or test build is refused unless DOKU_CHECKOUT_PACK_DEV_BUILD=1', () => {
  const cases = [
    ['native/doku-checkout.linux-x64-gnu.node', elf(['.text', '.debug_info']), /is a debug build/],
    ['wasm/doku_checkout_wasm_bg.wasm', wasm('.debug_info'), /is a debug build/],
    ['wasm/doku_checkout_wasm.mjs', 'export function conformanceRun() {}', /wasm\/ is a test build/],
    ['native/index.d.ts', 'export declare function conformanceRun(): string', /the addon is a test build/],
  ]
  for (const [file, content, why] of cases) {
    const dir = releaseLike()
    fs.writeFileSync(path.join(dir, file), content)
    const refused = check(dir)
    assert.equal(refused.status, 1, file)
    assert.match(refused.stderr, why)
    const allowed = check(dir, { DOKU_CHECKOUT_PACK_DEV_BUILD: '1' })
    assert.equal(allowed.status, 0, allowed.stderr)
    assert.match(allowed.stderr, /packing a development build/)
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('npm pack runs the check: this checkout (a test build) is refused', () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-prepack-npm-'))
  const out = spawnSync(npm, ['pack', '--pack-destination', work], { cwd: NODE, encoding: 'utf8', env: { ...process.env, DOKU_CHECKOUT_PACK_DEV_BUILD: '' } })
  assert.notEqual(out.status, 0)
  assert.match(out.stderr, /refusing to pack a development build/)
  assert.deepEqual(fs.readdirSync(work), [], 'no tarball was written')
  fs.rmSync(work, { recursive: true, force: true })
})
