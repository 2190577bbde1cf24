//! Loading the secret key from a file or the environment, never from argv.

use doku_checkout::{Error, SecretKey};

use crate::SecretArgs;

/// The secret key from `--secret-key-file` or `$DOKU_SECRET_KEY`.
pub(crate) fn load(args: &SecretArgs) -> Result<SecretKey, Error> {
    let raw = match &args.secret_key_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::invalid_input("secret_key_file", format!("cannot read {}: {e}", path.display())))?;
            let text = text.strip_suffix('\n').unwrap_or(&text);
            text.strip_suffix('\r').unwrap_or(text).to_owned()
        }
        None => std::env::var("DOKU_SECRET_KEY").map_err(|_| {
            Error::invalid_input("secret_key", "no secret key: set DOKU_SECRET_KEY or pass --secret-key-file FILE")
        })?,
    };
    SecretKey::new(raw)
}
