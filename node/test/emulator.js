'use strict'
// The emulator as a process (`doku-checkout mock`), for tests that cannot use the in-process
// MockServer: the WebAssembly backend and the other runtimes. DOKU_CLI names the binary
// (default: the workspace's debug build).
const { spawn } = require('node:child_process')
const path = require('node:path')
const { ROOT } = require('./helpers.js')

const CLI = process.env.DOKU_CLI ?? path.join(ROOT, 'target', 'debug', 'doku-checkout')

/** Starts an emulator on a free port; resolves to `{ url, close() }`. */
function startEmulator({ clientId, secretKey }) {
  const child = spawn(CLI, ['mock', '--port', '0', '--client-id', clientId], {
    env: { ...process.env, DOKU_SECRET_KEY: secretKey },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the emulator (${CLI}) exited with ${code} before listening`)))
    child.stdout.on('data', (chunk) => {
      out += chunk
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) {
        child.removeAllListeners('exit')
        resolve({
          url: m[1],
          close: () =>
            new Promise((done) => {
              child.once('exit', done)
              child.kill('SIGINT')
            }),
        })
      }
    })
  })
}

module.exports = { startEmulator, CLI }
