//! Automatic HTTP Notifications with DOKU's retry schedule, on the emulator's clock.
//!
//! When an order is paid or a payment fails, a notification is queued for the merchant's
//! notification URL and sent within a second. DOKU retries a notification that was not
//! answered with a 2xx at +30 min, +6 h and +12 h after the first one was due, then gives up
//! (`doku-api.md` §1.5); the emulator does the same, with "after" measured on its own clock, so
//! a test advances the clock instead of waiting. Every attempt of one notification carries the
//! same body and Request-Id (what a merchant de-duplicates on) and is signed afresh, with its
//! own Request-Timestamp.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::Inner;

/// When each attempt is due, in seconds after the first: DOKU's schedule.
pub const RETRY_SCHEDULE: [i64; 4] = [0, 30 * 60, 6 * 3600, 12 * 3600];
/// Deliveries kept for `GET /_mock/notifications` (the oldest finished ones are forgotten first).
pub const MAX_DELIVERIES: usize = 10_000;
/// How often the sender looks for due attempts when nothing wakes it sooner.
const TICK: Duration = Duration::from_millis(100);
/// Attempts sent at once (a clock jump may make thousands due together).
pub(crate) const MAX_SENDING: usize = 32;

/// One attempt's result.
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// When it was sent, on the emulator's clock.
    pub at: String,
    /// Seconds after the first attempt was due (0, 1800, 21600, 43200).
    pub after_seconds: i64,
    /// The endpoint's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why there was no answer (`timeout`, refused connection...), when there was none.
    pub error: Option<String>,
    /// The headers sent, names as sent.
    pub headers: Vec<(String, String)>,
}

/// One notification and its attempts.
#[derive(Clone, Debug, Serialize)]
pub struct Delivery {
    /// Order of queueing, from 1.
    pub id: u64,
    /// The order it is about.
    pub invoice_number: String,
    /// `transaction.status` in the body.
    pub transaction_status: String,
    /// Where it is sent.
    pub url: String,
    /// The path of `url`: the Request-Target it is signed with.
    pub path: String,
    /// The Request-Id every attempt carries.
    pub request_id: String,
    /// The body every attempt carries.
    pub body: String,
    /// The attempts so far.
    pub attempts: Vec<Attempt>,
    /// Answered with a 2xx.
    pub delivered: bool,
    /// No 2xx after the last attempt of the schedule.
    pub given_up: bool,
    #[serde(skip)]
    first_due: i64,
    /// When the next attempt is due (emulator clock, Unix seconds), if one is; shown as
    /// `next_attempt_at` in DOKU's timestamp form.
    #[serde(rename = "next_attempt_at", serialize_with = "as_timestamp")]
    next_due: Option<i64>,
    #[serde(skip)]
    in_flight: bool,
}

fn as_timestamp<S: serde::Serializer>(due: &Option<i64>, out: S) -> Result<S::Ok, S::Error> {
    match due {
        Some(t) => out.serialize_str(&doku_checkout::Timestamp::from_unix(*t).to_string()),
        None => out.serialize_none(),
    }
}

impl Delivery {
    /// When the next attempt is due (emulator clock), if one is.
    pub fn next_attempt_at(&self) -> Option<doku_checkout::Timestamp> {
        self.next_due.map(doku_checkout::Timestamp::from_unix)
    }

    /// A notification for a URL the emulator will not send to (not loopback): recorded with
    /// the reason, given up at once.
    pub(crate) fn unsendable(
        invoice_number: String,
        transaction_status: String,
        url: String,
        body: String,
        now: i64,
        why: &str,
    ) -> Self {
        let mut d = Self::new(invoice_number, transaction_status, url, String::new(), body, now);
        d.attempts.push(Attempt {
            number: 1,
            at: doku_checkout::Timestamp::from_unix(now).to_string(),
            after_seconds: 0,
            status: None,
            error: Some(format!("not sent: {why}")),
            headers: Vec::new(),
        });
        d.next_due = None;
        d.given_up = true;
        d
    }

    /// A notification due now (`now`, emulator clock).
    pub(crate) fn new(
        invoice_number: String,
        transaction_status: String,
        url: String,
        path: String,
        body: String,
        now: i64,
    ) -> Self {
        Self {
            id: 0,
            invoice_number,
            transaction_status,
            url,
            path,
            request_id: doku_checkout::RequestId::generate().as_str().to_owned(),
            body,
            attempts: Vec::new(),
            delivered: false,
            given_up: false,
            first_due: now,
            next_due: Some(now),
            in_flight: false,
        }
    }
}

/// The queue of notifications, newest last.
#[derive(Debug, Default)]
pub(crate) struct Deliveries {
    items: VecDeque<Delivery>,
    next_id: u64,
}

impl Deliveries {
    /// Queues a delivery; when full, forgets the oldest finished one (or refuses).
    pub fn push(&mut self, mut delivery: Delivery) -> Result<u64, String> {
        if self.items.len() >= MAX_DELIVERIES {
            match self.items.iter().position(|d| d.next_due.is_none() && !d.in_flight) {
                Some(i) => {
                    self.items.remove(i);
                }
                None => return Err(format!("TOO MANY NOTIFICATIONS IN FLIGHT: at most {MAX_DELIVERIES}")),
            }
        }
        self.next_id += 1;
        delivery.id = self.next_id;
        self.items.push_back(delivery);
        Ok(self.next_id)
    }

    /// Whether one more delivery can be queued.
    pub fn has_room(&self) -> bool {
        self.items.len() < MAX_DELIVERIES || self.items.iter().any(|d| d.next_due.is_none() && !d.in_flight)
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Every delivery, oldest first.
    pub fn list(&self) -> Vec<Delivery> {
        self.items.iter().cloned().collect()
    }

    /// The newest `n` deliveries, newest first, and how many are kept.
    pub fn newest(&self, n: usize) -> (Vec<Delivery>, usize) {
        (self.items.iter().rev().take(n).cloned().collect(), self.items.len())
    }

    /// Whether an attempt is due by `now` or being sent.
    pub fn busy(&self, now: i64) -> bool {
        self.items.iter().any(|d| d.in_flight || d.next_due.is_some_and(|t| t <= now))
    }

    /// Marks the attempts due by `now` as in flight and hands them out: `(id, attempt number,
    /// seconds after the first, url, path, request_id, body)`.
    fn take_due(&mut self, now: i64) -> Vec<Due> {
        let mut due = Vec::new();
        // One attempt in flight per order, oldest notification first: a FAILED then a SUCCESS
        // due together for one order arrive in that order, as DOKU sent them. (One waiting for
        // a later retry holds nothing back.)
        let mut busy: std::collections::HashSet<String> =
            self.items.iter().filter(|d| d.in_flight).map(|d| d.invoice_number.clone()).collect();
        for d in self.items.iter_mut() {
            if d.in_flight || d.next_due.is_none_or(|t| t > now) || !busy.insert(d.invoice_number.clone()) {
                continue;
            }
            d.in_flight = true;
            let number = d.attempts.len() as u32 + 1;
            due.push(Due {
                id: d.id,
                number,
                after_seconds: RETRY_SCHEDULE[d.attempts.len()],
                url: d.url.clone(),
                path: d.path.clone(),
                request_id: d.request_id.clone(),
                body: d.body.clone(),
            });
        }
        due
    }

    /// Records an attempt's result and schedules the next one (or ends the delivery).
    fn record(&mut self, id: u64, attempt: Attempt) {
        let Some(d) = self.items.iter_mut().find(|d| d.id == id) else { return };
        d.in_flight = false;
        let ok = attempt.status.is_some_and(|s| (200..300).contains(&s));
        d.attempts.push(attempt);
        d.delivered = ok;
        d.next_due = match RETRY_SCHEDULE.get(d.attempts.len()) {
            Some(after) if !ok => Some(d.first_due + after),
            _ => None,
        };
        d.given_up = !ok && d.next_due.is_none();
    }
}

struct Due {
    id: u64,
    number: u32,
    after_seconds: i64,
    url: String,
    path: String,
    request_id: String,
    body: String,
}

/// Sends due attempts until the emulator stops: wakes every [`TICK`], or at once when a
/// notification is queued or the clock moves; at most [`MAX_SENDING`] at once.
pub(crate) async fn run(inner: Arc<Inner>) {
    let sending = Arc::new(tokio::sync::Semaphore::new(MAX_SENDING));
    loop {
        let due = inner.deliveries().take_due(inner.clock.unix());
        for d in due {
            let inner = Arc::clone(&inner);
            let Ok(permit) = Arc::clone(&sending).acquire_owned().await else { return };
            tokio::spawn(async move {
                let _permit = permit;
                let at = inner.clock.now();
                let sent = crate::notify::post(&inner, &d.url, &d.path, &d.request_id, &d.body, at).await;
                let attempt = Attempt {
                    number: d.number,
                    at: at.to_string(),
                    after_seconds: d.after_seconds,
                    status: sent.status,
                    error: sent.error,
                    headers: sent.headers,
                };
                inner.deliveries().record(d.id, attempt);
                inner.wake.notify_one();
            });
        }
        let _ = tokio::time::timeout(TICK, inner.wake.notified()).await;
    }
}

/// Waits (at most `limit`) until no attempt is due or being sent.
pub(crate) async fn settle(inner: &Inner, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if !inner.deliveries().busy(inner.clock.unix()) {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        inner.wake.notify_one();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(status: Option<u16>) -> Attempt {
        Attempt { number: 0, at: String::new(), after_seconds: 0, status, error: None, headers: Vec::new() }
    }

    #[test]
    fn a_failing_endpoint_is_retried_on_dokus_schedule_then_given_up() {
        let mut q = Deliveries::default();
        let id = q
            .push(Delivery::new("I".into(), "SUCCESS".into(), "u".into(), "/p".into(), "{}".into(), 1000))
            .expect("push");
        let mut seen = Vec::new();
        for now in [1000, 1000 + 1800, 1000 + 21600, 1000 + 43200] {
            assert!(q.take_due(now - 1).is_empty(), "not due before {now}");
            let due = q.take_due(now);
            assert_eq!(due.len(), 1, "due at {now}");
            assert!(q.take_due(now).is_empty(), "in flight, not handed out twice");
            seen.push(due[0].after_seconds);
            q.record(id, attempt(Some(500)));
        }
        assert_eq!(seen, RETRY_SCHEDULE);
        let d = &q.list()[0];
        assert!(d.given_up && !d.delivered && d.next_attempt_at().is_none());
        assert!(q.take_due(i64::MAX).is_empty(), "nothing after the last retry");
    }

    #[test]
    fn a_2xx_ends_the_delivery_and_one_order_has_one_attempt_in_flight() {
        let mut q = Deliveries::default();
        let new = |status: &str| Delivery::new("I".into(), status.into(), "u".into(), "/p".into(), "{}".into(), 0);
        let first = q.push(new("FAILED")).expect("push");
        let second = q.push(new("SUCCESS")).expect("push");
        let due = q.take_due(0);
        assert_eq!(due.iter().map(|d| d.id).collect::<Vec<_>>(), [first], "the older one first, alone");
        q.record(first, attempt(None));
        let due = q.take_due(0);
        assert_eq!(due.iter().map(|d| d.id).collect::<Vec<_>>(), [second], "a retry waiting holds nothing back");
        q.record(second, attempt(Some(200)));
        assert_eq!(q.take_due(1800).len(), 1);
        q.record(first, attempt(Some(204)));
        let d = &q.list()[0];
        assert!(d.delivered && !d.given_up && d.attempts.len() == 2);
        assert!(!q.busy(i64::MAX));
    }

    #[test]
    fn an_unsendable_url_is_recorded_and_given_up() {
        let d = Delivery::unsendable(
            "I".into(),
            "SUCCESS".into(),
            "https://shop.example/n".into(),
            "{}".into(),
            0,
            "not loopback",
        );
        assert!(d.given_up && d.next_attempt_at().is_none());
        assert_eq!(d.attempts[0].error.as_deref(), Some("not sent: not loopback"));
    }
}
