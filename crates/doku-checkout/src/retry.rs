//! The retry decision: a pure function of what happened, the attempt count and the policy.
//!
//! Retried: connection failures, timeouts, 5xx, and 429 (honouring `Retry-After` up to the
//! maximum backoff). Never retried: any other 4xx, 409 included (it is DOKU's answer to a
//! repeated Request-Id, already final). Every attempt re-uses the same Request-Id, so a retry
//! can never cancel twice.

use std::time::Duration;

/// Retry settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2, so at most 3 attempts).
    pub max_retries: u32,
    /// First backoff (default 500 ms); doubles on each retry.
    pub initial_backoff: Duration,
    /// Backoff ceiling, also the cap on `Retry-After` (default 5 s).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 2, initial_backoff: Duration::from_millis(500), max_backoff: Duration::from_secs(5) }
    }
}

/// What one attempt ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The connection could not be made: nothing reached DOKU.
    ConnectFailed,
    /// The connection broke after the request was (maybe) sent.
    ConnectionLost,
    /// No answer within the per-attempt timeout.
    TimedOut,
    /// An HTTP answer with this status.
    Status(u16),
}

impl AttemptOutcome {
    /// The outcome as the shared vectors write it: an HTTP `status`, or a `transport` failure
    /// named `connect_failed`, `connection_lost` or `timed_out`. `None` for anything else.
    pub fn from_parts(status: Option<u16>, transport: Option<&str>) -> Option<Self> {
        match (status, transport) {
            (Some(s), _) => Some(Self::Status(s)),
            (None, Some("connect_failed")) => Some(Self::ConnectFailed),
            (None, Some("connection_lost")) => Some(Self::ConnectionLost),
            (None, Some("timed_out")) => Some(Self::TimedOut),
            _ => None,
        }
    }
}

/// Retry or stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then send the same request (same Request-Id) again.
    RetryAfter(Duration),
    /// Do not retry; the outcome is final.
    Stop,
}

impl RetryPolicy {
    /// Decides after attempt number `attempt` (1 for the first).
    ///
    /// `retry_after` is the parsed `Retry-After` header; `jitter` is a number in `[0, 1)`
    /// that spreads the backoff over 50–100 % of its nominal value (pass a random number; a
    /// fixed one in tests).
    pub fn decide(
        &self,
        attempt: u32,
        outcome: AttemptOutcome,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> RetryDecision {
        if attempt > self.max_retries {
            return RetryDecision::Stop;
        }
        let retryable = match outcome {
            AttemptOutcome::ConnectFailed | AttemptOutcome::ConnectionLost | AttemptOutcome::TimedOut => true,
            AttemptOutcome::Status(s) => s == 429 || (500..600).contains(&s),
        };
        if !retryable {
            return RetryDecision::Stop;
        }
        if let (AttemptOutcome::Status(429), Some(wait)) = (outcome, retry_after) {
            return RetryDecision::RetryAfter(wait.min(self.max_backoff));
        }
        RetryDecision::RetryAfter(self.backoff(attempt, jitter))
    }

    /// `min(initial * 2^(attempt-1), max)`, scaled into 50–100 % by `jitter`, never below
    /// half the initial backoff.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = 2u32.saturating_pow(attempt.saturating_sub(1));
        let nominal = self.initial_backoff.saturating_mul(exp).min(self.max_backoff);
        let factor = 0.5 + 0.5 * jitter.clamp(0.0, 1.0);
        nominal.mul_f64(factor)
    }
}

/// Parses a `Retry-After` value given in seconds (the HTTP-date form is ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AttemptOutcome::*;
    use RetryDecision::*;

    #[test]
    fn table() {
        let p = RetryPolicy::default();
        let ms = Duration::from_millis;
        let cases: &[(u32, AttemptOutcome, Option<Duration>, f64, RetryDecision)] = &[
            (1, Status(503), None, 1.0, RetryAfter(ms(500))),
            (2, Status(500), None, 1.0, RetryAfter(ms(1000))),
            (3, Status(500), None, 1.0, Stop),
            (1, Status(503), None, 0.0, RetryAfter(ms(250))),
            (1, ConnectFailed, None, 1.0, RetryAfter(ms(500))),
            (1, ConnectionLost, None, 1.0, RetryAfter(ms(500))),
            (1, TimedOut, None, 1.0, RetryAfter(ms(500))),
            (1, Status(429), Some(Duration::from_secs(2)), 0.3, RetryAfter(ms(2000))),
            (1, Status(429), Some(Duration::from_secs(60)), 0.3, RetryAfter(ms(5000))),
            (1, Status(429), None, 1.0, RetryAfter(ms(500))),
            (1, Status(400), None, 1.0, Stop),
            (1, Status(401), None, 1.0, Stop),
            (1, Status(404), None, 1.0, Stop),
            (1, Status(409), None, 1.0, Stop),
            (1, Status(200), None, 1.0, Stop),
        ];
        for (attempt, outcome, ra, jitter, want) in cases {
            assert_eq!(p.decide(*attempt, *outcome, *ra, *jitter), *want, "{attempt} {outcome:?}");
        }
    }

    #[test]
    fn backoff_is_capped() {
        let p = RetryPolicy { max_retries: 20, ..RetryPolicy::default() };
        assert_eq!(p.backoff(10, 1.0), Duration::from_secs(5));
        assert_eq!(p.backoff(u32::MAX, 1.0), Duration::from_secs(5));
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
