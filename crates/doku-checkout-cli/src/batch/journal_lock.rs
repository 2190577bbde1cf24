//! One `cancel-batch` per journal at a time. Two runs on one journal (a cron overlap) would
//! each give the same invoice a Request-Id of its own; so the journal itself is locked
//! (`flock`, released by the kernel when the process ends, even by `kill -9`) before it is read,
//! and a second run refuses at once, naming the process that holds it.
//!
//! The journal is read through the locked handle, bounded, and only if it is a regular file:
//! `/dev/zero` or a FIFO given as the journal is refused instead of read forever.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Read;
use std::path::Path;

use doku_checkout::Error;
use doku_checkout::batch::{Journal, MAX_JOURNAL_BYTES};

/// The journal, locked for this run, and its text.
pub(crate) struct LockedJournal {
    /// Holds the lock until the run ends (read-only: a settled journal may be read-only).
    lock: File,
    pub text: String,
}

fn refused(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::invalid_input("journal", format!("{}: {what}", path.display()))
}

impl LockedJournal {
    /// Whether `other` is the very file this run locked and read (not one put at its path since).
    pub fn is_same_file(&self, other: &File) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            match (self.lock.metadata(), other.metadata()) {
                (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
                _ => false,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = other;
            true
        }
    }

    /// Locks and reads the journal. A missing journal is created empty when `create`, else the
    /// answer is `None` (a dry run writes nothing).
    pub fn open(path: &Path, create: bool) -> Result<Option<Self>, Error> {
        // Opened first and checked through the handle (fstat), never by name before opening:
        // a journal swapped for a FIFO between a check and the open would block the run.
        let file = match open_for_reading(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !create => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(path)
                    .map_err(|e| refused(path, format!("cannot create it: {e}")))?;
                open_for_reading(path).map_err(|e| refused(path, format!("cannot read it: {e}")))?
            }
            Err(e) => return Err(refused(path, format!("cannot read it: {e}"))),
        };
        let meta = file.metadata().map_err(|e| refused(path, format!("cannot read it: {e}")))?;
        if !meta.is_file() {
            return Err(refused(path, "is not a regular file: give the journal a file of its own"));
        }
        if meta.len() > MAX_JOURNAL_BYTES {
            return Err(refused(path, format!("is larger than {MAX_JOURNAL_BYTES} bytes: is it a journal?")));
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = super::lock_holder::describe(&file).unwrap_or_else(|| "another process".to_owned());
                return Err(refused(
                    path,
                    format!(
                        "another cancel-batch is using this journal ({holder} holds its lock); \
                         wait for it to finish or stop it, then run again"
                    ),
                ));
            }
            Err(TryLockError::Error(e)) => return Err(refused(path, format!("cannot lock it: {e}"))),
        }
        let mut bytes = Vec::new();
        (&file)
            .take(MAX_JOURNAL_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refused(path, format!("cannot read it: {e}")))?;
        if bytes.len() as u64 > MAX_JOURNAL_BYTES {
            return Err(refused(path, format!("is larger than {MAX_JOURNAL_BYTES} bytes: is it a journal?")));
        }
        Ok(Some(Self { lock: file, text: Journal::text_of(bytes)? }))
    }
}

/// Opens read-only without waiting for a writer: a FIFO opens at once (and is then refused as
/// not a regular file) instead of blocking the run. On a regular file the flag changes nothing.
fn open_for_reading(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}
