//! The dashboard at `/_mock/ui` (loopback only, like every `/_mock/` path): the clock with a
//! control to advance it, the orders with buttons for the controls, the notification
//! deliveries with their answers and next retry, the API request log, and a form to queue a
//! fault. Server-rendered from the same state the API serves; a few lines of JavaScript post
//! to the `/_mock/` controls and reload.

use std::fmt::Write;

use bytes::Bytes;
use doku_checkout::Timestamp;
use http_body_util::Full;
use hyper::Response;

use crate::Inner;
use crate::html::{escape, page, response_with, rupiah, wib};
use crate::state::{Order, OrderState};

/// Rows shown per table (the newest); the tables say how many there are in all.
pub(crate) const MAX_ROWS: usize = 200;

/// Posts a button's `data-post` (with its `data-body`) or the clock form, then reloads; shows
/// the emulator's refusal in the status line.
const SCRIPT: &str = r#"
const say = (t) => { document.getElementById('status').textContent = t }
// After the reload: say what was done, and put the keyboard focus back where it was.
const done = JSON.parse(sessionStorage.getItem('doku-done') ?? 'null')
sessionStorage.removeItem('doku-done')
if (done) {
  say(`Done: ${done.what}`)
  const back = document.querySelector(`[data-post="${CSS.escape(done.focus)}"]`) ?? document.getElementById(done.focus)
  ;(back ?? document.getElementById('status')).focus()
}
async function post(path, body, focus) {
  const r = await fetch(path, { method: 'POST', body })
  if (r.ok) {
    sessionStorage.setItem('doku-done', JSON.stringify({ what: path.replace('/_mock/', ''), focus: focus ?? path }))
    return location.reload()
  }
  const text = await r.text()
  let m = text
  try { m = JSON.parse(text).message.join('; ') } catch {}
  say(`Refused (HTTP ${r.status}): ${m}`)
}
document.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-post]')
  if (b) post(b.dataset.post, b.dataset.body)
})
document.getElementById('clock-form').addEventListener('submit', (e) => {
  e.preventDefault()
  post('/_mock/clock', JSON.stringify({ advance_seconds: Number(document.getElementById('advance').value) }), 'advance')
})
document.getElementById('fault-form').addEventListener('submit', (e) => {
  e.preventDefault()
  const kind = document.getElementById('fault-kind').value
  const fault = { kind, count: Number(document.getElementById('fault-count').value) }
  if (kind === 'status') fault.status = Number(document.getElementById('fault-status').value)
  if (kind === 'delay' || kind === 'delay_after') fault.ms = Number(document.getElementById('fault-ms').value)
  post('/_mock/faults', JSON.stringify(fault), 'fault-kind')
})
"#;

fn order_path(invoice: &str, action: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(invoice, percent_encoding::NON_ALPHANUMERIC);
    format!("/_mock/orders/{encoded}/{action}")
}

fn button(out: &mut String, label: &str, invoice: &str, action: &str) {
    let _ = write!(
        out,
        "<button type=\"button\" class=\"small secondary\" data-post=\"{}\" aria-label=\"{label} {}\">{label}</button>",
        escape(&order_path(invoice, action)),
        escape(invoice)
    );
}

fn orders(out: &mut String, inner: &Inner, now: i64) {
    // Under the lock: only borrowed keys, a linear selection of the newest, and MAX_ROWS clones
    // (about a millisecond for 200,000 orders; a full sort would hold every request up).
    let (rows, total): (Vec<Order>, usize) = {
        let mut state = inner.state();
        let total = state.orders.len();
        let mut keys: Vec<(i64, &str)> =
            state.orders.values().map(|o| (o.created_at.unwrap_or(0), o.invoice_number.as_str())).collect();
        let newest_first = |a: &(i64, &str), b: &(i64, &str)| b.cmp(a);
        if keys.len() > MAX_ROWS {
            keys.select_nth_unstable_by(MAX_ROWS, newest_first);
            keys.truncate(MAX_ROWS);
        }
        keys.sort_unstable_by(newest_first);
        let invoices: Vec<String> = keys.into_iter().map(|(_, i)| i.to_owned()).collect();
        let rows = invoices.iter().filter_map(|i| state.order_mut(i, now).map(|o| o.clone())).collect();
        (rows, total)
    };
    let _ = write!(
        out,
        "<h2 id=\"orders-title\">Orders</h2><div class=\"scroll card\"><table aria-describedby=\"orders-title\">\
         <caption>{} of {total}, newest first</caption><thead><tr><th scope=\"col\">Invoice</th><th scope=\"col\">Amount</th>\
         <th scope=\"col\">Channel</th><th scope=\"col\">State</th><th scope=\"col\">Due</th><th scope=\"col\">Actions</th></tr></thead><tbody>",
        rows.len()
    );
    for o in &rows {
        let state = serde_json::to_value(o.state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"state\" data-invoice=\"{}\">{}</td><td>{}</td><td>",
            escape(&o.invoice_number),
            rupiah(o.amount),
            escape(o.payment_method.as_deref().unwrap_or("–")),
            escape(&o.invoice_number),
            escape(&state),
            wib(Timestamp::from_unix(o.expires_at)),
        );
        if let Some(token) = &o.token {
            let _ = write!(out, "<a href=\"{}{}\">Checkout page</a> ", crate::checkout_page::PREFIX, escape(token));
        }
        match o.state {
            OrderState::Pending | OrderState::Failed => {
                button(out, "Pay", &o.invoice_number, "pay");
                button(out, "Fail", &o.invoice_number, "fail");
                button(out, "Expire", &o.invoice_number, "expire");
            }
            OrderState::Paid => button(out, "Refund", &o.invoice_number, "refund"),
            OrderState::Expired if o.recover_abandoned_cart => button(out, "Recover", &o.invoice_number, "recover"),
            _ => {}
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn deliveries(out: &mut String, inner: &Inner) {
    let (list, total) = inner.deliveries().newest(MAX_ROWS);
    let _ = write!(
        out,
        "<h2 id=\"notifications-title\">Notifications</h2><div class=\"scroll card\"><table aria-describedby=\"notifications-title\">\
         <caption>{} of {}, newest first</caption><thead><tr><th scope=\"col\">Invoice</th><th scope=\"col\">Status</th>\
         <th scope=\"col\">URL</th><th scope=\"col\">Attempts (after, answer)</th><th scope=\"col\">Next retry</th></tr></thead><tbody>",
        list.len(),
        total
    );
    for d in &list {
        let attempts: Vec<String> = d
            .attempts
            .iter()
            .map(|a| {
                let answer = a.status.map_or_else(|| a.error.clone().unwrap_or_default(), |s| s.to_string());
                format!("+{} s: {}", a.after_seconds, answer)
            })
            .collect();
        let next = match (d.next_attempt_at(), d.delivered, d.given_up) {
            (_, true, _) => "delivered".to_owned(),
            (_, _, true) => "given up".to_owned(),
            (Some(at), _, _) => wib(at),
            (None, _, _) => "sending".to_owned(),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&d.invoice_number),
            escape(&d.transaction_status),
            escape(&d.url),
            escape(&attempts.join("; ")),
            escape(&next)
        );
    }
    out.push_str("</tbody></table></div>");
}

fn requests(out: &mut String, inner: &Inner) {
    let (log, total) = inner.traffic().log.newest(MAX_ROWS);
    let _ = write!(
        out,
        "<h2 id=\"log-title\">API requests</h2><div class=\"scroll card\"><table aria-describedby=\"log-title\">\
         <caption>{} of the {} kept, newest first</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Request</th>\
         <th scope=\"col\">Request-Id</th><th scope=\"col\">Signature</th><th scope=\"col\">Status</th><th scope=\"col\">Fault</th></tr></thead><tbody>",
        log.len(),
        total
    );
    for e in &log {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{} {}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
            e.seq,
            escape(&e.method),
            escape(&e.path),
            escape(e.request_id.as_deref().unwrap_or("–")),
            if e.signature_valid { "ok" } else { "bad" },
            if e.signature_valid { "valid" } else { "not valid" },
            e.status.map_or_else(|| "closed".to_owned(), |s| s.to_string()),
            escape(e.fault.as_deref().unwrap_or("–")),
        );
    }
    out.push_str("</tbody></table></div>");
}

const FAULT_FORM: &str = "<h2 id=\"fault-title\">Queue a fault</h2><form id=\"fault-form\" class=\"card\" aria-labelledby=\"fault-title\">\
<p><label for=\"fault-kind\">Kind</label> <select id=\"fault-kind\"><option value=\"status\">status</option>\
<option value=\"delay\">delay</option><option value=\"delay_after\">delay_after</option><option value=\"reset_before\">reset_before</option>\
<option value=\"reset_after\">reset_after</option><option value=\"malformed_json\">malformed_json</option>\
<option value=\"bad_response_signature\">bad_response_signature</option></select>\
 <label for=\"fault-status\">Status</label> <input id=\"fault-status\" type=\"number\" min=\"100\" max=\"599\" value=\"503\">\
 <label for=\"fault-ms\">Delay (ms)</label> <input id=\"fault-ms\" type=\"number\" min=\"0\" max=\"120000\" value=\"2000\">\
 <label for=\"fault-count\">For requests</label> <input id=\"fault-count\" type=\"number\" min=\"1\" max=\"10000\" value=\"1\"></p>\
<p><button type=\"submit\">Queue fault</button></p></form>";

/// `GET /_mock/ui`.
pub(crate) fn show(inner: &Inner) -> Response<Full<Bytes>> {
    let now = inner.clock.now();
    let mut body = String::with_capacity(32 * 1024);
    let _ = write!(
        body,
        "<h1>DOKU Checkout emulator</h1><p class=\"note\">{} · Client-Id <strong>{}</strong></p>\
         <p id=\"status\" role=\"status\" aria-live=\"polite\" tabindex=\"-1\"></p>\
         <h2 id=\"clock-title\">Clock</h2><form id=\"clock-form\" class=\"card\" aria-labelledby=\"clock-title\">\
         <p>Emulator time: <time id=\"clock-now\" datetime=\"{now}\">{}</time>{}</p>\
         <p><label for=\"advance\">Advance by (seconds)</label> <input id=\"advance\" type=\"number\" min=\"0\" value=\"1800\">\
         <button type=\"submit\">Advance clock</button></p></form>",
        escape(&inner.public_url()),
        escape(&inner.client_id),
        wib(now),
        if inner.clock.is_frozen() { " (moved by a test: it stands still between moves)" } else { " (real time)" },
    );
    orders(&mut body, inner, now.unix());
    deliveries(&mut body, inner);
    requests(&mut body, inner);
    body.push_str(FAULT_FORM);
    response_with(200, page("DOKU Checkout emulator", &body, SCRIPT), true)
}
