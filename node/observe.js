'use strict'
// Traces and diagnostics of the library's own calls. The HTTP happens in Rust, where Node's
// HTTP instrumentation cannot see it; the core records each attempt, how it ended and each wait,
// and this file turns the record into:
// - OpenTelemetry spans, when the application registered a tracer provider (@opentelemetry/api is
//   an optional dependency): `doku.<operation>` under the span active when the call was made, and
//   one CLIENT span per HTTP attempt with OpenTelemetry's HTTP client attributes;
// - diagnostics_channel messages: `doku-checkout:call` per finished call and `doku-checkout:retry`
//   per retry (subscribe to log them; both are published when the call settles).
// Nothing is recorded when neither is in use. No span, attribute or message holds the secret
// key, a signature or a body: the operation, invoice number, Request-Id, URL template, statuses
// and stable error codes only.

const diagnostics = require('node:diagnostics_channel')

const callChannel = diagnostics.channel('doku-checkout:call')
const retryChannel = diagnostics.channel('doku-checkout:retry')

let api // @opentelemetry/api, null when not installed
function otel() {
  if (api === undefined) {
    try {
      api = require('@opentelemetry/api')
    } catch {
      api = null
    }
  }
  return api
}

/** The application's tracer, or null when no tracer provider is registered. */
function tracer() {
  const o = otel()
  if (o === null) return null
  const provider = o.trace.getTracerProvider()
  // The global provider is a proxy; until one is registered it delegates to a no-op.
  const delegate = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider
  if (delegate?.constructor?.name === 'NoopTracerProvider') return null
  return provider.getTracer('doku-checkout', require('./package.json').version)
}

/**
 * At a call's start (in the caller's async context): what its trace needs later, or null when
 * nobody listens (then the call records nothing).
 */
function begin(operation, invoiceNumber) {
  const t = tracer()
  if (t === null && !callChannel.hasSubscribers && !retryChannel.hasSubscribers) return null
  if (typeof invoiceNumber !== 'string') invoiceNumber = null // refused by the core; no attribute of it
  return { operation, invoiceNumber, tracer: t, context: t === null ? null : api.context.active(), startTime: now() }
}

/** Wall-clock milliseconds with their fraction (what the core's event times are). */
const now = () => performance.timeOrigin + performance.now()

function fail(span, errorType) {
  span.setAttribute('error.type', errorType)
  span.setStatus({ code: api.SpanStatusCode.ERROR })
}

/** At a call's end: its spans and messages from the recorded `events` and the outcome. */
function finish(trace, events, ok, value) {
  const endTime = now()
  const attempts = events.filter((e) => e[0] === 'start').length
  // `value` is the result, or the DokuError the call rejects with: both carry requestId.
  const requestId = value?.requestId
  const errorCode = ok ? null : value?.code ?? 'doku_error'
  const base = { operation: trace.operation, invoiceNumber: trace.invoiceNumber, requestId: requestId ?? null }
  for (const e of events) {
    if (e[0] === 'retry' && retryChannel.hasSubscribers) retryChannel.publish({ ...base, attempt: e[1], waitMs: e[3], reason: e[4] })
  }
  if (callChannel.hasSubscribers) callChannel.publish({ ...base, attempts, ok, errorCode, durationMs: endTime - trace.startTime })
  if (trace.tracer !== null) spans(trace, events, { attempts, requestId, errorCode, replayed: ok ? value?.replayed : undefined, endTime })
}

function spans(trace, events, { attempts, requestId, errorCode, replayed, endTime }) {
  const attributes = { 'doku.operation': trace.operation, 'doku.attempts': attempts }
  if (trace.invoiceNumber) attributes['doku.invoice_number'] = trace.invoiceNumber
  if (requestId) attributes['doku.request_id'] = requestId
  if (typeof replayed === 'boolean') attributes['doku.replayed'] = replayed
  const call = trace.tracer.startSpan(`doku.${trace.operation}`, { kind: api.SpanKind.INTERNAL, startTime: trace.startTime, attributes }, trace.context)
  const inCall = api.trace.setSpan(trace.context, call)
  let open = null
  for (const e of events) {
    if (e[0] === 'start') {
      const [, attempt, at, , method, template, host, port] = e
      const a = { 'http.request.method': method, 'url.template': template, 'server.address': host, 'server.port': port }
      if (attempt > 1) a['http.request.resend_count'] = attempt - 1
      open = trace.tracer.startSpan(`${method} ${template}`, { kind: api.SpanKind.CLIENT, startTime: at, attributes: a }, inCall)
    } else if (e[0] === 'end' && open !== null) {
      const [, , at, status, errorType] = e
      if (status !== null && status !== undefined) open.setAttribute('http.response.status_code', status)
      if (errorType) fail(open, errorType)
      open.end(at)
      open = null
    } else if (e[0] === 'retry') {
      call.addEvent('doku.retry', { 'doku.attempt': e[1], 'doku.wait_ms': e[3], 'doku.reason': e[4] }, e[2])
    }
  }
  // An attempt still open was cut off by the call's deadline.
  if (open !== null) {
    fail(open, 'timeout')
    open.end(endTime)
  }
  if (errorCode) fail(call, errorCode)
  call.end(endTime)
}

module.exports = { begin, finish }
