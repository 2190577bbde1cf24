//! `doku-checkout doctor` as a process: one notification, each mistake people make with it.

use std::path::PathBuf;
use std::process::{Command, Output};

use doku_checkout::{SecretKey, SigningInput, Timestamp};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_doku-checkout");
const SECRET: &str = "SK-doctor-cli-0123";
const PATH: &str = "/shop/doku/notify";
const BODY: &str = r#"{"order":{"invoice_number":"INV-77","amount":150000},"transaction":{"status":"SUCCESS","date":"2026-11-26T03:00:00Z"}}"#;

struct Files {
    dir: PathBuf,
}

impl Files {
    /// Sent just now: the doctor reads the real clock, and its default tolerance is 24 hours.
    fn new(name: &str, client_id: &str, body: &str) -> Self {
        Self::sent_at(name, client_id, body, Timestamp::now())
    }

    fn sent_at(name: &str, client_id: &str, body: &str, sent: Timestamp) -> Self {
        let dir = std::env::temp_dir().join(format!("doku-doctor-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let key = SecretKey::new(SECRET).expect("key");
        let ts = sent.to_string();
        let signature =
            SigningInput::new("MCH-DOCTOR-1", "notif-1", &ts, PATH, Some(BODY.as_bytes())).expect("input").sign(&key);
        let headers =
            format!("Client-Id: {client_id}\nRequest-Id: notif-1\nRequest-Timestamp: {ts}\nSignature: {signature}\n");
        std::fs::write(dir.join("headers.txt"), headers).expect("headers");
        std::fs::write(dir.join("body.json"), body).expect("body");
        Self { dir }
    }

    fn doctor(&self, path: &str, secret: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
        let h = self.dir.join("headers.txt");
        let b = self.dir.join("body.json");
        Command::new(BIN)
            .args([
                "doctor",
                "--path",
                path,
                "--headers-file",
                h.to_str().expect("p"),
                "--body-file",
                b.to_str().expect("p"),
            ])
            .args(extra)
            .env("DOKU_SECRET_KEY", secret)
            .env_remove("DOKU_SECRET_KEY_ALT")
            .env_remove("DOKU_CLIENT_ID")
            .envs(env.iter().copied())
            .output()
            .expect("run")
    }

    fn json(&self, path: &str, secret: &str, extra: &[&str], env: &[(&str, &str)]) -> (Option<i32>, Value) {
        let mut args = vec!["--json"];
        args.extend_from_slice(extra);
        let out = self.doctor(path, secret, &args, env);
        let text = String::from_utf8(out.stdout).expect("utf8");
        assert!(!text.contains("SK-doctor") && !text.contains("SK-other"), "a secret was printed: {text}");
        (out.status.code(), serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_genuine_notification_exits_0() {
    let f = Files::new("ok", "MCH-DOCTOR-1", BODY);
    let (code, v) = f.json(PATH, SECRET, &[], &[]);
    assert_eq!((code, &v["verified"], &v["cause"]), (Some(0), &Value::Bool(true), &Value::Null));
    let human = f.doctor(PATH, SECRET, &[], &[]);
    assert_eq!(String::from_utf8_lossy(&human.stdout).trim(), "verified: the notification's signature is valid");
}

/// Expected cause, the notification's files, the path, the secret, extra flags, extra environment.
type Case<'a> = (&'a str, Files, &'a str, String, Vec<&'a str>, Vec<(&'a str, &'a str)>);

#[test]
fn each_cause_is_named_with_exit_1() {
    let pretty = serde_json::to_string_pretty(&serde_json::from_str::<Value>(BODY).expect("json")).expect("pretty");
    let reordered = pretty; // serde_json sorts keys and pretty-prints: a framework's re-serialisation
    let cases: Vec<Case> = vec![
        ("body", Files::new("body", "MCH-DOCTOR-1", &reordered), PATH, SECRET.to_owned(), vec![], vec![]),
        (
            "request_target",
            Files::new("mount", "MCH-DOCTOR-1", BODY),
            "/notify",
            SECRET.to_owned(),
            vec!["--url", "https://shop.example/shop/doku/notify"],
            vec![],
        ),
        (
            "request_target",
            Files::new("slash", "MCH-DOCTOR-1", BODY),
            "/shop/doku/notify/",
            SECRET.to_owned(),
            vec![],
            vec![],
        ),
        ("secret_key", Files::new("newline", "MCH-DOCTOR-1", BODY), PATH, format!("{SECRET}\n"), vec![], vec![]),
        (
            "secret_key",
            Files::new("alt", "MCH-DOCTOR-1", BODY),
            PATH,
            "SK-other-env".to_owned(),
            vec![],
            vec![("DOKU_SECRET_KEY_ALT", SECRET)],
        ),
        (
            "client_id",
            Files::new("cid", "MCH-DOCTOR-1", BODY),
            PATH,
            "SK-other-env".to_owned(),
            vec!["--client-id", "MCH-MINE-9"],
            vec![],
        ),
        (
            "clock",
            Files::sent_at("clock", "MCH-DOCTOR-1", BODY, Timestamp::from_unix(Timestamp::now().unix() - 7_200)),
            PATH,
            SECRET.to_owned(),
            vec!["--tolerance", "60"],
            vec![],
        ),
        ("unknown", Files::new("forged", "MCH-DOCTOR-1", BODY), PATH, "SK-other-env".to_owned(), vec![], vec![]),
    ];
    for (cause, files, path, secret, extra, env) in &cases {
        let (code, v) = files.json(path, secret, extra, env);
        assert_eq!(code, Some(1), "{cause}: {v}");
        assert_eq!(v["verified"], false, "{cause}: {v}");
        assert_eq!(v["cause"], *cause, "{v}");
        assert!(
            v["detail"].as_str().is_some_and(|d| !d.is_empty()) && v["fix"].as_str().is_some_and(|f| !f.is_empty()),
            "{v}"
        );
    }
    let (_, forged) = cases[7].1.json(PATH, "SK-other-env", &[], &[]);
    assert!(
        forged["string_to_sign"].as_str().is_some_and(|s| s.contains("Request-Target:/shop/doku/notify")),
        "{forged}"
    );
    let human = cases[0].1.doctor(PATH, SECRET, &[], &[]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.starts_with("NOT VERIFIED\ncause:  body\nfound:  the body has whitespace between its JSON tokens and its keys in alphabetical order"), "{text}");
    // Re-serialised in its own key order: the doctor rebuilds the bytes DOKU signed.
    let spaced = Files::new("spaced", "MCH-DOCTOR-1", &BODY.replace(",\"", ", \"").replace("\":", "\": "));
    let (code, v) = spaced.json(PATH, SECRET, &[], &[]);
    assert_eq!((code, v["cause"].as_str()), (Some(1), Some("body")), "{v}");
    assert!(v["detail"].as_str().is_some_and(|d| d.starts_with("it verifies over the body compacted")), "{v}");
}

#[test]
fn bad_input_exits_2_and_never_echoes_the_secret() {
    let f = Files::new("bad", "MCH-DOCTOR-1", BODY);
    let out = Command::new(BIN)
        .args(["doctor", "--path", PATH, "--headers-file", "/nonexistent/h", "--body-file", "-"])
        .env("DOKU_SECRET_KEY", SECRET)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args([
            "doctor",
            "--path",
            PATH,
            "--headers-file",
            f.dir.join("headers.txt").to_str().expect("p"),
            "--body-file",
            "/dev/zero",
        ])
        .env("DOKU_SECRET_KEY", SECRET)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "an endless body is refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("larger than 1048576 bytes") && !err.contains(SECRET), "{err}");
}
