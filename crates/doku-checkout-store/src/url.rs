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
            // Read as the driver reads it, so a URL it would refuse is refused here, whole
            // (its text may hold a password, so it is not echoed).
            text.parse::<tokio_postgres::Config>().map_err(|_| {
                Error::invalid_input("store", "--store is not a PostgreSQL URL the driver can read: postgres://user:password@host:port/database (percent-encode @, / and ? in a password)")
            })?;
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

/// The URL rebuilt from what the driver read of it (user, hosts, ports, database), with `***`
/// for a password: nothing of the text itself, which may hold the password anywhere.
fn redacted(url: &str) -> String {
    let Ok(config) = url.parse::<tokio_postgres::Config>() else { return "postgres://***".to_owned() };
    let user = config.get_user().unwrap_or_default();
    let password = if config.get_password().is_some() { ":***" } else { "" };
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(host, port)| {
            let host = match host {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            };
            port.map_or(host.clone(), |p| format!("{host}:{p}"))
        })
        .collect();
    format!("postgres://{user}{password}@{}/{}", hosts.join(","), config.get_dbname().unwrap_or_default())
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
        for (text, shown_as) in [
            (
                "postgres://shop:s3cret@db.internal:5433/doku?password=s3cret",
                "postgres://shop:***@db.internal:5433/doku",
            ),
            ("postgres://shop:s3%2Fcr%3Fet@db:5432/doku", "postgres://shop:***@db:5432/doku"),
            ("postgresql://shop@db/doku?password=s3cret", "postgres://shop:***@db"),
        ] {
            let url = StoreUrl::parse(text).expect(text);
            let shown = format!("{url} {url:?}");
            assert!(!shown.contains("s3") && !shown.contains("cret"), "{shown}");
            assert!(shown.contains(shown_as), "{shown}");
        }
        // A password with a bare '/' or '?' the driver cannot read is refused, not echoed.
        for text in ["postgres://u:pa/ss@h/db", "postgres://u:p?w@h/db"] {
            if let Err(e) = StoreUrl::parse(text) {
                assert!(!e.message().contains("pa/ss") && !e.message().contains("p?w"), "{}", e.message());
            } else {
                let shown = StoreUrl::parse(text).expect("read").to_string();
                assert!(!shown.contains("ss@") && !shown.contains("?w"), "{shown}");
            }
        }
    }
}
