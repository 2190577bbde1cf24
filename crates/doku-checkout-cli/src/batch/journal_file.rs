//! The journal file: appended line by line, synced when a line must survive a crash.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use doku_checkout::Error;
use doku_checkout::batch::Entry;

pub(crate) struct JournalFile {
    file: File,
}

fn failed(e: std::io::Error) -> Error {
    Error::config(format!("cannot write the journal: {e}; stopping before sending anything more"))
}

impl JournalFile {
    /// Opens (or creates) the journal for appending, first cutting off a last line that a
    /// crash left unfinished (`complete_len` is the length up to its last newline).
    pub fn open(path: &Path, complete_len: u64) -> Result<Self, Error> {
        let file = OpenOptions::new().create(true).append(true).open(path).map_err(|e| {
            Error::invalid_input("journal", format!("cannot open {} for appending: {e}", path.display()))
        })?;
        if file.metadata().map_err(failed)?.len() > complete_len {
            file.set_len(complete_len).map_err(failed)?;
        }
        Ok(Self { file })
    }

    /// Appends one entry; `durable` syncs it to disk before returning.
    pub fn append(&mut self, entry: &Entry, durable: bool) -> Result<(), Error> {
        self.file.write_all(entry.to_line().as_bytes()).map_err(failed)?;
        if durable {
            self.file.sync_data().map_err(failed)?;
        }
        Ok(())
    }

    /// Syncs everything written.
    pub fn sync(&mut self) -> Result<(), Error> {
        self.file.sync_data().map_err(failed)
    }
}
