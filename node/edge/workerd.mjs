// doku-checkout/edge on Cloudflare Workers (the `workerd` export condition). Workers refuse to
// compile WebAssembly from bytes at run time; Wrangler and Miniflare upload the .wasm import
// below as a compiled module instead.
import wasmModule from '../wasm/doku_checkout_wasm_bg.wasm'
import { initialise } from './init.mjs'

initialise(wasmModule)

export * from './api.mjs'
/** Settled once the WebAssembly core is ready; it already is when this module has loaded. */
export const ready = Promise.resolve()
