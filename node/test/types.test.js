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
