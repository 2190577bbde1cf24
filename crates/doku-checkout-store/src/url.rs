//! `--store` URLs: `sqlite:PATH` or `postgres://user:password@host:port/database`.

use std::path::PathBuf;

use doku_checkout::Error;

/// A parsed store URL. Its `Display` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://` or `postgresql://`).
    Postgres(String),
}

/// The longest URL read.
const MAX_URL: usize = 4096;

impl StoreUrl {
    /// Reads `sqlite:PATH` or a `postgres://` / `postgresql://` URL.
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.len() > MAX_URL || text.chars().any(char::is_control) {
            return Err(Error::invalid_input("store", "--store is at most 4096 characters with no control characters"));
        }
        if let Some(path) = text.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(Error::invalid_input(
                    "store",
                    "--store sqlite: needs a file path, e.g. sqlite:batch.sqlite",
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Self::Postgres(text.to_owned()));
        }
        Err(Error::invalid_input("store", "--store must be sqlite:PATH or postgres://user:password@host:port/database"))
    }
}

impl std::fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Self::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreUrl({self})")
    }
}

/// The URL with any password replaced by `***` (and any query dropped: it may hold one too).
fn redacted(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let rest = rest.split('?').next().unwrap_or_default();
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or_default();
            format!("{user}:***@{host}")
        }
        None => authority.to_owned(),
    };
    format!("{scheme}://{authority}/{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_kinds_and_refuses_others() {
        assert_eq!(StoreUrl::parse("sqlite:b.sqlite").ok(), Some(StoreUrl::Sqlite("b.sqlite".into())));
        assert_eq!(StoreUrl::parse("sqlite:///tmp/b.sqlite").ok(), Some(StoreUrl::Sqlite("/tmp/b.sqlite".into())));
        assert!(matches!(StoreUrl::parse("postgresql://u@h/db"), Ok(StoreUrl::Postgres(_))));
        for bad in ["", "sqlite:", "mysql://x", "b.sqlite", "postgres://a\nb"] {
            assert_eq!(StoreUrl::parse(bad).expect_err(bad).field(), Some("store"), "{bad}");
        }
    }

    #[test]
    fn never_shows_the_password() {
        let url = StoreUrl::parse("postgres://shop:s3cret@db.internal:5433/doku?password=s3cret").expect("url");
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://shop:***@db.internal:5433/doku"), "{shown}");
    }
}
