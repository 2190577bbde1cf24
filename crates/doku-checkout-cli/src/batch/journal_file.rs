//! The journal file: appended line by line, synced when a line must survive a crash.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use doku_checkout::Error;
use doku_checkout::batch::Entry;

use super::journal_lock::LockedJournal;

pub(crate) struct JournalFile {
    file: File,
}

fn failed(e: std::io::Error) -> Error {
    Error::config(format!("cannot write the journal: {e}; stopping before sending anything more"))
}

impl JournalFile {
    /// Opens the journal for appending, first cutting it to `keep` bytes (off goes a last line
    /// that a crash left unreadable) and, when `terminate`, ending the kept last line, which
    /// the run acted on but which lacks its newline (see `Journal::resume_point`).
    /// It must be the file `locked` holds: a journal replaced at its path after it was read
    /// is refused, since appending elsewhere would lose what this run sends.
    pub fn open(path: &Path, keep: u64, terminate: bool, locked: &LockedJournal) -> Result<Self, Error> {
        let mut options = OpenOptions::new();
        options.append(true);
        #[cfg(unix)]
        {
            // A FIFO put at the path fails at once (no reader) instead of blocking.
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        let file = options.open(path).map_err(|e| {
            Error::invalid_input("journal", format!("cannot open {} for appending: {e}", path.display()))
        })?;
        if !locked.is_same_file(&file) {
            return Err(Error::invalid_input(
                "journal",
                format!("{} was replaced while this run started; nothing was sent, run again", path.display()),
            ));
        }
        if file.metadata().map_err(failed)?.len() > keep {
            file.set_len(keep).map_err(failed)?;
        }
        let mut journal = Self { file };
        if terminate {
            journal.file.write_all(b"\n").map_err(failed)?;
            journal.sync()?;
        }
        Ok(journal)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_replaced_after_it_was_locked_is_refused() {
        let dir = std::env::temp_dir().join(format!("doku-journal-replaced-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("journal.jsonl");
        std::fs::write(&path, "").expect("journal");
        let locked = LockedJournal::open(&path, true).expect("open").expect("exists");
        JournalFile::open(&path, 0, false, &locked).expect("the locked file itself");
        // A log rotation (or another tool) puts a new file at the journal's path.
        let fresh = dir.join("fresh.jsonl");
        std::fs::write(&fresh, "").expect("fresh");
        std::fs::rename(&fresh, &path).expect("rename");
        let refused = JournalFile::open(&path, 0, false, &locked).err();
        let _ = std::fs::remove_dir_all(&dir);
        let e = refused.expect("another file at the path is refused");
        assert!(e.message().contains("was replaced"), "{}", e.message());
    }
}
