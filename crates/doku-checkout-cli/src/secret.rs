//! Loading the secret key from a file or the environment, never from argv.

use doku_checkout::{Error, SecretKey};
use zeroize::Zeroizing;

use crate::files::read_text;

use crate::SecretArgs;

/// The secret key from `--secret-key-file` or `$DOKU_SECRET_KEY`.
pub(crate) fn load(args: &SecretArgs) -> Result<SecretKey, Error> {
    SecretKey::new(load_raw(args)?.as_str())
}

/// The secret key's text as given, unchecked (one trailing newline of a file removed): the
/// signature doctor diagnoses keys with stray whitespace instead of refusing them.
pub(crate) fn load_raw(args: &SecretArgs) -> Result<Zeroizing<String>, Error> {
    match &args.secret_key_file {
        Some(path) => {
            let text = Zeroizing::new(read_text(path, "secret_key_file", 64 * 1024)?);
            let text = text.strip_suffix('\n').unwrap_or(&text);
            Ok(Zeroizing::new(text.strip_suffix('\r').unwrap_or(text).to_owned()))
        }
        None => from_env("DOKU_SECRET_KEY")?.ok_or_else(|| {
            Error::invalid_input("secret_key", "no secret key: set DOKU_SECRET_KEY or pass --secret-key-file FILE")
        }),
    }
}

/// An environment variable holding a key: `None` when unset, an error (never echoing the
/// value) when it is not UTF-8.
pub(crate) fn from_env(name: &'static str) -> Result<Option<Zeroizing<String>>, Error> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(Zeroizing::new(value))),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Error::invalid_input("secret_key", format!("{name} is set but is not valid UTF-8 text")))
        }
    }
}
