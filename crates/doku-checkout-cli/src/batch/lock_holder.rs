//! Who holds a file's lock, from Linux's `/proc/locks`, for the message that refuses a second
//! run. Best effort: `None` where `/proc` is absent or says nothing.

use std::fs::File;
use std::os::unix::fs::MetadataExt;

/// "process 1234 (doku-checkout cancel-batch)", or `None`.
pub(crate) fn describe(file: &File) -> Option<String> {
    let meta = file.metadata().ok()?;
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    let pid = holder(&locks, meta.dev(), meta.ino())?;
    let command = std::fs::read("/proc/".to_owned() + &pid.to_string() + "/cmdline").unwrap_or_default();
    Some(match program(&command) {
        Some(program) => format!("process {pid} ({program})"),
        None => format!("process {pid}"),
    })
}

/// The PID of a `FLOCK` on the file `dev`/`ino` in `/proc/locks` text, whose lines read
/// `1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF` (device as hex major:minor, inode).
fn holder(locks: &str, dev: u64, ino: u64) -> Option<u32> {
    let (major, minor) = (((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff), (dev & 0xff) | ((dev >> 12) & !0xff));
    let wanted = format!("{major:02x}:{minor:02x}:{ino}");
    // A line with "->" is a process waiting for the lock, not holding it.
    locks.lines().filter(|line| !line.contains("->")).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let at = fields.iter().position(|f| *f == "FLOCK")?;
        let (pid, file) = (fields.get(at + 3)?, fields.get(at + 4)?);
        (*file == wanted).then(|| pid.parse().ok()).flatten()
    })
}

/// The program's file name and its first argument (the subcommand), printable ASCII only and
/// short; nothing past them (arguments may name files a user would rather not see echoed).
fn program(cmdline: &[u8]) -> Option<String> {
    let mut parts = cmdline.split(|b| *b == 0).filter(|p| !p.is_empty());
    let name = parts.next()?.rsplit(|b| *b == b'/').next()?;
    let words: Vec<String> = [Some(name), parts.next()]
        .into_iter()
        .flatten()
        .map(|w| w.iter().take(40).filter(|b| b.is_ascii_graphic()).map(|b| char::from(*b)).collect())
        .collect();
    Some(words.join(" ")).filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_flock_holder_of_the_file() {
        let locks = "1: POSIX  ADVISORY  WRITE 77 08:01:42 0 EOF\n\
                     2: FLOCK  ADVISORY  WRITE 4321 103:02:42 0 EOF\n\
                     3: FLOCK  ADVISORY  WRITE 99 08:01:43 0 EOF\n\
                     4: -> FLOCK  ADVISORY  WRITE 5 08:01:42 0 EOF\n";
        let dev = (0x103 << 8) | 0x02; // major 0x103, minor 2
        assert_eq!(holder(locks, dev, 42), Some(4321));
        assert_eq!(holder(locks, (8 << 8) | 1, 43), Some(99));
        assert_eq!(holder(locks, (8 << 8) | 1, 44), None);
        assert_eq!(holder("", 1, 1), None);
    }

    #[test]
    fn names_the_program_and_subcommand_only() {
        assert_eq!(
            program(b"/usr/local/bin/doku-checkout\0cancel-batch\0--journal\0/secret/path\0").as_deref(),
            Some("doku-checkout cancel-batch")
        );
        assert_eq!(program(b"a\x1b[31m\0").as_deref(), Some("a[31m"));
        assert_eq!(program(b"").as_deref(), None);
    }

    #[test]
    fn names_this_process_when_it_holds_the_lock() {
        let path = std::env::temp_dir().join(format!("doku-lock-holder-{}", std::process::id()));
        let file = File::create(&path).expect("create");
        file.try_lock().expect("lock");
        let other = File::open(&path).expect("open");
        let seen = describe(&other);
        let _ = std::fs::remove_file(&path);
        let seen = seen.expect("/proc/locks names the holder");
        assert!(seen.starts_with(&format!("process {} (", std::process::id())), "{seen}");
    }
}
