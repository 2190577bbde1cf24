//! The batch journal: one JSON object per line, appended as the run goes.
//!
//! A row's Request-Id is journaled (and synced to disk by the caller) **before** its cancel is
//! sent, and its outcome after the answer. Reading the journal back tells a rerun which rows
//! are settled, and which Request-Id to resend for the others: DOKU replays the answer of a
//! Request-Id it has seen, so resending never cancels twice.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Outcome;
use crate::error::Error;

/// One journal line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Entry {
    /// A Request-Id was chosen for a row, before its first send.
    Assigned {
        /// The row's invoice.
        invoice_number: String,
        /// The Request-Id every send of this row uses.
        request_id: String,
        /// The original Request-Id the row cancels with (a rerun must send the same body).
        original_request_id: String,
        /// The note the row cancels with.
        note: String,
    },
    /// A send ended (finally or not).
    Outcome {
        /// The row's invoice.
        invoice_number: String,
        /// The Request-Id sent.
        request_id: String,
        /// What happened.
        outcome: Outcome,
        /// DOKU's HTTP status, if it answered.
        #[serde(default)]
        http_status: Option<u16>,
        /// DOKU replayed an earlier answer (409).
        #[serde(default)]
        replayed: bool,
        /// A one-line explanation.
        #[serde(default)]
        message: String,
    },
}

impl Entry {
    /// The line to append (with its newline).
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

/// What the journal knows about one invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournaledRow {
    /// The Request-Id assigned to it.
    pub request_id: String,
    /// The original Request-Id it was assigned with.
    pub original_request_id: String,
    /// The note it was assigned with.
    pub note: String,
    /// Its latest outcome, if a send ended.
    pub last: Option<Entry>,
}

/// The journal read back, by invoice number.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    /// Every invoice the journal mentions.
    pub rows: HashMap<String, JournaledRow>,
}

/// The largest journal read: two lines of a few hundred bytes per row of the largest orders
/// file, with room to spare. A larger file is refused, never read whole.
pub const MAX_JOURNAL_BYTES: u64 = 1024 * 1024 * 1024;

impl Journal {
    /// A journal's bytes as text. A last line cut inside a multi-byte character (the process was
    /// killed while writing it) loses that character, so that [`Journal::parse`] ignores the
    /// cut-short line as it ignores any other; bytes that are not UTF-8 anywhere else are refused.
    pub fn text_of(bytes: Vec<u8>) -> Result<String, Error> {
        match String::from_utf8(bytes) {
            Ok(text) => Ok(text),
            Err(e) => {
                let cut = e.utf8_error();
                let mut bytes = e.into_bytes();
                let after_last_newline = !bytes[cut.valid_up_to()..].contains(&b'\n');
                if cut.error_len().is_some() || !after_last_newline {
                    return Err(Error::invalid_input("journal", "the journal is not UTF-8 text"));
                }
                bytes.truncate(cut.valid_up_to());
                String::from_utf8(bytes).map_err(|_| Error::invalid_input("journal", "the journal is not UTF-8 text"))
            }
        }
    }

    /// Where a resumed run appends: `(keep, terminate)`, the bytes of `text` to keep and whether
    /// to end the last kept line with a newline first. A last line without its newline that
    /// still reads as an entry was applied by [`Journal::parse`] (the run acts on it), so it is
    /// kept and terminated: cutting it would leave the file without a Request-Id the run uses.
    /// A last line that does not read is cut off.
    pub fn resume_point(text: &str) -> (usize, bool) {
        if text.is_empty() || text.ends_with('\n') {
            return (text.len(), false);
        }
        let start = text.rfind('\n').map_or(0, |i| i + 1);
        match serde_json::from_str::<Entry>(text[start..].trim_end()) {
            Ok(_) => (text.len(), true),
            Err(_) => (start, false),
        }
    }

    /// Reads a journal's text. A last line cut short (the process was killed while writing
    /// it) is ignored: it can only be a line whose send had not started or whose outcome a
    /// rerun will learn again. Any other unreadable line is an error.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut journal = Self::default();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for (index, line) in lines.iter().enumerate() {
            let complete = line.ends_with('\n');
            let entry = match serde_json::from_str::<Entry>(line.trim_end()) {
                Ok(entry) if complete || index + 1 == lines.len() => entry,
                _ if !complete && index + 1 == lines.len() => break,
                _ => {
                    return Err(Error::invalid_input(
                        "journal",
                        format!(
                            "journal line {} is not a journal entry: was this file written by cancel-batch?",
                            index + 1
                        ),
                    ));
                }
            };
            journal.apply(index + 1, entry)?;
        }
        Ok(journal)
    }

    fn apply(&mut self, line: usize, entry: Entry) -> Result<(), Error> {
        match &entry {
            Entry::Assigned { invoice_number, request_id, original_request_id, note } => {
                if let Some(known) = self.rows.get(invoice_number)
                    && known.request_id != *request_id
                {
                    return Err(Error::invalid_input(
                        "journal",
                        format!("journal line {line} gives {invoice_number} a second Request-Id"),
                    ));
                }
                self.rows.entry(invoice_number.clone()).or_insert_with(|| JournaledRow {
                    request_id: request_id.clone(),
                    original_request_id: original_request_id.clone(),
                    note: note.clone(),
                    last: None,
                });
            }
            Entry::Outcome { invoice_number, request_id, .. } => {
                let Some(row) = self.rows.get_mut(invoice_number).filter(|r| r.request_id == *request_id) else {
                    return Err(Error::invalid_input(
                        "journal",
                        format!(
                            "journal line {line} records an outcome for {invoice_number} before assigning its Request-Id"
                        ),
                    ));
                };
                row.last = Some(entry);
            }
        }
        Ok(())
    }
}

impl JournaledRow {
    /// The final outcome, if the row is settled.
    pub fn settled(&self) -> Option<Outcome> {
        match &self.last {
            Some(Entry::Outcome { outcome, .. }) if outcome.is_final() => Some(*outcome),
            _ => None,
        }
    }
}
