//! The emulator's own time: real time plus an offset the tests move (`POST /_mock/clock`).
//!
//! It drives what DOKU does over time: orders expiring at their due date, the notification
//! retry schedule, and the dates in bodies and notification headers. Requests are still
//! authenticated against real time (the merchant's clock is real; only DOKU's is emulated).

use std::sync::atomic::{AtomicI64, Ordering};

use doku_checkout::Timestamp;

/// The furthest a single advance may move the clock (ten years).
pub const MAX_ADVANCE_SECONDS: i64 = 10 * 366 * 24 * 3600;
/// The earliest time the clock may be set to (2000-01-01T00:00:00Z).
const EARLIEST: i64 = 946_684_800;
/// The latest time the clock may be set to (2100-01-01T00:00:00Z).
const LATEST: i64 = 4_102_444_800;

/// Real time until a test moves it; from then on, a clock that stands still between the
/// test's moves (as Stripe's test clocks do), so "advance 1800 s" lands exactly 1800 s after
/// the last move however long the test itself takes. `i64::MIN` means "running".
#[derive(Debug)]
pub(crate) struct EmulatorClock {
    frozen_at: AtomicI64,
}

const RUNNING: i64 = i64::MIN;

impl Default for EmulatorClock {
    fn default() -> Self {
        Self { frozen_at: AtomicI64::new(RUNNING) }
    }
}

impl EmulatorClock {
    /// The emulator's now, in Unix seconds.
    pub fn unix(&self) -> i64 {
        match self.frozen_at.load(Ordering::Relaxed) {
            RUNNING => Timestamp::now().unix(),
            at => at,
        }
    }

    /// The emulator's now.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_unix(self.unix())
    }

    /// How far the emulator's time is from real time, in seconds.
    pub fn offset(&self) -> i64 {
        self.unix() - Timestamp::now().unix()
    }

    /// Whether a test has moved the clock (it then stands still between moves).
    pub fn is_frozen(&self) -> bool {
        self.frozen_at.load(Ordering::Relaxed) != RUNNING
    }

    /// Moves the clock forward by `seconds` (0 to [`MAX_ADVANCE_SECONDS`]; time does not run
    /// back), and stops it there until the next move.
    pub fn advance(&self, seconds: i64) -> Result<(), String> {
        if !(0..=MAX_ADVANCE_SECONDS).contains(&seconds) {
            return Err(format!("advance_seconds must be between 0 and {MAX_ADVANCE_SECONDS}"));
        }
        let target = self.unix().saturating_add(seconds);
        if target > LATEST {
            return Err("the clock would pass 2100-01-01T00:00:00Z".to_owned());
        }
        self.frozen_at.store(target, Ordering::Relaxed);
        Ok(())
    }

    /// Sets the clock to `at` (between 2000 and 2100), and stops it there until the next move.
    pub fn set(&self, at: Timestamp) -> Result<(), String> {
        if !(EARLIEST..=LATEST).contains(&at.unix()) {
            return Err("the clock can be set between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z".to_owned());
        }
        self.frozen_at.store(at.unix(), Ordering::Relaxed);
        Ok(())
    }

    /// Back to real time (a reset).
    pub fn reset(&self) {
        self.frozen_at.store(RUNNING, Ordering::Relaxed);
    }
}

/// Whether `unix` is a time the emulator works with (2000 to 2100): order times outside it are
/// refused, so no date arithmetic can overflow.
pub(crate) fn in_range(unix: i64) -> bool {
    (EARLIEST..=LATEST).contains(&unix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_forward_only_then_stands_still_and_sets_within_bounds() {
        let clock = EmulatorClock::default();
        assert!(!clock.is_frozen());
        let before = clock.unix();
        clock.advance(1800).expect("advance");
        let moved = clock.unix();
        assert!((moved - before - 1800).abs() <= 1);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(clock.unix(), moved, "stands still between moves");
        clock.advance(1).expect("advance");
        assert_eq!(clock.unix(), moved + 1, "exactly one second later");
        assert!(clock.advance(-1).is_err());
        assert!(clock.advance(MAX_ADVANCE_SECONDS + 1).is_err());
        clock.set(Timestamp::parse("2026-01-01T00:00:00Z").expect("ts")).expect("set");
        assert_eq!(clock.unix(), 1_767_225_600);
        assert!(clock.set(Timestamp::from_unix(LATEST + 1)).is_err());
        clock.reset();
        assert!(!clock.is_frozen() && clock.offset().abs() <= 1);
    }
}
