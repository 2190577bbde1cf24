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
