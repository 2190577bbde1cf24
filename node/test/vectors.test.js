'use strict'
// Every case of every file in tests/vectors/ through the package entry point (the runner the
// edge tests use under Node, Deno and Bun: edge/conformance.mjs).
const { test } = require('node:test')
const dc = require('..')
const { VECTORS, jsonFiles } = require('./helpers.js')
const { vectorCases } = require('./edge/conformance.mjs')

// vectorCases checks every file was loaded and every declared case is there.
for (const c of vectorCases(dc, jsonFiles(VECTORS))) test(c.name, () => c.run())
