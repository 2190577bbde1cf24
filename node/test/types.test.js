'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

test('index.d.ts and testing.d.ts type-check a typical usage file (tsc --noEmit)', () => {
  const tsc = require.resolve('typescript/bin/tsc')
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(__dirname, 'types')], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stdout + r.stderr)
})

test('a type error in usage is caught (the check can fail)', () => {
  const tsc = require.resolve('typescript/bin/tsc')
  const fs = require('node:fs')
  const os = require('node:os')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-ts-'))
  fs.writeFileSync(path.join(dir, 'bad.ts'), "import { Client } from 'doku-checkout'\nnew Client({ clientId: 1 })\n")
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', types: ['node'], typeRoots: [path.join(__dirname, '..', 'node_modules', '@types')], baseUrl: '.', paths: { 'doku-checkout': [path.join(__dirname, '..', 'index.d.ts')] } }, files: ['bad.ts'] }),
  )
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', dir], { encoding: 'utf8' })
  assert.notEqual(r.status, 0)
  assert.match(r.stdout, /bad\.ts\(2,\d+\): error TS2322/)
  assert.doesNotMatch(r.stdout, /index\.d\.ts/)
})

test('ESM and CommonJS consumers each resolve their own declarations through the package exports', () => {
  const fs = require('node:fs')
  const os = require('node:os')
  const pkg = path.resolve(__dirname, '..')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-esm-cjs-'))
  fs.mkdirSync(path.join(dir, 'node_modules'))
  fs.symlinkSync(pkg, path.join(dir, 'node_modules', 'doku-checkout'))
  fs.symlinkSync(path.join(pkg, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'))
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  fs.writeFileSync(path.join(dir, 'esm.mts'), [
    "import dc, { Client, type CancelOrderResult, type DokuNotification } from 'doku-checkout'",
    "import { dokuNotification } from 'doku-checkout/express'",
    "import { MockServer, signNotification } from 'doku-checkout/testing'",
    "const c: typeof Client = dc.Client",
    "const h: Record<string, string> = signNotification({ secretKey: 'k', clientId: 'c', body: '{}', notificationPath: '/n' })",
    "const r = (x: CancelOrderResult): boolean => x.replayed",
    "const n = (x: DokuNotification): unknown => x.transaction?.status",
    "void [c, h, r, n, dokuNotification, MockServer]",
  ].join('\n'))
  fs.writeFileSync(path.join(dir, 'cjs.cts'), [
    "import dc = require('doku-checkout')",
    "import express = require('doku-checkout/express')",
    "import testing = require('doku-checkout/testing')",
    "const client: InstanceType<typeof dc.Client> = new dc.Client({ clientId: 'c', secretKey: 'k', timeoutMs: 1000 })",
    "void [client, express.dokuNotification, testing.signNotification]",
  ].join('\n'))
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', types: ['node'], skipLibCheck: false }, files: ['esm.mts', 'cjs.cts'] }))
  const tsc = require.resolve('typescript/bin/tsc')
  const r = spawnSync(process.execPath, [tsc, '-p', dir, '--explainFiles'], { encoding: 'utf8' })
  fs.rmSync(dir, { recursive: true, force: true })
  assert.equal(r.status, 0, r.stdout.split('\n').filter((l) => l.includes('error')).join('\n'))
  assert.match(r.stdout, /doku-checkout\/index\.d\.mts/)
  assert.match(r.stdout, /doku-checkout\/index\.d\.ts/)
  assert.match(r.stdout, /doku-checkout\/express\.d\.mts/)
})

test('arethetypeswrong finds no problem in the packed package (every export, CJS and ESM; edge is ESM-only)', () => {
  const pkg = path.resolve(__dirname, '..')
  const attw = path.join(pkg, 'node_modules', '.bin', 'attw')
  // attw packs this checkout, a test build: through the prepack check's override.
  const env = { ...process.env, DOKU_CHECKOUT_PACK_DEV_BUILD: '1' }
  const attwRun = (...args) => spawnSync(attw, ['--pack', '.', '--format', 'ascii', ...args], { cwd: pkg, encoding: 'utf8', timeout: 120000, env })
  const main = attwRun('--exclude-entrypoints', 'edge')
  assert.equal(main.status, 0, main.stdout + main.stderr)
  assert.match(main.stdout, /No problems found/)
  // doku-checkout/edge is an ES module by design (edge runtimes load nothing else): ESM and
  // bundler resolution must be clean; node10 and require() are out of its scope.
  const edge = attwRun('--entrypoints', 'edge', '--profile', 'esm-only')
  assert.equal(edge.status, 0, edge.stdout + edge.stderr)
  assert.match(edge.stdout, /node16 \(from ESM\): 🟢 \(ESM\)/)
  assert.match(edge.stdout, /bundler: 🟢/)
})
