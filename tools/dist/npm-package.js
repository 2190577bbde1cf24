'use strict'
// Lays out one npm package for `npm pack` (napi-rs's release layout):
//   node npm-package.js platform <key> <addon.node> <out-dir>
//   node npm-package.js main "<key> <key> ..." <native/index.d.ts> <wasm-dir> <out-dir>
// The platform package holds one addon and declares os/cpu/libc, so npm installs only the one
// that matches; the main package lists them all as optionalDependencies and carries the
// release WebAssembly build (<wasm-dir>: the doku-checkout/edge core and the fallback).
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..', '..')
const NODE = path.join(ROOT, 'node')
const main = JSON.parse(fs.readFileSync(path.join(NODE, 'package.json'), 'utf8'))
const LICENSES = ['LICENSE-MIT', 'LICENSE-APACHE']
const common = {
  version: main.version,
  license: main.license,
  repository: { type: 'git', url: 'git+https://github.com/doku-checkout/doku-checkout.git', directory: 'node' },
  homepage: 'https://github.com/doku-checkout/doku-checkout/tree/main/node#readme',
  engines: main.engines,
}

function fresh(dir) {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  for (const f of LICENSES) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f))
}

const write = (dir, json) => fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(json, null, 2)}\n`)

function platformPackage(key, addon, out) {
  const [os, cpu, libc] = key.split('-')
  const file = `doku-checkout.${key}.node`
  fresh(out)
  fs.copyFileSync(addon, path.join(out, file))
  fs.writeFileSync(
    path.join(out, 'README.md'),
    `# doku-checkout-${key}\n\nThe native addon of [doku-checkout](https://www.npmjs.com/package/doku-checkout) for ${key}` +
      `${libc === 'gnu' ? ' (glibc 2.17 or later)' : ''}. Install \`doku-checkout\`, not this package: npm picks the right one.\n`,
  )
  write(out, {
    name: `doku-checkout-${key}`,
    ...common,
    description: `The ${key} native addon of doku-checkout`,
    main: file,
    files: [file, 'README.md', ...LICENSES],
    os: [os],
    cpu: [cpu],
    ...(os === 'linux' ? { libc: [libc === 'gnu' ? 'glibc' : 'musl'] } : {}),
  })
}

/** The package's `files` entries as paths: `dir/*.ext` patterns expanded against `from`. */
function expand(entries, from) {
  return entries.flatMap((f) => {
    const star = f.indexOf('*')
    if (star < 0) return [f]
    const dir = path.dirname(f)
    const suffix = f.slice(star + 1)
    return fs.readdirSync(path.join(from, dir)).filter((name) => name.endsWith(suffix)).map((name) => `${dir}/${name}`)
  })
}

function mainPackage(keys, dts, wasmDir, out) {
  fresh(out)
  const files = main.files.filter((f) => !f.endsWith('.node'))
  const glue = fs.readFileSync(path.join(wasmDir, 'doku_checkout_wasm.mjs'), 'utf8')
  if (glue.includes('conformanceRun')) throw new Error(`${wasmDir} is a test build's WebAssembly (it exports conformanceRun)`)
  for (const f of expand(files, NODE)) {
    if (f === 'native/index.d.ts') continue
    const from = f.startsWith('wasm/') ? path.join(wasmDir, f.slice('wasm/'.length)) : path.join(NODE, f)
    fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true })
    fs.copyFileSync(from, path.join(out, f))
  }
  fs.mkdirSync(path.join(out, 'native'), { recursive: true })
  fs.copyFileSync(dts, path.join(out, 'native', 'index.d.ts'))
  if (fs.readFileSync(dts, 'utf8').includes('conformance')) throw new Error(`${dts} is a test build's (it declares conformance)`)
  fs.copyFileSync(path.join(NODE, 'README.md'), path.join(out, 'README.md'))
  const { devDependencies, scripts, napi, ...rest } = main
  write(out, {
    ...rest,
    ...common,
    files: [...files, 'README.md', ...LICENSES],
    optionalDependencies: Object.fromEntries(keys.map((k) => [`doku-checkout-${k}`, main.version])),
  })
}

const [mode, ...args] = process.argv.slice(2)
if (mode === 'platform' && args.length === 3) platformPackage(...args)
else if (mode === 'main' && args.length === 4) mainPackage(args[0].split(' '), ...args.slice(1))
else throw new Error('usage: npm-package.js platform <key> <addon> <out> | main "<keys>" <index.d.ts> <wasm-dir> <out>')
