//! Signed test notifications: the headers DOKU would send with a body, so a merchant's tests
//! can drive their own notification endpoint (Django's test client, supertest, a JVM test)
//! without a live emulator.

use crate::credentials::SecretKey;
use crate::error::Error;
use crate::request_id::RequestId;
use crate::signing::SigningInput;
use crate::timestamp::Timestamp;

/// `Client-Id`, `Request-Id`, `Request-Timestamp` and `Signature` for `body` sent to
/// `notification_path`, in that order. `request_id` defaults to a new UUID and `timestamp`
/// (`YYYY-MM-DDTHH:MM:SSZ`, checked) to now, so the default replay window accepts it.
pub fn sign_notification(
    secret: &SecretKey,
    client_id: &str,
    body: &[u8],
    notification_path: &str,
    request_id: Option<&str>,
    timestamp: Option<&str>,
) -> Result<Vec<(String, String)>, Error> {
    let request_id = match request_id {
        Some(id) => RequestId::new(id)?,
        None => RequestId::generate(),
    };
    let timestamp = timestamp.map_or_else(|| Ok(Timestamp::now()), Timestamp::parse)?.to_string();
    let signature =
        SigningInput::new(client_id, request_id.as_str(), &timestamp, notification_path, Some(body))?.sign(secret);
    Ok(vec![
        ("Client-Id".to_owned(), client_id.to_owned()),
        ("Request-Id".to_owned(), request_id.as_str().to_owned()),
        ("Request-Timestamp".to_owned(), timestamp),
        ("Signature".to_owned(), signature),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ReceivedHeaders, VerifyOptions, verify_notification};

    #[test]
    fn a_signed_test_notification_verifies_and_a_changed_one_does_not() {
        let key = SecretKey::new("SK-TEST-0123456789").expect("key");
        let body = br#"{"transaction":{"status":"SUCCESS"}}"#;
        let headers = sign_notification(&key, "MCH-1", body, "/hook", Some("n-1"), None).expect("signed");
        assert_eq!(
            headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["Client-Id", "Request-Id", "Request-Timestamp", "Signature"]
        );
        let received = ReceivedHeaders::new(headers.clone());
        let n = verify_notification(&key, &received, body, "/hook", VerifyOptions::default()).expect("verifies");
        assert_eq!((n.client_id.as_str(), n.request_id.as_str()), ("MCH-1", "n-1"));
        assert!(verify_notification(&key, &received, b"{}", "/hook", VerifyOptions::default()).is_err());
        let stamped =
            sign_notification(&key, "MCH-1", body, "/hook", None, Some("2020-08-11T08:45:42Z")).expect("signed");
        assert_eq!(stamped[2].1, "2020-08-11T08:45:42Z");
        assert_eq!(stamped[1].1.len(), 36, "a generated UUID");
        assert_eq!(
            sign_notification(&key, "MCH\r\n", body, "/hook", None, None).expect_err("bad").field(),
            Some("client_id")
        );
        let bad_time = sign_notification(&key, "MCH-1", body, "/hook", None, Some("2020-08-11 08:45:42"));
        assert_eq!(bad_time.expect_err("time").field(), Some("timestamp"));
    }
}
