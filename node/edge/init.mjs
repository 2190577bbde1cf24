// Not part of the public API: how an entry point hands the compiled WebAssembly module to the
// core, and the test helper doku-checkout/testing uses on the WebAssembly backend.
import * as wasm from '../wasm/doku_checkout_wasm.mjs'
import { invalidInput, toDokuError } from '../errors.mjs'
import { optStr, str, toBytes } from '../convert.mjs'
import { formatTimestamp } from './api.mjs'

let initialised = false

/** Instantiates the core from a compiled `WebAssembly.Module` (synchronous; once per realm). */
export function initialise(module) {
  if (!initialised) {
    wasm.initSync({ module })
    initialised = true
  }
}

/** The headers DOKU would send with `body` (doku-checkout/testing's signNotification). */
export function signNotificationPairs({ secretKey, clientId, body, notificationPath, requestId, timestamp }) {
  const raw = toBytes(body)
  if (raw === undefined) throw invalidInput('body', 'body must be a Uint8Array, Buffer or string')
  const ts = timestamp instanceof Date || timestamp === undefined || timestamp === null ? formatTimestamp(timestamp ?? new Date()) : timestamp
  let flatPairs
  try {
    flatPairs = wasm.wasmSignNotification(str(secretKey, 'secretKey'), str(clientId, 'clientId'), raw, str(notificationPath, 'notificationPath'), optStr(requestId, 'requestId'), str(ts, 'timestamp'))
  } catch (err) {
    throw toDokuError(err)
  }
  const pairs = []
  for (let i = 0; i + 1 < flatPairs.length; i += 2) pairs.push([flatPairs[i], flatPairs[i + 1]])
  return pairs
}
