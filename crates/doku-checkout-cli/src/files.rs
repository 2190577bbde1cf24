//! Reading the files a command is given, each with a size limit (a path such as `/dev/zero`
//! or a mistaken multi-gigabyte file must not exhaust memory).

use std::io::Read;
use std::path::Path;

use doku_checkout::Error;

/// The largest body, headers or secret-key file read: DOKU's bodies are a few KiB.
pub(crate) const MAX_INPUT_FILE: u64 = 1024 * 1024;

/// Reads at most `limit` bytes of `path` (`-` is standard input); longer input is refused.
pub(crate) fn read_bounded(path: &Path, field: &'static str, limit: u64) -> Result<Vec<u8>, Error> {
    let cannot = |e: std::io::Error| Error::invalid_input(field, format!("cannot read {}: {e}", path.display()));
    let mut out = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit + 1).read_to_end(&mut out).map_err(cannot)?;
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut out)).map_err(cannot)?;
    }
    if out.len() as u64 > limit {
        return Err(Error::invalid_input(field, format!("{} is larger than {limit} bytes", path.display())));
    }
    Ok(out)
}

/// [`read_bounded`] for text files.
pub(crate) fn read_text(path: &Path, field: &'static str, limit: u64) -> Result<String, Error> {
    String::from_utf8(read_bounded(path, field, limit)?)
        .map_err(|_| Error::invalid_input(field, format!("{} is not UTF-8 text", path.display())))
}
