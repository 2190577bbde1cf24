// The shared vectors and scenarios through any doku-checkout API object, with nothing but
// web-standard APIs: the same file runs under Node, Deno and Bun (run.mjs) and in node --test.
// Scenarios talk to a running emulator (`doku-checkout mock`) through its /_mock/ controls.

const camel = (s) => s.replace(/_([a-z])/g, (_, ch) => ch.toUpperCase())

function camelArgs(args) {
  if (Array.isArray(args)) return args.map(camelArgs)
  if (args && typeof args === 'object') return Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), camelArgs(v)]))
  return args
}

function fail(message) {
  throw new Error(message)
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) fail(`${what}: expected ${e}, got ${a}`)
}

function sameJson(actual, expected, what) {
  const canon = (v) => (v && typeof v === 'object' ? (Array.isArray(v) ? v.map(canon) : Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]))) : v)
  equal(canon(actual), canon(expected), what)
}

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Decodes a vector body: null, {b64}, {hex} or {repeat: {hex, count}}. */
export function bodyFromSpec(spec) {
  if (spec === null || spec === undefined) return undefined
  if (spec.b64 !== undefined) return Uint8Array.from(atob(spec.b64), (c) => c.charCodeAt(0))
  if (spec.hex !== undefined) return hexBytes(spec.hex)
  if (spec.repeat) {
    const unit = hexBytes(spec.repeat.hex)
    const out = new Uint8Array(unit.length * spec.repeat.count)
    for (let i = 0; i < spec.repeat.count; i += 1) out.set(unit, i * unit.length)
    return out
  }
  fail(`unknown body spec ${JSON.stringify(spec)}`)
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

function checkError(dc, err, want) {
  if (!(err instanceof dc.DokuError)) fail(`not a DokuError: ${err?.stack ?? err}`)
  if (!(err instanceof dc.ERROR_CLASSES[want.code])) fail(`${err.name} is not ${want.code}`)
  equal(err.code, want.code, 'code')
  for (const k of ['reason', 'field', 'retryable']) if (k in want) equal(err[k], want[k], k)
}

const operations = {
  sign_request(dc, inp, expect) {
    const body = bodyFromSpec(inp.body)
    const args = { clientId: inp.client_id, requestId: inp.request_id, timestamp: inp.timestamp, requestTarget: inp.request_target, body }
    equal(dc.signingString(args), expect.string_to_sign, 'string_to_sign')
    equal(dc.signRequest({ ...args, secretKey: inp.secret_key }), expect.signature, 'signature')
    equal(body === undefined ? null : dc.computeDigest(body), expect.digest, 'digest')
  },
  async verify_notification(dc, inp, expect) {
    const body = bodyFromSpec(inp.body)
    const headers = Object.fromEntries(inp.headers)
    const parsed = dc.verifyNotification({ secretKey: inp.secret_key, headers, body, notificationPath: inp.notification_path, tolerance: inp.tolerance_seconds ?? undefined, now: inp.now ?? undefined })
    equal(await sha256Hex(body), expect.body_sha256, 'body_sha256')
    sameJson(parsed, JSON.parse(new TextDecoder().decode(body)), 'parsed body')
  },
  verify_response(dc, inp) {
    dc.verifyResponse({ secretKey: inp.secret_key, clientId: inp.sent_client_id, requestId: inp.sent_request_id, requestTarget: inp.request_target, headers: inp.headers, body: bodyFromSpec(inp.body), withDigest: inp.with_digest })
  },
  format_timestamp(dc, inp, expect) {
    equal(dc.formatTimestamp(new Date(inp.unix * 1000 + 999)), expect.text, 'text')
  },
  client_config(dc, inp, expect) {
    const options = Object.fromEntries(Object.entries(inp.options).map(([k, v]) => [camel(k), v]))
    const client = new dc.Client({ clientId: inp.client_id, secretKey: inp.secret_key, ...options })
    equal(client.baseUrl, expect.settings.base_url, 'baseUrl')
    sameJson(JSON.parse(dc._conformance('client_config', JSON.stringify(inp))), { ok: expect.settings }, 'settings')
  },
  order_lifecycle(dc, inp, expect) {
    equal(dc.orderLifecycle({ transactionStatus: inp.transaction_status, orderStatus: inp.order_status }), expect.state, 'state')
  },
  lifecycle_transition(dc, inp, expect) {
    const t = dc.lifecycleTransition({ stored: inp.stored, transactionStatus: inp.observed.transaction_status, orderStatus: inp.observed.order_status })
    sameJson(t, { outcome: expect.outcome, state: expect.state }, 'transition')
  },
  cancel_support(dc, inp, expect) {
    equal(dc.cancelSupport(inp.payment_method_type), expect.support, 'support')
  },
}

/** Every case of every vector file as `{ name, run() }`; `files` are `{ name, doc }`. */
export function vectorCases(dc, files) {
  const cases = []
  for (const { name, doc } of files) {
    for (const group of doc.groups) {
      for (const kase of group.cases) {
        cases.push({
          name: `${name}/${kase.id}`,
          async run() {
            const fn = operations[group.operation]
            if (!fn) {
              // Not public in JavaScript: the core decides, through its one test entry point.
              const out = JSON.parse(dc._conformance(group.operation, JSON.stringify(kase.input)))
              if (kase.expect.error) {
                if (!out.error) fail(JSON.stringify(out))
                for (const [k, v] of Object.entries(kase.expect.error)) equal(out.error[k], v, k)
              } else {
                sameJson(out, { ok: kase.expect }, 'outcome')
              }
            } else if (kase.expect.error) {
              let thrown
              try {
                await fn(dc, kase.input, kase.expect)
              } catch (err) {
                thrown = err
              }
              if (thrown === undefined) fail(`expected ${kase.expect.error.code}`)
              checkError(dc, thrown, kase.expect.error)
            } else {
              await fn(dc, kase.input, kase.expect)
            }
          },
        })
      }
    }
  }
  const total = files.reduce((n, f) => n + f.doc.number_of_cases, 0)
  if (cases.length !== total || total < 40) fail(`vector files declare ${total} cases, ${cases.length} found`)
  return cases
}

/** The emulator's /_mock/ controls over fetch (`url` may be set later, once it listens). */
export function emulator(url) {
  const control = async (method, path, body) => {
    const res = await fetch(`${doku.url}/_mock/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    if (!res.ok) fail(`emulator ${method} ${path}: HTTP ${res.status} ${text}`)
    return JSON.parse(text)
  }
  const doku = {
    url,
    /** Any control call, never failing on its status: `{ status, body }` (path from /_mock/). */
    control: async (method, path, body) => {
      const res = await fetch(`${doku.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })
      return { status: res.status, body: JSON.parse(await res.text()) }
    },
    reset: () => control('POST', 'reset'),
    setup: (setup) => control('POST', 'setup', { orders: setup?.orders ?? [], faults: setup?.faults ?? [] }),
    log: () => control('GET', 'log'),
    order: (invoice) => control('GET', `orders/${encodeURIComponent(invoice)}`),
  }
  return doku
}

function resolve(args, results) {
  if (args && typeof args === 'object' && 'from_step' in args) return results[args.from_step][camel(args.field)]
  if (args && typeof args === 'object' && !Array.isArray(args)) return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, resolve(v, results)]))
  return args
}

async function callOp(client, op, args) {
  const a = camelArgs(args)
  if (op === 'cancel_order') return client.cancelOrder(a)
  if (op === 'cancel_by_invoice') return client.cancelByInvoice(a)
  if (op === 'order_status') return client.orderStatus(a.invoiceNumber)
  if (op === 'create_checkout') {
    const r = await client.createCheckout(a)
    return { ...r, hasPaymentUrl: Boolean(r.paymentUrl), hasExpiry: r.expiresAt != null }
  }
  fail(`unknown op ${op}`)
}

/** `want` is contained in `got`: objects key by key, arrays element by element (same length). */
function subset(want, got, at) {
  if (want && typeof want === 'object' && !Array.isArray(want)) {
    if (!got || typeof got !== 'object' || Array.isArray(got)) fail(`${at}: expected an object, got ${JSON.stringify(got)}`)
    for (const [k, v] of Object.entries(want)) subset(v, got[k], `${at}.${k}`)
  } else if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) fail(`${at}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)
    want.forEach((w, i) => subset(w, got[i], `${at}[${i}]`))
  } else {
    equal(got, want, at)
  }
}

/** What the emulator delivered, each verified with this API as a merchant would. */
async function checkNotifications(dc, doc, doku, expected, n) {
  const { status, body: delivered } = await doku.control('POST', '/_mock/notifications/wait')
  equal(status, 200, `step ${n}: notifications`)
  equal(delivered.length, expected.length, `step ${n}: notifications delivered`)
  for (const [i, { header_names: names = [], verified, ...want }] of expected.entries()) {
    const got = delivered[i]
    subset(want, got, `step ${n}: notification ${i}`)
    const headers = got.attempts.at(-1).headers
    for (const name of names) if (!headers.some(([h]) => h === name)) fail(`step ${n}: no header named exactly ${name}`)
    if (verified !== undefined) {
      const body = await dc.verifyNotification({ secretKey: doc.secret_key, headers: Object.fromEntries(headers), body: got.body, notificationPath: got.path })
      subset(verified, body, `step ${n}: verified notification ${i}`)
    }
  }
}

/**
 * Every scenario as `{ name, run() }`, run one after another against `doku` (see emulator()),
 * which must accept the scenario files' client id and secret key.
 */
export function scenarioCases(dc, files, doku) {
  const all = files.flatMap(({ name, doc }) => doc.scenarios.map((sc) => ({ name, doc, sc })))
  if (all.length < 40) fail(`only ${all.length} scenarios`)
  return all.map(({ name, doc, sc }) => ({
    name: `${name}/${sc.id}`,
    async run() {
      await doku.reset()
      await doku.setup(sc.setup)
      const results = []
      for (const [n, step] of sc.steps.entries()) {
        if (step.control) {
          const { status, body } = await doku.control(step.control.method, step.control.path, step.control.body)
          equal(status, step.expect.status, `step ${n}: control ${step.control.path} answered ${JSON.stringify(body)}`)
          results.push(body)
          continue
        }
        if (step.notifications) {
          await checkNotifications(dc, doc, doku, step.notifications, n)
          results.push(null)
          continue
        }
        const args = resolve(step.call.args, results)
        let outcome = null
        let error = null
        try {
          const client = new dc.Client({ clientId: doc.client_id, secretKey: doc.secret_key, baseUrl: doku.url, ...camelArgs(sc.client) })
          outcome = await callOp(client, step.call.op, args)
        } catch (e) {
          error = e
        }
        if (step.expect.result) {
          if (error !== null) fail(`step ${n}: unexpected ${error?.stack ?? error}`)
          for (const [k, v] of Object.entries(step.expect.result)) sameJson(outcome[camel(k)], v, `step ${n}: ${k}`)
        } else {
          if (!(error instanceof dc.ERROR_CLASSES[step.expect.error.code])) fail(`step ${n}: expected ${step.expect.error.code}, got ${error ?? JSON.stringify(outcome)}`)
          if (String(error.message).includes(doc.secret_key)) fail(`step ${n}: the secret key is in the error text`)
          for (const [k, v] of Object.entries(step.expect.error)) sameJson(error[camel(k)], v, `step ${n}: error.${k}`)
        }
        results.push(outcome)
      }
      const log = await doku.log()
      const wire = sc.wire
      if ('requests' in wire) equal(log.length, wire.requests, 'requests on the wire')
      if (wire.same_request_id) equal(new Set(log.map((e) => e.request_id)).size, 1, 'distinct Request-Ids')
      if ('state_changes' in wire) equal(log.filter((e) => e.state_changed).length, wire.state_changes, 'state changes')
      if ('all_signatures_valid' in wire) equal(log.every((e) => e.signature_valid), wire.all_signatures_valid, 'all signatures valid')
      if ('paths' in wire) equal(log.map((e) => e.path), wire.paths, 'paths')
      if ('cancel_original_request_ids' in wire) {
        const quoted = log.filter((e) => e.path === '/checkout/v3/cancellations').map((e) => JSON.parse(e.body).payment.original_request_id)
        equal(quoted, wire.cancel_original_request_ids, 'original_request_id of each cancel')
      }
      for (const [invoice, state] of Object.entries(sc.final_states)) equal((await doku.order(invoice)).state, state, `final state of ${invoice}`)
    },
  }))
}
