// doku-checkout/edge on Vercel Edge Functions and Next.js middleware (the `edge-light` export
// condition). The edge runtime refuses to compile WebAssembly from bytes; Next.js compiles a
// `?module` import at build time and hands over the module.
import wasmModule from '../wasm/doku_checkout_wasm_bg.wasm?module'
import { initialise } from './init.mjs'

initialise(wasmModule)

export * from './api.mjs'
/** Settled once the WebAssembly core is ready; it already is when this module has loaded. */
export const ready = Promise.resolve()
