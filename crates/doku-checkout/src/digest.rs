//! The `Digest` component: base64(SHA-256(exact body bytes)).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

/// base64 (standard alphabet, padded) of the SHA-256 of `body`.
///
/// Hash exactly the bytes you send: re-serialised or pretty-printed JSON gives another digest.
pub fn compute_digest(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body() {
        assert_eq!(compute_digest(b""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }
}
