//! Property tests: sign → verify round-trips, and any single-byte change breaks verification.

use doku_checkout::{ReceivedHeaders, SecretKey, SigningInput, Timestamp, VerifyOptions, verify_notification};
use proptest::prelude::*;

fn visible(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[!-~]{{1,{max}}}")).expect("regex")
}

fn target() -> impl Strategy<Value = String> {
    proptest::string::string_regex("/[!-~]{0,60}").expect("regex")
}

fn timestamp() -> impl Strategy<Value = String> {
    (0i64..4_102_444_800).prop_map(|s| Timestamp::from_unix(s).to_string())
}

/// Changes one byte of an ASCII string to another visible character.
fn mutate(s: &str, at: usize, to: u8) -> Option<String> {
    let mut b = s.as_bytes().to_vec();
    let i = at % b.len();
    let new = b'!' + (to % 94);
    if b[i] == new {
        return None;
    }
    b[i] = new;
    String::from_utf8(b).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_verify(cid in visible(40), rid in visible(128), ts in timestamp(), tgt in target(), body in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..512)), key in "[!-~]{1,64}") {
        let secret = SecretKey::new(key).expect("key");
        let input = SigningInput::new(&cid, &rid, &ts, &tgt, body.as_deref()).expect("valid");
        let sig = input.sign(&secret);
        prop_assert!(input.verify(&secret, &sig).is_ok());
        prop_assert_eq!(sig.len(), "HMACSHA256=".len() + 44);
    }

    #[test]
    fn any_single_byte_change_fails(rid in visible(64), ts in timestamp(), tgt in target(), body in proptest::collection::vec(any::<u8>(), 1..256), which in 0usize..5, at in any::<usize>(), to in any::<u8>()) {
        let secret = SecretKey::new("SK-PROP-TEST").expect("key");
        let sig = SigningInput::new("MCH-1", &rid, &ts, &tgt, Some(&body)).expect("valid").sign(&secret);
        let (mut rid2, mut ts2, mut tgt2, mut body2, mut sig2) = (rid.clone(), ts.clone(), tgt.clone(), body.clone(), sig.clone());
        match which {
            0 => { let i = at % body2.len(); body2[i] ^= to | 1; }
            1 => match mutate(&tgt, at, to) { Some(t) if t.starts_with('/') => tgt2 = t, _ => return Ok(()) },
            2 => match mutate(&rid, at, to) { Some(r) => rid2 = r, None => return Ok(()) },
            3 => {
                // A different valid timestamp.
                let t = Timestamp::parse(&ts).expect("ts");
                ts2 = Timestamp::from_unix(t.unix() + 1 + (at % 1000) as i64).to_string();
            }
            _ => {
                // Flip one byte of the base64 tag for another base64 character.
                let mut b = sig.as_bytes().to_vec();
                let i = 11 + at % 43;
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                let new = alphabet[usize::from(to) % 64];
                if b[i] == new { return Ok(()); }
                b[i] = new;
                sig2 = String::from_utf8(b).expect("ascii");
            }
        }
        let headers = ReceivedHeaders::new([("Client-Id", "MCH-1"), ("Request-Id", rid2.as_str()), ("Request-Timestamp", ts2.as_str()), ("Signature", sig2.as_str())]);
        prop_assert!(verify_notification(&secret, &headers, &body2, &tgt2, VerifyOptions::default()).is_err());
    }

    #[test]
    fn timestamps_round_trip(secs in -62_135_596_800i64..253_402_300_799) {
        let t = Timestamp::from_unix(secs);
        prop_assert_eq!(Timestamp::parse(&t.to_string()).expect("parse"), t);
    }

    #[test]
    fn header_injection_never_signs(prefix in visible(10), bad in prop::sample::select(vec!['\r', '\n', '\0', '\u{7f}', 'é', ' ', '\t']), suffix in visible(10), slot in 0usize..4) {
        let evil = format!("{prefix}{bad}{suffix}");
        let mut parts = ["MCH-1".to_owned(), "rid".to_owned(), "2020-08-11T08:45:42Z".to_owned(), "/x".to_owned()];
        parts[slot] = if slot == 3 { format!("/{evil}") } else { evil };
        let r = SigningInput::new(&parts[0], &parts[1], &parts[2], &parts[3], None);
        prop_assert!(r.is_err());
        prop_assert_eq!(r.expect_err("refused").code().as_str(), "invalid_input");
    }
}
