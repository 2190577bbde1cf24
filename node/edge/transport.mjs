// Sends one call's attempts with the runtime's fetch. The core's call (WasmCall) signs each
// attempt and decides what every answer or failure means, whether to retry and how long to
// wait; this file only moves bytes, keeps the timers, and names how a fetch failed.
import { toDokuError } from '../errors.mjs'

/** Error codes (Node's undici, Bun) and message fragments (Deno, workerd) of a refused connection. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT', 'ConnectionRefused', 'FailedToOpenSocket'])
const CONNECT_TEXT = /bad port|connection refused|econnrefused|tcp connect error|dns error|failed to lookup|name or service not known|unable to connect/i
const TLS_TEXT = /certificate|cert_|self[-_ ]signed|ssl|tls|handshake/i

function causes(err) {
  const chain = []
  for (let e = err, i = 0; e && i < 5; e = e.cause, i += 1) chain.push(e)
  return chain
}

/** How a fetch failed, in the core's terms: `tls`, `connect_failed` or `connection_lost`, with its detail. */
export function classifyFetchError(err) {
  const chain = causes(err)
  const detail = chain.map((e) => [e.code, e.message].filter(Boolean).join(' ')).filter(Boolean).join(': ') || String(err)
  if (chain.some((e) => TLS_TEXT.test(String(e.code ?? '')) || TLS_TEXT.test(String(e.message ?? '')))) return { kind: 'tls', detail }
  if (chain.some((e) => CONNECT_CODES.has(e.code) || CONNECT_TEXT.test(String(e.message ?? '')))) return { kind: 'connect_failed', detail }
  // Anything else may have happened after the request left: the core treats it as a broken
  // connection (the outcome is unknown, retried with the same Request-Id).
  // Node's fetch (undici) cannot wait through an interim 1xx answer the way the other clients
  // do (they wait, and time out on an endless one): it fails it at once as a "bad response".
  if (chain.some((e) => e.code === 'UND_ERR_SOCKET' && /bad response/i.test(String(e.message ?? '')))) {
    return { kind: 'connection_lost', detail: `${detail} (an answer this runtime's fetch cannot read, such as an interim 1xx status)` }
  }
  return { kind: 'connection_lost', detail }
}

/** Flat `[name, value, ...]` → `[[name, value], ...]` (what fetch takes; cheaper than a Headers). */
function headersOf(flat) {
  const pairs = []
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]])
  return pairs
}

function pairsOf(headers) {
  const flat = []
  for (const [name, value] of headers) flat.push(name, value)
  return flat
}

/** Reads at most `cap` bytes; `{ body }` or `{ tooLarge: head }`. */
async function readCapped(response, cap) {
  const declaredText = response.headers.get('content-length')
  const declared = declaredText === null ? NaN : Number(declaredText)
  if (declared > cap) {
    await response.body?.cancel().catch(() => {})
    return { tooLarge: new Uint8Array(0) }
  }
  // A declared length within the cap bounds the body (fetch fails a longer one): read it whole.
  if (Number.isInteger(declared) && declared >= 0) return { body: new Uint8Array(await response.arrayBuffer()) }
  if (!response.body) return { body: new Uint8Array(0) }
  const reader = response.body.getReader()
  const chunks = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (length + value.byteLength > cap) {
      chunks.push(value.subarray(0, cap - length))
      length = cap
      await reader.cancel().catch(() => {})
      return { tooLarge: concat(chunks, length) }
    }
    chunks.push(value)
    length += value.byteLength
  }
  return { body: concat(chunks, length) }
}

function concat(chunks, length) {
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(length)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/** Waits `ms`, or until `deadlineAt` if that comes first; true when the wait ran in full. */
function sleep(ms, deadlineAt) {
  const left = deadlineAt - Date.now()
  return new Promise((resolve) => setTimeout(() => resolve(ms < left), Math.max(0, Math.min(ms, left))))
}

let unpooled
/**
 * Deno's fetch silently sends a request again when a pooled keep-alive connection turns out to
 * be closed, so one attempt can reach DOKU twice. For the state-changing POSTs (cancel, create)
 * the default transport therefore opens a fresh connection: every send is an attempt the core
 * counted. GETs keep the pool.
 */
function unpooledClient(method, custom) {
  if (custom || method !== 'POST' || typeof globalThis.Deno?.createHttpClient !== 'function') return undefined
  unpooled ??= globalThis.Deno.createHttpClient({ poolMaxIdlePerHost: 0 })
  return unpooled
}

/**
 * One attempt, bounded by the per-attempt timeout and the call's deadline (one timer, one
 * AbortController: whichever comes first): `{ status, retryAfter, headers, body }`,
 * `{ status, tooLarge }`, `{ tls }`, `{ failure, detail }` or `{ deadline: true }`.
 */
async function attempt(call, fetchImpl, deadlineAt, custom) {
  const controller = new AbortController()
  const left = deadlineAt - Date.now()
  if (left <= 0) return { deadline: true }
  const byDeadline = left <= call.timeoutMs
  let aborted = false
  const timer = setTimeout(() => {
    aborted = true
    controller.abort()
  }, Math.min(call.timeoutMs, left))
  try {
    const headers = headersOf(call.startAttempt(Math.floor(Date.now() / 1000)))
    const method = call.method
    const init = { method, headers, body: call.body, redirect: 'manual', signal: controller.signal }
    const client = unpooledClient(method, custom)
    if (client) init.client = client
    const response = await fetchImpl(call.url, init)
    const retryAfter = response.headers.get('retry-after') ?? undefined
    const received = call.wantsHeaders ? pairsOf(response.headers) : undefined
    const read = await readCapped(response, call.maxResponseBytes)
    if (read.tooLarge) return { status: response.status, tooLarge: read.tooLarge }
    return { status: response.status, retryAfter, headers: received, body: read.body }
  } catch (err) {
    if (aborted && byDeadline) return { deadline: true }
    if (aborted) return { failure: 'timed_out', detail: `no answer within ${call.timeoutMs} ms` }
    if (err?.dokuDetails) throw err
    const { kind, detail } = classifyFetchError(err)
    return kind === 'tls' ? { tls: detail } : { failure: kind, detail }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs a call to its end: attempts, the waits the core asks for, the deadline. Resolves with
 * the result object; rejects with a DokuError. `custom` is true for a caller's own fetch.
 */
export async function drive(call, fetchImpl, custom = false) {
  const deadlineAt = Date.now() + call.deadlineMs
  try {
    for (;;) {
      const outcome = await attempt(call, fetchImpl, deadlineAt, custom)
      if (outcome.deadline) throw call.deadlineError()
      if (outcome.tooLarge) throw call.tooLarge(outcome.status, outcome.tooLarge)
      if (outcome.tls !== undefined) throw call.tlsError(outcome.tls)
      const next = outcome.failure
        ? call.onFailure(outcome.failure, outcome.detail, Math.random())
        : call.onAnswer(outcome.status, outcome.retryAfter, outcome.headers, outcome.body, Math.random())
      if (typeof next !== 'number') return next
      if (!(await sleep(next, deadlineAt))) throw call.deadlineError()
    }
  } catch (err) {
    throw toDokuError(err)
  }
}
