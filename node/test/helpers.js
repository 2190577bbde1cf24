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

module.exports = { ROOT, VECTORS, SCENARIOS, jsonFiles }
