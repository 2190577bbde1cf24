// Argument conversion shared by both backends (the native addon and the WebAssembly build):
// type checks that name the field, bodies as bytes, options as JSON for the core's strict
// readers. No Node built-ins: this also runs in edge runtimes.
import { invalidInput } from './errors.mjs'

const encoder = new TextEncoder()

/** Uint8Array | ArrayBuffer | string | undefined → Uint8Array | undefined (strings as UTF-8). */
export function toBytes(body, field = 'body') {
  if (body === undefined || body === null) return undefined
  if (body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (typeof body === 'string') {
    if (!body.isWellFormed()) throw invalidInput(field, `${field} holds a lone UTF-16 surrogate`)
    return encoder.encode(body)
  }
  throw invalidInput(
    field,
    `${field} must be the raw bytes (Uint8Array, Buffer, ArrayBuffer or string), not parsed JSON: with Express use express.raw({ type: 'application/json' }), with fetch-style requests await request.arrayBuffer()`,
  )
}

export function str(value, field) {
  if (typeof value !== 'string') throw invalidInput(field, `${field} must be a string`)
  // A lone surrogate would reach Rust as U+FFFD: refuse it rather than send altered text.
  if (!value.isWellFormed()) throw invalidInput(field, `${field} holds a lone UTF-16 surrogate`)
  return value
}

export const optStr = (value, field) => (value === undefined || value === null ? undefined : str(value, field))

export const snake = (key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/**
 * An options or input object as JSON text for the core's strict reader, its top-level keys in
 * the core's snake_case (nested values such as `extra` keep DOKU's own names). What JSON cannot
 * carry faithfully (NaN, Infinity, BigInt, functions, symbols) is refused here, naming the
 * field and never echoing the value.
 */
export function jsonOf(value, what, refuse) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refuse(what, `${what} must be an object`)
  return JSON.stringify(value, (key, v) => {
    if (key === '' && v === value) return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), x]))
    const bad = (typeof v === 'number' && !Number.isFinite(v)) || ['bigint', 'function', 'symbol'].includes(typeof v)
    if (bad) throw refuse(snake(key), `${snake(key)} must be a JSON value (a finite number, string, boolean, array or object)`)
    return v
  })
}

export function unixSeconds(value, field) {
  if (value instanceof Date) {
    const ms = value.getTime()
    if (Number.isNaN(ms)) throw invalidInput(field, `${field} is an invalid Date`)
    return Math.floor(ms / 1000)
  }
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value)
  throw invalidInput(field, `${field} must be a Date or Unix seconds`)
}

export function seconds(value, field) {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalidInput(field, `${field} must be zero or more seconds`)
  return Math.floor(value)
}

/** Node's IncomingMessage.headers (lower-case, maybe arrays), a Headers object, or pairs. */
export function headerPairs(headers) {
  if (!headers || typeof headers !== 'object') throw invalidInput('headers', 'headers must be an object of received headers')
  const entries = typeof headers.entries === 'function' && !Array.isArray(headers) ? [...headers.entries()] : Array.isArray(headers) ? headers : Object.entries(headers)
  const pairs = []
  for (const [name, value] of entries) {
    if (Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') pairs.push([String(name), v])
    } else if (typeof value === 'string') {
      pairs.push([String(name), value])
    }
  }
  return pairs
}
