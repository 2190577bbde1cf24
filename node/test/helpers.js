'use strict'
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..', '..')
const VECTORS = path.join(ROOT, 'tests', 'vectors')
const SCENARIOS = path.join(ROOT, 'tests', 'scenarios')

function jsonFiles(dir) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, doc: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }))
}

/** Decodes a vector body: null, {b64}, {hex} or {repeat: {hex, count}}. */
function bodyFromSpec(spec) {
  if (spec === null || spec === undefined) return undefined
  if (spec.b64 !== undefined) return Buffer.from(spec.b64, 'base64')
  if (spec.hex !== undefined) return Buffer.from(spec.hex, 'hex')
  if (spec.repeat) return Buffer.alloc(spec.repeat.count, Buffer.from(spec.repeat.hex, 'hex'))
  throw new Error(`unknown body spec ${JSON.stringify(spec)}`)
}

module.exports = { ROOT, VECTORS, SCENARIOS, jsonFiles, bodyFromSpec }
