//! Signing a typical cancel request and verifying a notification, beside the floor: the
//! same SHA-256 + HMAC-SHA256 + base64 work done directly with the same crates.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, criterion_group, criterion_main};
use doku_checkout::{ReceivedHeaders, SecretKey, SigningInput, VerifyOptions, verify_notification};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::hint::black_box;

const KEY: &str = "SK-TEST-ONLY-0123456789";
const CANCEL: &[u8] = br#"{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}"#;
const NOTIFICATION: &[u8] = br#"{"service":{"id":"VIRTUAL_ACCOUNT"},"acquirer":{"id":"BCA"},"channel":{"id":"VIRTUAL_ACCOUNT_BCA"},"transaction":{"status":"SUCCESS","date":"2021-01-27T03:24:23Z","original_request_id":"15022aab-444f-4b04-afa8-ddfce89432ec"},"order":{"invoice_number":"INV-20210124-0001","amount":150000}}"#;
const V3_SIGNATURE: &str = "HMACSHA256=QGToWFImcdqd1ZMBQUm2zUIPA5DeF2o1cplE2lUQcak=";

/// The floor: digest, string, MAC, base64, written inline with no validation or wrapping.
fn floor_sign(key: &[u8], cid: &str, rid: &str, ts: &str, target: &str, body: &[u8]) -> String {
    let digest = STANDARD.encode(Sha256::digest(body));
    let text =
        format!("Client-Id:{cid}\nRequest-Id:{rid}\nRequest-Timestamp:{ts}\nRequest-Target:{target}\nDigest:{digest}");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("key");
    mac.update(text.as_bytes());
    format!("HMACSHA256={}", STANDARD.encode(mac.finalize().into_bytes()))
}

fn bench(c: &mut Criterion) {
    let secret = SecretKey::new(KEY).expect("key");
    let mut g = c.benchmark_group("sign_cancel");
    g.bench_function("floor", |b| {
        b.iter(|| {
            floor_sign(
                black_box(KEY.as_bytes()),
                black_box("MCH-0001-10791114622547"),
                black_box("3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b"),
                black_box("2020-08-11T08:45:42Z"),
                black_box("/checkout/v3/cancellations"),
                black_box(CANCEL),
            )
        })
    });
    g.bench_function("doku_checkout", |b| {
        b.iter(|| {
            SigningInput::new(
                black_box("MCH-0001-10791114622547"),
                black_box("3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b"),
                black_box("2020-08-11T08:45:42Z"),
                black_box("/checkout/v3/cancellations"),
                Some(black_box(CANCEL)),
            )
            .expect("valid")
            .sign(&secret)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("verify_notification");
    g.bench_function("floor", |b| {
        b.iter(|| {
            let sig = STANDARD.decode(&black_box(V3_SIGNATURE)[11..]).expect("b64");
            let digest = STANDARD.encode(Sha256::digest(black_box(NOTIFICATION)));
            let text = format!("Client-Id:MCH-0001-10791114622547\nRequest-Id:479b663f-5c9d-400d-8e80-3e548a8f7639\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/payments/notifications\nDigest:{digest}");
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(KEY.as_bytes()).expect("key");
            mac.update(text.as_bytes());
            mac.verify_slice(&sig).is_ok()
        })
    });
    let headers = ReceivedHeaders::new([
        ("client-id", "MCH-0001-10791114622547"),
        ("request-id", "479b663f-5c9d-400d-8e80-3e548a8f7639"),
        ("request-timestamp", "2020-08-11T08:45:42Z"),
        ("signature", V3_SIGNATURE),
    ]);
    g.bench_function("doku_checkout_signature_only", |b| {
        b.iter(|| {
            SigningInput::new(
                "MCH-0001-10791114622547",
                "479b663f-5c9d-400d-8e80-3e548a8f7639",
                "2020-08-11T08:45:42Z",
                "/payments/notifications",
                Some(black_box(NOTIFICATION)),
            )
            .expect("valid")
            .verify(&secret, V3_SIGNATURE)
            .is_ok()
        })
    });
    g.bench_function("doku_checkout_full_with_json_parse", |b| {
        b.iter(|| {
            verify_notification(
                &secret,
                &headers,
                black_box(NOTIFICATION),
                "/payments/notifications",
                VerifyOptions::default(),
            )
            .is_ok()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
