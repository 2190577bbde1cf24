//! The User-Agent: `doku-checkout/<version> (<binding>; <language>/<version>; <os>/<arch>)`.

/// Who is calling: bindings fill in their name and their runtime's version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAgent {
    /// `rust`, `python`, `node`, `kotlin`, `swift`, `cli`.
    pub binding: String,
    /// Language name and version, e.g. `python/3.11.7`.
    pub language: String,
}

impl Default for UserAgent {
    fn default() -> Self {
        Self { binding: "rust".to_owned(), language: "rust".to_owned() }
    }
}

impl UserAgent {
    /// A User-Agent for a binding, e.g. `UserAgent::new("python", "python/3.11.7")`.
    pub fn new(binding: impl Into<String>, language: impl Into<String>) -> Self {
        Self { binding: binding.into(), language: language.into() }
    }

    /// The header value. Control characters from a binding are dropped.
    pub fn header_value(&self) -> String {
        let clean = |s: &str| s.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').collect::<String>();
        format!(
            "doku-checkout/{} ({}; {}; {}/{})",
            crate::VERSION,
            clean(&self.binding),
            clean(&self.language),
            std::env::consts::OS,
            std::env::consts::ARCH
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format() {
        let ua = UserAgent::new("python", "python/3.11.7\r\n").header_value();
        assert!(ua.starts_with(&format!("doku-checkout/{} (python; python/3.11.7; ", crate::VERSION)), "{ua}");
        assert!(!ua.contains('\n'));
    }
}
