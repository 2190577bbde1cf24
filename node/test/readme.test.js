'use strict'
// The Node examples of the repository README run as written (each as an ES module).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { ROOT } = require('./helpers.js')

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
const section = readme.split('\n## Node\n')[1].split('\n## ')[0]
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])

test('the Node section has its four examples', () => assert.equal(blocks.length, 4))

function runBlock(i, args = []) {
  const file = path.join(__dirname, `.readme-example-${i}.mjs`)
  fs.writeFileSync(file, blocks[i])
  try {
    const env = { ...process.env }
    delete env.NODE_TEST_CONTEXT // run the example as its own test process, not as our child reporter
    return execFileSync(process.execPath, [...args, file], { cwd: __dirname, encoding: 'utf8', timeout: 60000, env })
  } finally {
    fs.rmSync(file, { force: true })
  }
}

test('cancel and status example', () => {
  const out = runBlock(0)
  assert.match(out, /^CANCELLED CANCELLED$/m)
  assert.match(out, /order_not_cancellable 400 \[ 'ORDER ALREADY PAID' \] false/)
})

test('Express notification example', () => {
  const out = runBlock(1)
  assert.match(out, /paid: INV-2003 SUCCESS/)
  assert.match(out, /^200$/m)
})

test('Fastify notification example', () => {
  const out = runBlock(2)
  assert.match(out, /fastify paid: INV-2004/)
  assert.match(out, /^200$/m)
})

test('MockServer in node --test example', () => {
  const out = runBlock(3, ['--test', '--test-reporter=tap'])
  assert.match(out, /# pass 1/)
})

test('NestJS notification example (TypeScript, compiled with tsc as printed)', () => {
  const os = require('node:os')
  const ts = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
  assert.equal(ts.length, 1)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doku-nest-'))
  const pkg = path.resolve(__dirname, '..')
  fs.mkdirSync(path.join(dir, 'node_modules'))
  for (const entry of fs.readdirSync(path.join(pkg, 'node_modules'))) {
    if (!entry.startsWith('.')) fs.symlinkSync(path.join(pkg, 'node_modules', entry), path.join(dir, 'node_modules', entry))
  }
  fs.symlinkSync(pkg, path.join(dir, 'node_modules', 'doku-checkout'))
  fs.writeFileSync(path.join(dir, 'main.ts'), ts[0])
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', experimentalDecorators: true, emitDecoratorMetadata: true, types: ['node'], outDir: 'out', skipLibCheck: true }, files: ['main.ts'] }))
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' })
    const out = execFileSync(process.execPath, [path.join(dir, 'out', 'main.js')], { cwd: dir, encoding: 'utf8', timeout: 60000 })
    assert.match(out, /nest paid: INV-2005/)
    assert.match(out, /^200$/m)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('Observability example: the call span, its two attempt spans and the retry message', () => {
  const obs = readme.split('\n## Observability')[1].split('\n## ')[0]
  const [block] = [...obs.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
  const file = path.join(__dirname, '.readme-observability.mjs')
  fs.writeFileSync(file, block)
  try {
    const env = { ...process.env }
    delete env.NODE_TEST_CONTEXT
    const r = require('node:child_process').spawnSync(process.execPath, [file], { cwd: __dirname, encoding: 'utf8', timeout: 60000, env })
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout.match(/name: 'POST \/checkout\/v3\/cancellations'/g)?.length, 2, r.stdout)
    assert.match(r.stdout, /name: 'doku\.cancel_order'/)
    assert.match(r.stdout, /'http\.request\.resend_count': 1/)
    assert.match(r.stderr, /DOKU cancel_order INV-OBS-2: attempt 1 failed \(HTTP 503\); retrying/)
  } finally {
    fs.rmSync(file, { force: true })
  }
})
