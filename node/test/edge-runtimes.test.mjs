// The shared vectors and scenarios through doku-checkout/edge under Deno and Bun (installed
// from npm into tools/edge by `make node-edge-tools`), each against its own emulator process.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { ROOT, SCENARIOS, jsonFiles } = require('./helpers.js')
const { startEmulator } = require('./emulator.js')

const BIN = process.env.DOKU_EDGE_TOOLS ?? `${ROOT}/tools/edge/node_modules/.bin`
const RUN = fileURLToPath(new URL('./edge/run.mjs', import.meta.url))
const { client_id: clientId, secret_key: secretKey } = jsonFiles(SCENARIOS)[0].doc

const runtimes = {
  deno: [`${BIN}/deno`, 'run', '--allow-read', '--allow-net', '--allow-env', RUN],
  bun: [`${BIN}/bun`, RUN],
}

for (const [name, [cmd, ...args]] of Object.entries(runtimes)) {
  test(`vectors and scenarios through doku-checkout/edge on ${name}`, async (t) => {
    assert.ok(existsSync(cmd), `${cmd} is missing: run \`make node-edge-tools\``)
    const server = await startEmulator({ clientId, secretKey })
    try {
      const env = { ...process.env, DOKU_EMULATOR_URL: server.url, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' }
      // Not spawnSync: after one, Node sometimes never reports the emulator's own exit (seen
      // as "Promise resolution is still pending" once the emulator had exited on SIGINT).
      const run = await new Promise((resolve) => {
        const child = spawn(cmd, args, { env })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d) => (stdout += d))
        child.stderr.on('data', (d) => (stderr += d))
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
        child.on('close', (status) => {
          clearTimeout(timer)
          resolve({ status, stdout, stderr })
        })
      })
      for (const line of run.stdout.split('\n')) if (line.startsWith('#') || line.startsWith('not ok')) t.diagnostic(line.replace(/^# /, ''))
      assert.equal(run.status, 0, `${name} failed:\n${run.stdout}\n${run.stderr}`)
      const pass = Number(/^# pass (\d+)$/m.exec(run.stdout)?.[1])
      assert.ok(pass >= 240, `only ${pass} cases passed`)
      assert.match(run.stdout, /^# fail 0$/m)
      assert.match(run.stdout, /vectors and scenarios/)
    } finally {
      await server.close()
    }
  })
}
