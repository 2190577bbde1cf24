'use strict'
// doku-checkout for Node. The native addon when one loads; where none exists for the platform
// (or its optional package was not installed) the WebAssembly build of the same core, with the
// same API. `backend` says which ('native' or 'wasm'); backend.js says how it is chosen.

module.exports = require('./backend.js').loadBackend()
