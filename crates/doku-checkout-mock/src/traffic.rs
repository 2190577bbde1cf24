//! Per-arrival bookkeeping: the queued faults and the bounded request log.
//!
//! Kept apart from the orders (`state.rs`) under a lock of its own, so that logging a request
//! never waits on, or holds up, an order change. Every operation here costs O(1) whatever the
//! number of requests served: an entry is found by its position, and the log is a ring buffer
//! that forgets its oldest entry once it holds `capacity` of them.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::state::{Fault, FaultKind, LogEntry};

/// What the request log and the fault queue hold.
#[derive(Debug)]
pub(crate) struct Traffic {
    pub log: RequestLog,
    pub faults: VecDeque<Fault>,
}

impl Traffic {
    pub fn new(log_capacity: usize) -> Self {
        Self { log: RequestLog::new(log_capacity), faults: VecDeque::new() }
    }

    /// Takes the fault for the next API request, if one is queued.
    pub fn next_fault(&mut self) -> Option<FaultKind> {
        let front = self.faults.front_mut()?;
        let kind = front.kind.clone();
        front.count = front.count.saturating_sub(1);
        if front.count == 0 {
            self.faults.pop_front();
        }
        Some(kind)
    }

    /// Forgets the faults and the log; sequence numbers start again at 1.
    pub fn clear(&mut self) {
        self.faults.clear();
        self.log.clear();
    }
}

/// The last `capacity` API requests, oldest first, each numbered from 1 in order of arrival.
///
/// Entries are shared (`Arc`) so that a reader copies pointers under the lock and serialises
/// outside it; a writer updating an entry a reader still holds copies that one entry only.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<Arc<LogEntry>>,
    /// `seq` of `entries[0]` (or of the next entry while the log is empty).
    first_seq: u64,
    capacity: usize,
    /// Entries looked at by [`RequestLog::push`] and [`RequestLog::update`]: the regression
    /// tests check that it grows by a constant per request, however long the log has run.
    visits: u64,
}

impl RequestLog {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::with_capacity(capacity.min(4096)),
            first_seq: 1,
            capacity: capacity.max(1),
            visits: 0,
        }
    }

    /// Appends the entry built for the next sequence number, forgetting the oldest entry when
    /// full; returns that number.
    pub fn push(&mut self, build: impl FnOnce(u64) -> LogEntry) -> u64 {
        let seq = self.first_seq + self.entries.len() as u64;
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
            self.first_seq += 1;
        }
        self.entries.push_back(Arc::new(build(seq)));
        self.visits += 1;
        seq
    }

    /// Changes entry `seq` in place; does nothing if it has already been forgotten.
    pub fn update(&mut self, seq: u64, change: impl FnOnce(&mut LogEntry)) {
        let Some(index) = seq.checked_sub(self.first_seq).and_then(|i| usize::try_from(i).ok()) else {
            return;
        };
        if let Some(entry) = self.entries.get_mut(index) {
            self.visits += 1;
            change(Arc::make_mut(entry));
        }
    }

    /// The entries held now, oldest first (pointer copies only).
    pub fn snapshot(&self) -> Vec<Arc<LogEntry>> {
        self.entries.iter().cloned().collect()
    }

    /// The newest `n` entries, newest first, and how many are held (pointer copies only).
    pub fn newest(&self, n: usize) -> (Vec<Arc<LogEntry>>, usize) {
        (self.entries.iter().rev().take(n).cloned().collect(), self.entries.len())
    }

    /// Entries looked at so far (see the field's doc).
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn visits(&self) -> u64 {
        self.visits
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.first_seq = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64) -> LogEntry {
        LogEntry {
            seq,
            method: "GET".into(),
            path: format!("/p/{seq}"),
            request_id: None,
            headers: Vec::new(),
            body: String::new(),
            signature_valid: false,
            state_changed: false,
            status: None,
            fault: None,
        }
    }

    #[test]
    fn numbers_from_one_and_wraps_at_capacity() {
        let mut log = RequestLog::new(3);
        for expected in 1..=5 {
            assert_eq!(log.push(entry), expected);
        }
        let seqs: Vec<u64> = log.snapshot().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
    }

    #[test]
    fn update_finds_the_entry_by_number_after_wrapping() {
        let mut log = RequestLog::new(3);
        for _ in 0..10 {
            log.push(entry);
        }
        log.update(9, |e| e.status = Some(201));
        log.update(2, |e| e.status = Some(500)); // forgotten: no effect, no panic
        log.update(11, |e| e.status = Some(500)); // not yet arrived
        let statuses: Vec<(u64, Option<u16>)> = log.snapshot().iter().map(|e| (e.seq, e.status)).collect();
        assert_eq!(statuses, [(8, None), (9, Some(201)), (10, None)]);
    }

    #[test]
    fn a_snapshot_is_not_changed_by_later_updates() {
        let mut log = RequestLog::new(2);
        log.push(entry);
        let before = log.snapshot();
        log.update(1, |e| e.status = Some(200));
        assert_eq!(before[0].status, None);
        assert_eq!(log.snapshot()[0].status, Some(200));
    }

    #[test]
    fn visits_per_request_do_not_grow_with_the_log() {
        let mut log = RequestLog::new(1_000);
        let mut per_request = Vec::new();
        for _ in 0..5_000 {
            let before = log.visits();
            let seq = log.push(entry);
            log.update(seq, |e| e.signature_valid = true);
            log.update(seq, |e| e.status = Some(200));
            per_request.push(log.visits() - before);
        }
        assert!(per_request.iter().all(|&v| v == 3), "{:?}", &per_request[..10]);
    }

    #[test]
    fn clear_starts_numbering_again() {
        let mut log = RequestLog::new(2);
        log.push(entry);
        log.push(entry);
        log.push(entry);
        log.clear();
        assert!(log.snapshot().is_empty());
        assert_eq!(log.push(entry), 1);
    }

    #[test]
    fn faults_are_taken_count_times_in_order() {
        let mut traffic = Traffic::new(10);
        traffic.faults.push_back(Fault { kind: FaultKind::ResetBefore, count: 2 });
        traffic.faults.push_back(Fault { kind: FaultKind::MalformedJson, count: 1 });
        let taken: Vec<Option<FaultKind>> = (0..4).map(|_| traffic.next_fault()).collect();
        assert_eq!(
            taken,
            [Some(FaultKind::ResetBefore), Some(FaultKind::ResetBefore), Some(FaultKind::MalformedJson), None]
        );
    }
}
