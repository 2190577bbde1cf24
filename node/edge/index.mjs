// doku-checkout/edge for runtimes that may compile WebAssembly from bytes: Node, Deno, Bun,
// browsers. The module is embedded (../wasm/inline.mjs), so no file access is needed.
import { initialise } from './init.mjs'
import { wasmBase64 } from '../wasm/inline.mjs'

function bytesOf(base64) {
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i)
  return bytes
}

initialise(await WebAssembly.compile(bytesOf(wasmBase64)))

export * from './api.mjs'
/** Settled once the WebAssembly core is ready; it already is when this module has loaded. */
export const ready = Promise.resolve()
