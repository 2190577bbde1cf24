'use strict'
// Traces and diagnostics of the library's own calls: OpenTelemetry spans under the caller's
// active span, one CLIENT span per HTTP attempt with OpenTelemetry's HTTP client attributes,
// diagnostics_channel messages per retry, and never a secret or a body in any of it.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')
const diagnostics = require('node:diagnostics_channel')
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const api = require('@opentelemetry/api')
const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base')
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks')
const { Client, OrderNotCancellableError } = require('../index.js')
const { MockServer } = require('../testing.js')

const CLIENT_ID = 'MCH-OTEL-NODE-1'
const SECRET = 'SK-OTEL-NODE-0123456789abcdef'
const exporter = new InMemorySpanExporter()

before(() => {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))
})

async function mock() {
  exporter.reset()
  return MockServer.start({ clientId: CLIENT_ID, secretKey: SECRET })
}

const children = (span) => exporter.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
const ms = (t) => t[0] * 1000 + t[1] / 1e6

test('a retried cancel is one call span with two attempt spans under the span active in the caller', async () => {
  const doku = await mock()
  try {
    doku.addOrder('INV-OT-1', { originalRequestId: 'co-1' })
    doku.injectFault('status', { status: 503 })
    const client = new Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: doku.url, initialBackoffMs: 5 })
    const tracer = api.trace.getTracer('shop')
    const parent = await tracer.startActiveSpan('checkout-route', async (span) => {
      await client.cancelOrder({ invoiceNumber: 'INV-OT-1', originalRequestId: 'co-1', note: 'n', requestId: 'rid-OT-1' })
      span.end()
      return span
    })
    const [call] = children(parent)
    assert.equal(call.name, 'doku.cancel_order')
    assert.equal(call.kind, api.SpanKind.INTERNAL)
    assert.equal(call.spanContext().traceId, parent.spanContext().traceId)
    assert.deepEqual(call.attributes, { 'doku.operation': 'cancel_order', 'doku.attempts': 2, 'doku.invoice_number': 'INV-OT-1', 'doku.request_id': 'rid-OT-1', 'doku.replayed': false })
    assert.deepEqual(call.events.map((e) => [e.name, e.attributes['doku.reason']]), [['doku.retry', 'HTTP 503']])
    const attempts = children(call)
    assert.deepEqual(attempts.map((s) => [s.name, s.kind]), [['POST /checkout/v3/cancellations', api.SpanKind.CLIENT], ['POST /checkout/v3/cancellations', api.SpanKind.CLIENT]])
    const port = Number(new URL(doku.url).port)
    assert.deepEqual(attempts[0].attributes, { 'http.request.method': 'POST', 'url.template': '/checkout/v3/cancellations', 'server.address': '127.0.0.1', 'server.port': port, 'http.response.status_code': 503, 'error.type': 'server_error' })
    assert.deepEqual(attempts[1].attributes, { 'http.request.method': 'POST', 'url.template': '/checkout/v3/cancellations', 'server.address': '127.0.0.1', 'server.port': port, 'http.request.resend_count': 1, 'http.response.status_code': 200 })
    assert.deepEqual(attempts.map((s) => s.status.code), [api.SpanStatusCode.ERROR, api.SpanStatusCode.UNSET])
    assert.ok(ms(call.startTime) <= ms(attempts[0].startTime) && ms(attempts[0].endTime) <= ms(attempts[1].startTime) && ms(attempts[1].endTime) <= ms(call.endTime))
  } finally {
    await doku.close()
  }
})

test('a refused cancel records its error type; a status check shows its template, not the invoice', async () => {
  const doku = await mock()
  try {
    doku.addOrder('INV-OT-2', { originalRequestId: 'co-2' })
    doku.markPaid('INV-OT-2')
    const client = new Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: doku.url })
    await assert.rejects(client.cancelByInvoice({ invoiceNumber: 'INV-OT-2', note: 'n' }), OrderNotCancellableError)
    const [call] = exporter.getFinishedSpans().filter((s) => s.name === 'doku.cancel_by_invoice')
    assert.deepEqual([call.attributes['error.type'], call.status.code], ['order_not_cancellable', api.SpanStatusCode.ERROR])
    const [attempt] = children(call)
    assert.equal(attempt.name, 'GET /orders/v1/status/{invoice_number}')
  } finally {
    await doku.close()
  }
})

test('retries reach diagnostics_channel subscribers; no span, event or message holds the secret, a signature or a body', async () => {
  const doku = await mock()
  const messages = []
  const onRetry = (m) => messages.push(['retry', m])
  const onCall = (m) => messages.push(['call', m])
  diagnostics.subscribe('doku-checkout:retry', onRetry)
  diagnostics.subscribe('doku-checkout:call', onCall)
  try {
    doku.addOrder('INV-OT-3', { originalRequestId: 'co-3' })
    doku.injectFault('status', { status: 503 })
    const client = new Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: doku.url, initialBackoffMs: 5 })
    await client.cancelOrder({ invoiceNumber: 'INV-OT-3', originalRequestId: 'co-3', note: 'a private note', requestId: 'rid-OT-3' })
    await client.createCheckout({ invoiceNumber: 'INV-OT-4', amount: 10000 })
    await client.orderStatus('INV-OT-4')
    assert.deepEqual(messages[0], ['retry', { operation: 'cancel_order', invoiceNumber: 'INV-OT-3', requestId: 'rid-OT-3', attempt: 1, waitMs: messages[0][1].waitMs, reason: 'HTTP 503' }])
    assert.ok(messages[0][1].waitMs > 0)
    assert.deepEqual(messages.filter(([k]) => k === 'call').map(([, m]) => [m.operation, m.attempts, m.ok, m.errorCode]), [['cancel_order', 2, true, null], ['create_checkout', 1, true, null], ['order_status', 1, true, null]])
    const spans = exporter.getFinishedSpans()
    assert.equal(spans.length, 7) // three calls, four attempts
    const text = JSON.stringify([messages, spans.map((s) => [s.name, s.attributes, s.events])])
    for (const forbidden of [SECRET, 'HMACSHA256', 'a private note', '"order"', 'co-3']) assert.ok(!text.includes(forbidden), forbidden)
  } finally {
    diagnostics.unsubscribe('doku-checkout:retry', onRetry)
    diagnostics.unsubscribe('doku-checkout:call', onCall)
    await doku.close()
  }
})

test('with nothing registered and nobody subscribed, a call records nothing', () => {
  const script = `
    const observe = require(${JSON.stringify(path.join(__dirname, '..', 'observe.js'))})
    require('@opentelemetry/api') // installed, but no provider registered
    if (observe.begin('cancel_order', 'INV-1') !== null) throw new Error('traced with nothing configured')
    const diagnostics = require('node:diagnostics_channel')
    diagnostics.subscribe('doku-checkout:retry', () => {})
    if (observe.begin('cancel_order', 'INV-1') === null) throw new Error('a subscriber must be served')
    console.log('ok')`
  assert.equal(execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' }).trim(), 'ok')
})
