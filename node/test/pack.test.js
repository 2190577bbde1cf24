'use strict'
// `npm pack` produces a package that installs into an empty folder and works with require and import.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

test('npm pack → npm install into an empty folder → require and import', () => {
  const pkgDir = path.resolve(__dirname, '..')
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-pack-'))
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  // This checkout is a test build: packed through the prepack check's override, as a developer
  // trying it in another project would.
  const env = { ...process.env, DOKU_CHECKOUT_PACK_DEV_BUILD: '1' }
  const tarball = execFileSync(npm, ['pack', '--silent', '--pack-destination', work], { cwd: pkgDir, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()
  const app = path.join(work, 'app')
  fs.mkdirSync(app)
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(work, tarball)], { cwd: app, stdio: 'pipe' })
  const sign = "signRequest({ clientId: 'MCH-0001-10791114622547', secretKey: 'SK-TEST-ONLY-0123456789', requestId: 'd895fb53-479c-4f77-a76a-ab81b40d77cb', timestamp: '2020-08-11T08:45:42Z', requestTarget: '/orders/v1/status/INV-123123-12313' })"
  const expected = 'HMACSHA256=i0P1zaM2J+dMqTB3+KLiq2ZT88tjbVBZPKPDlHBM8dg='
  const cjs = execFileSync(process.execPath, ['-e', `const { signRequest } = require('doku-checkout'); require('doku-checkout/express').dokuNotification({ secretKey: 'k' }); process.stdout.write(${sign})`], { cwd: app, encoding: 'utf8' })
  assert.equal(cjs, expected)
  const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `import { signRequest } from 'doku-checkout'; import { MockServer, signNotification } from 'doku-checkout/testing'; import { dokuNotification } from 'doku-checkout/express'; dokuNotification({ secretKey: 'k' }); signNotification({ secretKey: 'k', clientId: 'c', body: '{}', notificationPath: '/n' }); const d = await MockServer.start(); await d.close(); process.stdout.write(${sign})`], { cwd: app, encoding: 'utf8' })
  assert.equal(esm, expected)
  fs.rmSync(work, { recursive: true, force: true })
})
