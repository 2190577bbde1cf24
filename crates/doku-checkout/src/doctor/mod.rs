//! The signature doctor: when a notification does not verify, say why.
//!
//! A bare `signature_mismatch` costs merchants hours. The doctor recomputes the signature over
//! the variants people really get wrong (the body re-serialised by a framework, the path of a
//! mounted route, a secret key with a stray newline or from the other environment, another
//! Client-Id, a skewed clock) and reports the one that verifies, with what to change. It never
//! prints a secret key; when nothing explains the mismatch it prints the string to sign.

mod json_forms;
mod targets;

use serde::Serialize;

use crate::credentials::SecretKey;
use crate::headers::ReceivedHeaders;
use crate::notification::{VerifyOptions, verify_notification};
use crate::signing::SigningInput;
use crate::timestamp::Timestamp;

/// What the doctor is given: the notification exactly as received, and the merchant's settings
/// exactly as their program holds them (so a secret key with a stray newline is accepted here).
#[derive(Clone, Copy, Debug)]
pub struct DoctorInput<'a> {
    /// The secret key as the merchant's program loads it.
    pub secret_key: &'a str,
    /// Another key to try (e.g. the other environment's).
    pub alternate_secret_key: Option<&'a str>,
    /// Every received header.
    pub headers: &'a ReceivedHeaders,
    /// The raw received body.
    pub body: &'a [u8],
    /// The path the merchant verified with.
    pub notification_path: &'a str,
    /// The notification URL set in DOKU's Back Office, if known (its path is what DOKU signs).
    pub notification_url: Option<&'a str>,
    /// The merchant's own Client-Id, if known.
    pub expected_client_id: Option<&'a str>,
    /// The replay tolerance the merchant uses, in seconds.
    pub tolerance_seconds: Option<u64>,
    /// "Now" for the tolerance check; `None` uses the system clock.
    pub now: Option<Timestamp>,
}

/// Why a notification does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// It was signed over another path.
    RequestTarget,
    /// The body was changed (usually re-serialised) before verifying.
    Body,
    /// The secret key differs from the one it was signed with.
    SecretKey,
    /// The signature is valid but the timestamp is outside the tolerance.
    Clock,
    /// It was signed for another Client-Id.
    ClientId,
    /// None of the known mistakes explains it.
    Unknown,
}

impl Cause {
    /// The stable name, as in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestTarget => "request_target",
            Self::Body => "body",
            Self::SecretKey => "secret_key",
            Self::Clock => "clock",
            Self::ClientId => "client_id",
            Self::Unknown => "unknown",
        }
    }
}

/// The doctor's finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// Whether the notification verifies as given.
    pub verified: bool,
    /// Why not; `None` when it verifies.
    pub cause: Option<Cause>,
    /// What was found, for a person.
    pub detail: String,
    /// What to change.
    pub fix: String,
    /// The string to sign, when nothing else explains the mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
}

impl Diagnosis {
    fn found(cause: Cause, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { verified: false, cause: Some(cause), detail: detail.into(), fix: fix.into(), string_to_sign: None }
    }
}

const BODY_FIX: &str = "your framework changed the bytes before verifying: verify the raw request body, before any JSON parsing (Django: request.body; Express: express.raw({ type: 'application/json' }) on the notification route, or express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }) and verify req.rawBody); never re-serialise the parsed JSON";

/// A secret key to try, and what it means if it verifies.
struct SecretForm {
    key: SecretKey,
    detail: &'static str,
    fix: &'static str,
}

fn secret_forms(given: &str, alternate: Option<&str>) -> Vec<SecretForm> {
    let mut forms = Vec::new();
    let mut add = |text: &str, detail, fix| {
        if text != given
            && let Some(key) = SecretKey::from_raw(text)
        {
            forms.push(SecretForm { key, detail, fix });
        }
    };
    add(
        given.trim(),
        "it verifies with the secret key trimmed: the key you use has surrounding whitespace or a newline",
        "remove the whitespace around the secret key where it is loaded (a trailing newline in a file or an environment variable is the usual cause)",
    );
    let unescaped = html_unescape(given.trim());
    add(
        &unescaped,
        "it verifies with the secret key HTML-unescaped: the key you use contains escapes such as &amp;",
        "store the secret key exactly as DOKU Back Office shows it, without HTML escaping (a template or a config UI escaped it)",
    );
    if let Some(alternate) = alternate {
        add(
            alternate,
            "it verifies with the alternate secret key (DOKU_SECRET_KEY_ALT), not the one you use",
            "use the secret key of the environment the notification came from: sandbox and production keys differ",
        );
        add(
            alternate.trim(),
            "it verifies with the alternate secret key (DOKU_SECRET_KEY_ALT) trimmed, not the one you use",
            "use the secret key of the environment the notification came from (sandbox and production keys differ), without surrounding whitespace",
        );
    }
    forms
}

fn html_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The notification's own signed headers, trimmed.
struct Signed<'a> {
    client_id: &'a str,
    request_id: &'a str,
    timestamp: &'a str,
    signature: &'a str,
}

/// Finds out why a notification does not verify (or confirms that it does).
pub fn diagnose_notification(input: &DoctorInput<'_>) -> Diagnosis {
    let Some(secret) = SecretKey::from_raw(input.secret_key) else {
        return Diagnosis::found(
            Cause::SecretKey,
            "the secret key is empty",
            "set DOKU_SECRET_KEY to the key from DOKU Back Office → Integration → API Keys",
        );
    };
    // The real verification decides first; a replay-tolerance refusal comes only after the
    // signature has verified, so it means the clock.
    let options = VerifyOptions { tolerance_seconds: input.tolerance_seconds, now: input.now };
    match verify_notification(&secret, input.headers, input.body, input.notification_path, options) {
        Ok(_) => {
            return Diagnosis {
                verified: true,
                cause: None,
                detail: "the notification verifies".to_owned(),
                fix: String::new(),
                string_to_sign: None,
            };
        }
        Err(e) if e.reason() == Some("timestamp_out_of_tolerance") => {
            return Diagnosis::found(
                Cause::Clock,
                format!("the signature is valid, but {}", e.message()),
                "check the server clock (NTP); DOKU retries a notification for up to 12 hours with its original timestamp, so keep the tolerance at least that wide",
            );
        }
        Err(e) if e.field() == Some("request_target") => {
            return Diagnosis::found(
                Cause::RequestTarget,
                e.message(),
                "pass the path of your notification URL, starting with '/', e.g. /payments/notifications",
            );
        }
        Err(e) if !matches!(e.reason(), Some("signature_mismatch" | "digest_mismatch")) => {
            return Diagnosis {
                verified: false,
                cause: Some(Cause::Unknown),
                detail: e.message().to_owned(),
                fix: "pass the notification exactly as received: every header (Client-Id, Request-Id, Request-Timestamp, Signature) and the raw body".to_owned(),
                string_to_sign: None,
            };
        }
        Err(_) => {}
    }
    let get = |name| input.headers.get(name).map(str::trim).unwrap_or_default();
    let signed = Signed {
        client_id: get("Client-Id"),
        request_id: get("Request-Id"),
        timestamp: get("Request-Timestamp"),
        signature: get("Signature"),
    };
    search(input, &secret, &signed)
}

fn verifies(secret: &SecretKey, client_id: &str, signed: &Signed<'_>, target: &str, body: &[u8]) -> bool {
    SigningInput::new(client_id, signed.request_id, signed.timestamp, target, Some(body))
        .is_ok_and(|input| input.verify(secret, signed.signature).is_ok())
}

fn search(input: &DoctorInput<'_>, secret: &SecretKey, signed: &Signed<'_>) -> Diagnosis {
    let targets = targets::target_forms(input.notification_path, input.notification_url);
    let secrets = secret_forms(input.secret_key, input.alternate_secret_key);
    let path = input.notification_path;
    let check = |key: &SecretKey, target: &str, body: &[u8]| verifies(key, signed.client_id, signed, target, body);

    if let Some(form) = json_forms::find_body_form(input.body, |body| check(secret, path, body)) {
        return Diagnosis::found(Cause::Body, format!("it verifies over {form}"), BODY_FIX);
    }
    for form in &targets {
        if check(secret, &form.target, input.body) {
            return target_found(&form.target, &form.description, None);
        }
    }
    for form in &secrets {
        if check(&form.key, path, input.body) {
            return Diagnosis::found(Cause::SecretKey, form.detail, form.fix);
        }
    }
    if let Some(expected) = input.expected_client_id.map(str::trim).filter(|c| *c != signed.client_id) {
        if verifies(secret, expected, signed, path, input.body) {
            return Diagnosis::found(
                Cause::ClientId,
                format!("it was signed for Client-Id {expected}, but its Client-Id header says {:?}", signed.client_id),
                "something between DOKU and your code altered the Client-Id header; verify the headers exactly as received",
            );
        }
        return Diagnosis::found(
            Cause::ClientId,
            format!(
                "the notification is for Client-Id {:?}, not yours ({expected}): it was sent for another DOKU account or environment",
                signed.client_id
            ),
            "configure this endpoint with the Client-Id and secret key of the account the notification came from (sandbox and production differ)",
        );
    }
    for target in &targets {
        if let Some(form) = json_forms::find_body_form(input.body, |body| check(secret, &target.target, body)) {
            return target_found(&target.target, &target.description, Some(&form));
        }
    }
    for key in &secrets {
        let explained = json_forms::find_body_form(input.body, |body| check(&key.key, path, body))
            .or_else(|| targets.iter().find(|t| check(&key.key, &t.target, input.body)).map(|t| t.description.clone()));
        if let Some(also) = explained {
            return Diagnosis::found(Cause::SecretKey, format!("{}, and over {also}", key.detail), key.fix);
        }
    }
    if let Some(evidence) = json_forms::reserialised_evidence(input.body) {
        return Diagnosis::found(Cause::Body, evidence, BODY_FIX);
    }
    let string_to_sign =
        SigningInput::new(signed.client_id, signed.request_id, signed.timestamp, path, Some(input.body))
            .map(|i| i.string_to_sign())
            .ok();
    Diagnosis {
        verified: false,
        cause: Some(Cause::Unknown),
        detail: "none of the usual mistakes explains it (re-serialised body, another path, the secret key's whitespace, escaping or environment, another Client-Id): the notification was signed with another key or altered in transit".to_owned(),
        fix: "compare the string to sign below with the sender's, line by line; check that the secret key is the one for this Client-Id".to_owned(),
        string_to_sign,
    }
}

fn target_found(target: &str, description: &str, body: Option<&str>) -> Diagnosis {
    let detail = match body {
        Some(body) => format!("it verifies over {description}, and over {body}"),
        None => format!("it verifies over {description}, not the path you used"),
    };
    let mut fix = format!(
        "verify with the notification path {target}: the path DOKU calls, exactly as set in DOKU Back Office (behind a mounted Express Router use req.originalUrl without its query, not req.path; behind a proxy that strips a prefix, add it back)"
    );
    if body.is_some() {
        fix.push_str("; and ");
        fix.push_str(BODY_FIX);
    }
    Diagnosis::found(Cause::RequestTarget, detail, fix)
}

#[cfg(test)]
mod tests;
