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

/// Real time shifted by an offset in seconds (0 until a test moves it).
#[derive(Debug, Default)]
pub(crate) struct EmulatorClock {
    offset: AtomicI64,
}

impl EmulatorClock {
    /// The emulator's now, in Unix seconds.
    pub fn unix(&self) -> i64 {
        Timestamp::now().unix().saturating_add(self.offset.load(Ordering::Relaxed))
    }

    /// The emulator's now.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_unix(self.unix())
    }

    /// How far the emulator's time is from real time, in seconds.
    pub fn offset(&self) -> i64 {
        self.offset.load(Ordering::Relaxed)
    }

    /// Moves the clock forward by `seconds` (0 to [`MAX_ADVANCE_SECONDS`]; time does not run back).
    pub fn advance(&self, seconds: i64) -> Result<(), String> {
        if !(0..=MAX_ADVANCE_SECONDS).contains(&seconds) {
            return Err(format!("advance_seconds must be between 0 and {MAX_ADVANCE_SECONDS}"));
        }
        let target = self.unix().saturating_add(seconds);
        if target > LATEST {
            return Err("the clock would pass 2100-01-01T00:00:00Z".to_owned());
        }
        self.offset.fetch_add(seconds, Ordering::Relaxed);
        Ok(())
    }

    /// Sets the clock to `at` (between 2000 and 2100).
    pub fn set(&self, at: Timestamp) -> Result<(), String> {
        if !(EARLIEST..=LATEST).contains(&at.unix()) {
            return Err("the clock can be set between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z".to_owned());
        }
        self.offset.store(at.unix() - Timestamp::now().unix(), Ordering::Relaxed);
        Ok(())
    }

    /// Back to real time (a reset).
    pub fn reset(&self) {
        self.offset.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_forward_only_and_sets_within_bounds() {
        let clock = EmulatorClock::default();
        let before = clock.unix();
        clock.advance(1800).expect("advance");
        assert!((clock.unix() - before - 1800).abs() <= 1);
        assert!(clock.advance(-1).is_err());
        assert!(clock.advance(MAX_ADVANCE_SECONDS + 1).is_err());
        clock.set(Timestamp::parse("2026-01-01T00:00:00Z").expect("ts")).expect("set");
        assert!((clock.unix() - 1_767_225_600).abs() <= 1);
        assert!(clock.set(Timestamp::from_unix(LATEST + 1)).is_err());
        clock.reset();
        assert_eq!(clock.offset(), 0);
    }
}
