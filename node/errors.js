'use strict'
// The error classes for CommonJS: the very objects of errors.mjs (require() of an ES module,
// Node 20.19 or later), so `instanceof` holds across both module systems and both backends.
module.exports = require('./errors.mjs')
