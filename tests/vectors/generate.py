#!/usr/bin/env python3
"""Writes the shared conformance vectors (tests/vectors/*.json).

Expected values are computed here with Python's standard library only (hmac, hashlib,
base64), independently of the Rust core, and the three reference vectors of the DOKU
reference (self-computed, cross-checked with openssl) are asserted before anything is
written. Re-run with `python3 tests/vectors/generate.py`; the output is deterministic.
"""
import base64
import hashlib
import hmac
import json
import pathlib
import random

HERE = pathlib.Path(__file__).parent
SECRET = "SK-TEST-ONLY-0123456789"
CLIENT = "MCH-0001-10791114622547"
TS = "2020-08-11T08:45:42Z"
TS_UNIX = 1597135542


def digest(body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def components(client_id, request_id, timestamp, target, body, label="Request-Timestamp", sep="\n"):
    parts = [f"Client-Id:{client_id}", f"Request-Id:{request_id}", f"{label}:{timestamp}", f"Request-Target:{target}"]
    if body is not None:
        parts.append(f"Digest:{digest(body)}")
    return sep.join(parts)


def mac(secret: str, text: str) -> str:
    return "HMACSHA256=" + base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def body_spec(body):
    """Bodies travel as base64 (or a repeat rule for the 1 MiB case) so no newline or encoding drift creeps in."""
    if body is None:
        return None
    return {"b64": base64.b64encode(body).decode()}


V2_BODY = b'{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}'
V3_BODY = b'{"service":{"id":"VIRTUAL_ACCOUNT"},"acquirer":{"id":"BCA"},"channel":{"id":"VIRTUAL_ACCOUNT_BCA"},"transaction":{"status":"SUCCESS","date":"2021-01-27T03:24:23Z","original_request_id":"15022aab-444f-4b04-afa8-ddfce89432ec"},"order":{"invoice_number":"INV-20210124-0001","amount":150000}}'

# The reference vectors (doku-api.md §1.8) must hold for this generator too.
assert mac(SECRET, components(CLIENT, "d895fb53-479c-4f77-a76a-ab81b40d77cb", TS, "/orders/v1/status/INV-123123-12313", None)) == "HMACSHA256=i0P1zaM2J+dMqTB3+KLiq2ZT88tjbVBZPKPDlHBM8dg="
assert mac(SECRET, components(CLIENT, "d895fb53-479c-4f77-a76a-ab81b40d77cb", TS, "/orders/v1/status/INV-123123-12313", None) + "\n") == "HMACSHA256=RwO+AFzsPAAJ9cVjjykLljcxhPf6r/hgMQi79SCvEAA="
assert digest(V2_BODY) == "Uoy5266u6Udtk2mlgqkYKFqd4pqYJJ1YrM9S/4pMw6I="
assert mac(SECRET, components(CLIENT, "3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b", TS, "/checkout/v3/cancellations", V2_BODY)) == "HMACSHA256=paLBuQ4gujjH7MjAQqcOuwE7K3iCwIEW3SV1zFJdJ1E="
assert digest(json.dumps(json.loads(V2_BODY), indent=2).encode()) == "cgz+qQR6/7QxIxVmHskXROhrfstW9WgfGNT2ZLVPx8s="
assert digest(V3_BODY) == "zmFEMBd+EkY+4QEwZWVRmnee3qK+3gUZWTKaeosNN9s="
assert mac(SECRET, components(CLIENT, "479b663f-5c9d-400d-8e80-3e548a8f7639", TS, "/payments/notifications", V3_BODY)) == "HMACSHA256=QGToWFImcdqd1ZMBQUm2zUIPA5DeF2o1cplE2lUQcak="
assert digest(b"") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def write(name, doc):
    count = sum(len(g["cases"]) for g in doc["groups"])
    doc = {"schema": "doku-checkout-vectors/1", "file": name, "number_of_cases": count, **doc}
    (HERE / name).write_text(json.dumps(doc, indent=2, ensure_ascii=True) + "\n")
    return count


def sign_case(cid, comment, secret, client_id, request_id, timestamp, target, body, body_override=None):
    return {
        "id": cid,
        "comment": comment,
        "input": {
            "secret_key": secret,
            "client_id": client_id,
            "request_id": request_id,
            "timestamp": timestamp,
            "request_target": target,
            "body": body_override if body_override is not None else body_spec(body),
        },
        "expect": {
            "string_to_sign": components(client_id, request_id, timestamp, target, body),
            "digest": None if body is None else digest(body),
            "signature": mac(secret, components(client_id, request_id, timestamp, target, body)),
        },
    }


def err_case(cid, comment, field, **overrides):
    inp = {"secret_key": SECRET, "client_id": CLIENT, "request_id": "req-1", "timestamp": TS, "request_target": "/checkout/v3/cancellations", "body": body_spec(b"{}")}
    inp.update(overrides)
    return {"id": cid, "comment": comment, "input": inp, "expect": {"error": {"code": "invalid_input", "field": field}}}


def signing():
    rng = random.Random(20201)
    reference = [
        sign_case("v1-get-check-status", "Reference V1 (doku-api.md §1.8): GET has no Digest line", SECRET, CLIENT, "d895fb53-479c-4f77-a76a-ab81b40d77cb", TS, "/orders/v1/status/INV-123123-12313", None),
        sign_case("v2-post-cancel", "Reference V2: the cancel request, compact JSON body", SECRET, CLIENT, "3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b", TS, "/checkout/v3/cancellations", V2_BODY),
        sign_case("v3-notification", "Reference V3: a notification signed with the notification path as Request-Target", SECRET, CLIENT, "479b663f-5c9d-400d-8e80-3e548a8f7639", TS, "/payments/notifications", V3_BODY),
    ]
    edges = [
        sign_case("empty-body", "An empty POST body still gets a Digest line (of zero bytes)", SECRET, CLIENT, "req-empty", TS, "/checkout/v3/cancellations", b""),
        sign_case("non-ascii-body", "UTF-8 body with Indonesian text and an emoji: bytes are hashed as sent", SECRET, CLIENT, "req-utf8", TS, "/checkout/v3/cancellations", '{"note":"Pesanan dibatalkan oleh pelanggan — terima kasih 🙏"}'.encode()),
        sign_case("binary-body", "Arbitrary bytes, including NUL and invalid UTF-8", SECRET, CLIENT, "req-bin", TS, "/checkout/v3/cancellations", bytes(range(256))),
        {**sign_case("one-mib-body", "A 1 MiB body given as a repeat rule (0x61 × 1048576)", SECRET, CLIENT, "req-big", TS, "/checkout/v1/payment", b"a" * 1048576, body_override={"repeat": {"hex": "61", "count": 1048576}})},
        sign_case("request-id-128", "A 128-character Request-Id is the longest allowed", SECRET, CLIENT, "r" * 128, TS, "/checkout/v3/cancellations", V2_BODY),
        sign_case("hex-body-spec", "Body given as hex instead of base64", SECRET, CLIENT, "req-hex", TS, "/checkout/v3/cancellations", b'{"a":1}'),
        sign_case("percent-encoded-target", "A percent-encoded status path is signed exactly as sent", SECRET, CLIENT, "req-pct", TS, "/orders/v1/status/INV%201%2F2", None),
        sign_case("secret-with-symbols", "The key is used as raw UTF-8 bytes, never base64-decoded", "c2VjcmV0+/==", CLIENT, "req-key", TS, "/checkout/v3/cancellations", b"{}"),
        sign_case("leap-day-timestamp", "A leap-day timestamp", SECRET, "BRN-0239-1234567890123", "req-leap", "2024-02-29T23:59:59Z", "/checkout/v1/payment", b"{}"),
    ]
    edges[5]["input"]["body"] = {"hex": b'{"a":1}'.hex()}
    randoms = []
    for i in range(6):
        rid = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") for _ in range(rng.randint(1, 128)))
        body = None if i % 3 == 0 else bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
        ts = f"{rng.randint(2000, 2099):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
        target = "/" + "/".join(rng.choice(["checkout", "v3", "orders", "status", "INV-" + str(rng.randint(1, 10**9))]) for _ in range(rng.randint(1, 4)))
        randoms.append(sign_case(f"random-{i}", "Random valid inputs", SECRET, f"MCH-{rng.randint(0, 9999):04d}", rid, ts, target, body))
    errors = [
        err_case("request-id-129", "A 129-character Request-Id is refused", "request_id", request_id="r" * 129),
        err_case("request-id-empty", "An empty Request-Id is refused", "request_id", request_id=""),
        err_case("request-id-crlf", "Header injection through the Request-Id: no signature", "request_id", request_id="req-1\r\nX-Injected: 1"),
        err_case("client-id-lf", "A line feed in the Client-Id", "client_id", client_id="MCH-1\nRequest-Id:evil"),
        err_case("client-id-non-ascii", "Non-ASCII in the Client-Id", "client_id", client_id="MCH-ü"),
        err_case("request-id-tab", "A control character (TAB)", "request_id", request_id="req\t1"),
        err_case("request-id-del", "DEL (0x7F) is a control character", "request_id", request_id="req\u007f"),
        err_case("target-no-slash", "The Request-Target must start with /", "request_target", request_target="checkout/v3/cancellations"),
        err_case("target-full-url", "A full URL is not a Request-Target", "request_target", request_target="https://api.doku.com/checkout/v3/cancellations"),
        err_case("target-crlf", "CR/LF in the target", "request_target", request_target="/checkout\r\n/v3"),
        err_case("target-non-ascii", "A raw non-ASCII path must be percent-encoded first", "request_target", request_target="/orders/v1/status/INV-é"),
        err_case("timestamp-millis", "Milliseconds are not DOKU's format", "timestamp", timestamp="2020-08-11T08:45:42.000Z"),
        err_case("timestamp-offset", "A +07:00 offset is not UTC", "timestamp", timestamp="2020-08-11T15:45:42+07:00"),
        err_case("timestamp-crlf", "CR/LF in the timestamp", "timestamp", timestamp="2020-08-11T08:45:42Z\r\n"),
        err_case("timestamp-invalid-date", "30 February does not exist", "timestamp", timestamp="2020-02-30T08:45:42Z"),
    ]
    return write("signing.json", {
        "description": "sign_request / signing_string / compute_digest: inputs to the exact string to sign, digest and Signature header value, or the invalid_input field.",
        "groups": [
            {"name": "reference", "operation": "sign_request", "cases": reference},
            {"name": "edge", "operation": "sign_request", "cases": edges},
            {"name": "random", "operation": "sign_request", "cases": randoms},
            {"name": "header_hygiene", "operation": "sign_request", "cases": errors},
        ],
    })


def headers_for(signature, request_id="479b663f-5c9d-400d-8e80-3e548a8f7639", names=("Client-Id", "Request-Id", "Request-Timestamp", "Signature"), ts=TS, drop=None, extra=()):
    values = [CLIENT, request_id, ts, signature]
    out = [[n, v] for n, v in zip(names, values) if n.replace("_", "-").lower().removeprefix("http-") != (drop or "").lower()]
    out.extend([list(e) for e in extra])
    return out


def notif_case(cid, comment, headers, body, expect, path="/payments/notifications", tolerance=None, now=None, secret=SECRET):
    # Every case is judged at a given moment: a minute after sending unless it says otherwise
    # (replay protection is on by default, so "now" always matters).
    now = TS_UNIX + 60 if now is None else now
    return {"id": cid, "comment": comment, "input": {"secret_key": secret, "headers": headers, "body": body_spec(body), "notification_path": path, "tolerance_seconds": tolerance, "now": now}, "expect": expect}


def notifications():
    rid = "479b663f-5c9d-400d-8e80-3e548a8f7639"
    good_str = components(CLIENT, rid, TS, "/payments/notifications", V3_BODY)
    good = mac(SECRET, good_str)
    valid = {"valid": True, "body_sha256": hashlib.sha256(V3_BODY).hexdigest(), "request_id": rid}
    bad = lambda reason: {"error": {"code": "invalid_signature", "reason": reason}}
    flipped = base64.b64decode(good[11:])
    flipped = bytes([flipped[0] ^ 0x01]) + flipped[1:]
    pretty = json.dumps(json.loads(V3_BODY), indent=2).encode()
    reserialised = json.dumps(json.loads(V3_BODY)).encode()  # Python's default separators add spaces
    crlf = mac(SECRET, components(CLIENT, rid, TS, "/payments/notifications", V3_BODY, sep="\r\n"))
    hex_sig = "HMACSHA256=" + hmac.new(SECRET.encode(), good_str.encode(), hashlib.sha256).hexdigest()
    utf8_body = '{"order":{"invoice_number":"INV-Ü-1","amount":10000},"customer":{"name":"Siti Nurhaliza ✓"}}'.encode()
    utf8_sig = mac(SECRET, components(CLIENT, rid, TS, "/payments/notifications", utf8_body))
    empty_sig = mac(SECRET, components(CLIENT, rid, TS, "/payments/notifications", b""))
    positive = [
        notif_case("v3-reference", "Reference V3", headers_for(good), V3_BODY, valid),
        notif_case("lower-case-names", "Node's IncomingMessage lower-cases header names", headers_for(good, names=("client-id", "request-id", "request-timestamp", "signature")), V3_BODY, valid),
        notif_case("upper-case-names", "Upper-case names", headers_for(good, names=("CLIENT-ID", "REQUEST-ID", "REQUEST-TIMESTAMP", "SIGNATURE")), V3_BODY, valid),
        notif_case("underscore-names", "WordPress/PHP rewrite - to _", headers_for(good, names=("client_id", "request_id", "request_timestamp", "signature")), V3_BODY, valid),
        notif_case("wsgi-meta-names", "Django request.META spelling", headers_for(good, names=("HTTP_CLIENT_ID", "HTTP_REQUEST_ID", "HTTP_REQUEST_TIMESTAMP", "HTTP_SIGNATURE")), V3_BODY, valid),
        notif_case("extra-headers", "Unrelated headers are ignored", headers_for(good, extra=(("Content-Type", "application/json"), ("User-Agent", "DOKU")))
                   , V3_BODY, valid),
        notif_case("non-ascii-body", "UTF-8 body verified over its raw bytes", headers_for(utf8_sig), utf8_body, {"valid": True, "body_sha256": hashlib.sha256(utf8_body).hexdigest(), "request_id": rid}),
        notif_case("within-tolerance-old", "300 s old with a 300 s tolerance", headers_for(good), V3_BODY, valid, tolerance=300, now=TS_UNIX + 300),
        notif_case("within-tolerance-future", "300 s ahead with a 300 s tolerance", headers_for(good), V3_BODY, valid, tolerance=300, now=TS_UNIX - 300),
        notif_case("default-window-24h-old", "No tolerance given: the default window is 24 h (DOKU retries for 12 h)", headers_for(good), V3_BODY, valid, now=TS_UNIX + 86400),
        notif_case("default-window-24h-ahead", "The default window holds in both directions", headers_for(good), V3_BODY, valid, now=TS_UNIX - 86400),
        notif_case("wide-window", "A caller may widen the window: six years with a six-year tolerance", headers_for(good), V3_BODY, valid, tolerance=6 * 365 * 86400, now=TS_UNIX + 6 * 365 * 86400),
        notif_case("matching-digest-header", "A Digest header that matches is accepted", headers_for(good, extra=(("Digest", digest(V3_BODY)),)), V3_BODY, valid),
    ]
    negative = [
        notif_case("trailing-newline", "Signed string with a trailing LF", headers_for(mac(SECRET, good_str + "\n")), V3_BODY, bad("signature_mismatch")),
        notif_case("crlf-separators", "Signed string joined with CRLF", headers_for(crlf), V3_BODY, bad("signature_mismatch")),
        notif_case("pretty-printed-body", "Body pretty-printed after signing", headers_for(good), pretty, bad("signature_mismatch")),
        notif_case("reserialised-body", "Body parsed and re-serialised (json.dumps adds spaces)", headers_for(good), reserialised, bad("signature_mismatch")),
        notif_case("hex-signature", "Hex instead of base64", headers_for(hex_sig), V3_BODY, bad("malformed_signature")),
        notif_case("prefix-typo", "HMACHSHA256= (extra H)", headers_for("HMACHSHA256=" + good[11:]), V3_BODY, bad("wrong_prefix")),
        notif_case("no-prefix", "Bare base64 without HMACSHA256=", headers_for(good[11:]), V3_BODY, bad("wrong_prefix")),
        notif_case("flipped-bit", "One bit of the MAC flipped", headers_for("HMACSHA256=" + base64.b64encode(flipped).decode()), V3_BODY, bad("signature_mismatch")),
        notif_case("wrong-secret", "Verified with another secret", headers_for(good), V3_BODY, bad("signature_mismatch"), secret="SK-TEST-ONLY-0123456780"),
        notif_case("wrong-path", "Request-Target must be the notification URL's path", headers_for(good), V3_BODY, bad("signature_mismatch"), path="/payments/notification"),
        notif_case("truncated-signature", "Base64 of fewer than 32 bytes", headers_for(good[:30]), V3_BODY, bad("malformed_signature")),
        notif_case("missing-client-id", "No Client-Id header", headers_for(good, drop="Client-Id"), V3_BODY, bad("missing_header")),
        notif_case("missing-request-id", "No Request-Id header", headers_for(good, drop="Request-Id"), V3_BODY, bad("missing_header")),
        notif_case("missing-timestamp", "No Request-Timestamp header", headers_for(good, drop="Request-Timestamp"), V3_BODY, bad("missing_header")),
        notif_case("missing-signature", "No Signature header", headers_for(good, drop="Signature"), V3_BODY, bad("missing_header")),
        notif_case("bad-timestamp", "Timestamp not in YYYY-MM-DDTHH:MM:SSZ", headers_for(good, ts="2020-08-11 08:45:42"), V3_BODY, bad("invalid_timestamp")),
        notif_case("too-old", "301 s old with a 300 s tolerance", headers_for(good), V3_BODY, bad("timestamp_out_of_tolerance"), tolerance=300, now=TS_UNIX + 301),
        notif_case("too-far-future", "301 s ahead with a 300 s tolerance", headers_for(good), V3_BODY, bad("timestamp_out_of_tolerance"), tolerance=300, now=TS_UNIX - 301),
        notif_case("default-window-stale", "Six years later with no tolerance given: a replay, refused by default", headers_for(good), V3_BODY, bad("timestamp_out_of_tolerance"), now=TS_UNIX + 6 * 365 * 86400),
        notif_case("default-window-25h-old", "One second past the default 24 h window", headers_for(good), V3_BODY, bad("timestamp_out_of_tolerance"), now=TS_UNIX + 86401),
        notif_case("default-window-25h-ahead", "One second past the window in the future", headers_for(good), V3_BODY, bad("timestamp_out_of_tolerance"), now=TS_UNIX - 86401),
        notif_case("request-id-two-spellings", "The genuine Request_Id plus a fresh Request-Id: which one was signed, and which one the app de-duplicates on, cannot be told apart",
                   headers_for(good, names=("Client-Id", "Request_Id", "Request-Timestamp", "Signature"), extra=(("request-id", "0a6f1c52-9d1e-4a55-8f0b-5b1e2c3d4e5f"),)), V3_BODY, bad("duplicate_header")),
        notif_case("signature-twice", "The same Signature header twice is still two headers", headers_for(good, extra=(("signature", good),)), V3_BODY, bad("duplicate_header")),
        notif_case("digest-header-mismatch", "A Digest header for other bytes: the body was re-serialised", headers_for(good, extra=(("Digest", digest(pretty)),)), V3_BODY, bad("digest_mismatch")),
        notif_case("valid-signature-empty-body", "Signature verifies over an empty body, but it is not JSON", headers_for(empty_sig), b"", {"error": {"code": "invalid_request", "reason": "body_not_json"}}),
    ]
    return write("notifications.json", {
        "description": "verify_notification: received headers (name/value pairs in any spelling), raw body, notification path, tolerance (null: the default 24 h) and now (unix seconds) to the parsed body or an invalid_signature reason.",
        "groups": [
            {"name": "valid", "operation": "verify_notification", "cases": positive},
            {"name": "invalid", "operation": "verify_notification", "cases": negative},
        ],
    })


def responses():
    rid = "3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b"
    body = b'{"message":["SUCCESS"],"response":{"order":{"invoice_number":"INV-20210231-0001","status":"CANCELLED"}}}'
    sig = mac(SECRET, components(CLIENT, rid, TS, "/checkout/v3/cancellations", body, label="Response-Timestamp"))
    get_body = b'{"transaction":{"status":"PENDING"}}'
    get_sig = mac(SECRET, components(CLIENT, rid, TS, "/orders/v1/status/INV-1", None, label="Response-Timestamp"))
    req_label_sig = mac(SECRET, components(CLIENT, rid, TS, "/checkout/v3/cancellations", body))

    def case(cid, comment, signature, expect, target="/checkout/v3/cancellations", b=body, with_digest=True, echo=rid):
        return {"id": cid, "comment": comment, "input": {
            "secret_key": SECRET, "sent_client_id": CLIENT, "sent_request_id": rid, "request_target": target, "with_digest": with_digest,
            "headers": [["Client-Id", CLIENT], ["Request-Id", echo], ["Response-Timestamp", TS], ["Signature", signature]],
            "body": body_spec(b)}, "expect": expect}

    cases = [
        case("post-response", "Cancel response: Response-Timestamp line and the response body's digest", sig, {"valid": True}),
        case("get-response", "Status response: no Digest line (DOKU: only for POST)", get_sig, {"valid": True}, target="/orders/v1/status/INV-1", b=get_body, with_digest=False),
        case("request-label", "Signed with Request-Timestamp instead of Response-Timestamp", req_label_sig, {"error": {"code": "invalid_signature", "reason": "signature_mismatch"}}),
        case("tampered-body", "Body changed in transit", sig, {"error": {"code": "invalid_signature", "reason": "signature_mismatch"}}, b=body.replace(b"CANCELLED", b"CANCELLEX")),
        case("echo-mismatch", "Request-Id not echoed", sig, {"error": {"code": "invalid_signature", "reason": "echo_mismatch"}}, echo="other"),
    ]
    return write("response_signatures.json", {
        "description": "verify_response: DOKU's signature on API responses (Response-Timestamp variant, doku-api.md §1.4).",
        "groups": [{"name": "responses", "operation": "verify_response", "cases": cases}],
    })


def timestamps():
    fmt = [
        {"id": "epoch", "comment": "Unix epoch", "input": {"unix": 0}, "expect": {"text": "1970-01-01T00:00:00Z"}},
        {"id": "docs-sample", "comment": "The docs' sample", "input": {"unix": TS_UNIX}, "expect": {"text": TS}},
        {"id": "leap-day", "comment": "Leap day", "input": {"unix": 1709251199}, "expect": {"text": "2024-02-29T23:59:59Z"}},
        {"id": "y2038", "comment": "Past 2^31 seconds", "input": {"unix": 2147483648}, "expect": {"text": "2038-01-19T03:14:08Z"}},
    ]
    parse_bad = [{"id": f"reject-{i}", "comment": c, "input": {"text": t}, "expect": {"error": {"code": "invalid_input", "field": "timestamp"}}} for i, (t, c) in enumerate([
        ("2020-08-11T08:45:42", "no Z"), ("2020-08-11T08:45:42.123Z", "fraction"), ("2020-08-11T08:45:42+00:00", "offset"),
        ("2020-08-11 08:45:42Z", "space separator"), ("2020-08-11t08:45:42z", "lower case"), ("2021-02-29T00:00:00Z", "not a leap year"),
        ("2020-08-11T24:00:00Z", "hour 24"), ("20200811T084542Z", "basic format"), (" 2020-08-11T08:45:42Z", "leading space")])]
    parse_ok = [{"id": "parse-docs-sample", "comment": "Round trip", "input": {"text": TS}, "expect": {"unix": TS_UNIX}}]
    wib = [
        {"id": "docs-wib-example", "comment": "08:51:00 WIB on 22 Sep 2020 is 01:51:00Z (the docs' example)", "input": {"wib": [2020, 9, 22, 8, 51, 0]}, "expect": {"text": "2020-09-22T01:51:00Z"}},
        {"id": "wib-across-new-year", "comment": "03:00 WIB on 1 Jan is the previous day in UTC", "input": {"wib": [2021, 1, 1, 3, 0, 0]}, "expect": {"text": "2020-12-31T20:00:00Z"}},
        {"id": "wib-across-leap-day", "comment": "06:59:59 WIB on 1 Mar 2024 is 29 Feb in UTC", "input": {"wib": [2024, 3, 1, 6, 59, 59]}, "expect": {"text": "2024-02-29T23:59:59Z"}},
    ]
    compact = [
        {"id": "expired-date-2024", "comment": "payment.expired_date (WIB, doku-api.md §2.5)", "input": {"wib_compact": "20241122234523"}, "expect": {"text": "2024-11-22T16:45:23Z"}},
        {"id": "expired-date-2025", "comment": "Matches expired_datetime 2025-12-04T07:57:32Z", "input": {"wib_compact": "20251204145732"}, "expect": {"text": "2025-12-04T07:57:32Z"}},
    ]
    return write("timestamps.json", {
        "description": "format_timestamp (unix to text), parse_timestamp (strict), WIB wall-clock conversion and DOKU's WIB yyyyMMddHHmmss form.",
        "groups": [
            {"name": "format", "operation": "format_timestamp", "cases": fmt},
            {"name": "parse", "operation": "parse_timestamp", "cases": parse_ok + parse_bad},
            {"name": "wib", "operation": "from_wib", "cases": wib},
            {"name": "wib_compact", "operation": "parse_wib_compact", "cases": compact},
        ],
    })


def errors():
    def case(cid, comment, status, body, expect):
        return {"id": cid, "comment": comment, "input": {"http_status": status, "body": body_spec(body.encode() if isinstance(body, str) else body)}, "expect": expect}

    def e(code, retryable=False):
        return {"error": {"code": code, "retryable": retryable}}

    cases = [
        case("success", "200 with SUCCESS", 200, '{"message":["SUCCESS"]}', {"success": True, "replayed": False}),
        case("success-without-message", "200 status body without a message list", 200, '{"transaction":{"status":"PENDING"}}', {"success": True, "replayed": False}),
        case("success-not-json", "200 with a body that is not JSON", 200, '{"message":["SUCC', e("invalid_response")),
        case("replay-success", "409 replaying a success", 409, '{"message":["SUCCESS"],"response":{"order":{"status":"CANCELLED"}}}', {"success": True, "replayed": True}),
        case("replay-cancelled-status", "409 whose body only says CANCELLED", 409, '{"order":{"status":"CANCELLED"}}', {"success": True, "replayed": True}),
        case("replay-refusal", "409 replaying an 'already paid' refusal", 409, '{"message":["ORDER ALREADY PAID"]}', e("order_not_cancellable")),
        case("replay-unreadable", "409 with nothing readable", 409, "<html>Conflict</html>", e("duplicate_request")),
        case("replay-other-body", "409 for a Request-Id reused with another body", 409, '{"message":["REQUEST ID ALREADY USED FOR A DIFFERENT REQUEST"]}', e("duplicate_request")),
        case("unauthorized", "401", 401, '{"message":["INVALID SIGNATURE"]}', e("authentication_failed")),
        case("forbidden", "403 (feature not activated)", 403, '{"message":["FORBIDDEN"]}', e("authentication_failed")),
        case("not-found", "404", 404, '{"message":["ORDER NOT FOUND"]}', e("order_not_found")),
        case("not-found-in-400", "400 whose message says not found", 400, '{"message":["INVOICE NOT FOUND"]}', e("order_not_found")),
        case("already-paid", "Paid orders cannot be cancelled", 400, '{"message":["ORDER ALREADY PAID"]}', e("order_not_cancellable")),
        case("expired", "Expired orders cannot be cancelled", 400, '{"message":["ORDER ALREADY EXPIRED"]}', e("order_not_cancellable")),
        case("already-cancelled", "Cancelled twice", 400, '{"message":["Order already cancelled"]}', e("order_not_cancellable")),
        case("channel-unsupported", "Card/e-wallet channel", 400, '{"message":["PAYMENT CHANNEL NOT SUPPORTED FOR CANCELLATION"]}', e("order_not_cancellable")),
        case("error-object", "An optional error object is read too", 422, '{"error":{"code":"X","message":"Transaction cannot be cancelled"}}', e("order_not_cancellable")),
        case("invalid-parameter", "Other 400", 400, '{"message":["INVALID PARAMETER"]}', e("invalid_request")),
        case("amount-not-match", "Observed create-checkout refusal", 400, '{"message":["AMOUNT NOT MATCH"]}', e("invalid_request")),
        case("rate-limited", "429 after retries", 429, '{"message":["TOO MANY REQUESTS"]}', e("rate_limited", True)),
        case("server-error", "500 after retries", 500, "", e("server_error", True)),
        case("bad-gateway", "502 HTML from a proxy", 502, "<html>Bad Gateway</html>", e("server_error", True)),
        case("unexpected-status", "A 3xx is not something DOKU sends", 302, "", e("invalid_response")),
    ]
    return write("errors.json", {
        "description": "classify: DOKU's final HTTP status and body to success (maybe replayed) or an error code, from the message list.",
        "groups": [{"name": "classification", "operation": "classify", "cases": cases}],
    })


def retry():
    def case(cid, comment, attempt, outcome, expect, retry_after=None, jitter=1.0, **policy):
        p = {"max_retries": 2, "initial_backoff_ms": 500, "max_backoff_ms": 5000}
        p.update(policy)
        return {"id": cid, "comment": comment, "input": {"policy": p, "attempt": attempt, "outcome": outcome, "retry_after_seconds": retry_after, "jitter": jitter}, "expect": expect}

    r = lambda ms: {"retry": True, "delay_ms": ms}
    stop = {"retry": False}
    cases = [
        case("503-first", "5xx is retried with the initial backoff", 1, {"status": 503}, r(500)),
        case("500-second", "Backoff doubles", 2, {"status": 500}, r(1000)),
        case("500-exhausted", "No more than max_retries", 3, {"status": 500}, stop),
        case("jitter-low", "Jitter 0 halves the backoff", 1, {"status": 502}, r(250), jitter=0.0),
        case("jitter-mid", "Jitter 0.5 gives 75 %", 2, {"status": 502}, r(750), jitter=0.5),
        case("cap", "Backoff is capped at the maximum", 6, {"status": 500}, r(5000), max_retries=10),
        case("connect-failed", "Connection refused", 1, {"transport": "connect_failed"}, r(500)),
        case("connection-lost", "Connection reset", 1, {"transport": "connection_lost"}, r(500)),
        case("timed-out", "Per-attempt timeout", 1, {"transport": "timed_out"}, r(500)),
        case("429-retry-after", "Retry-After is honoured", 1, {"status": 429}, r(2000), retry_after=2, jitter=0.1),
        case("429-retry-after-capped", "Retry-After is capped at the maximum backoff", 1, {"status": 429}, r(5000), retry_after=120),
        case("429-no-header", "429 without Retry-After backs off normally", 1, {"status": 429}, r(500)),
        case("400", "Other 4xx are final", 1, {"status": 400}, stop),
        case("401", "401 is final", 1, {"status": 401}, stop),
        case("404", "404 is final", 1, {"status": 404}, stop),
        case("409", "409 is DOKU's replay: final", 1, {"status": 409}, stop),
        case("200", "Success is final", 1, {"status": 200}, stop),
        case("no-retries", "max_retries 0 never retries", 1, {"status": 503}, stop, max_retries=0),
    ]
    return write("retry.json", {
        "description": "The retry decision after attempt N: outcome (status or transport failure), Retry-After, jitter in [0,1) to retry-with-delay or stop.",
        "groups": [{"name": "decide", "operation": "retry_decision", "cases": cases}],
    })


def channels():
    table = [("VIRTUAL_ACCOUNT_BCA", "supported"), ("VIRTUAL_ACCOUNT_BANK_MANDIRI", "supported"), ("VIRTUAL_ACCOUNT_BRI", "supported"),
             ("VIRTUAL_ACCOUNT_DOKU", "supported"), ("VIRTUAL_ACCOUNT_BTN", "not_supported"), ("VIRTUAL_ACCOUNT_BNC", "not_supported"),
             ("VIRTUAL_ACCOUNT_BPD_BALI", "not_supported"), ("VIRTUAL_ACCOUNT_BANK_OCBC", "not_supported"), ("QRIS", "supported"),
             ("ONLINE_TO_OFFLINE_ALFA", "supported"), ("ONLINE_TO_OFFLINE_INDOMARET", "supported"), ("CREDIT_CARD", "not_supported"),
             ("EMONEY_OVO", "not_supported"), ("EMONEY_SHOPEE_PAY", "not_supported"), ("DIRECT_DEBIT_BRI", "not_supported"),
             ("PEER_TO_PEER_AKULAKU", "not_supported"), ("KARTU_KREDIT_INDONESIA", "not_supported"), ("JENIUS_PAY", "not_supported"),
             ("PERMATA_NET", "unknown"), ("SOMETHING_NEW", "unknown"), ("qris", "supported")]
    cases = [{"id": c.lower().replace("_", "-"), "comment": "Cancel Order page's channel table", "input": {"payment_method_type": c}, "expect": {"support": s}} for c, s in table]
    cases[-1]["id"] = "lower-case-qris"
    return write("cancel_support.json", {
        "description": "cancel_support: payment_method_types code to supported / not_supported / unknown (advisory).",
        "groups": [{"name": "channels", "operation": "cancel_support", "cases": cases}],
    })


def requests():
    ok = lambda inv, orig, note, body: {"id": None, "input": {"invoice_number": inv, "original_request_id": orig, "note": note}, "expect": {"body": body_spec(body)}}
    cancel = []
    c = ok("INV-20210231-0001", "fdb69f47-96da-499d-acec-7cdc318ab2fe", "Customer changed order", V2_BODY)
    c.update(id="v2-body", comment="The reference cancel body: compact JSON, keys order/payment/note")
    cancel.append(c)
    c = ok("INV/ü\"1", "r", "Catatan: \"batal\" ✓", json.dumps({"order": {"invoice_number": "INV/ü\"1"}, "payment": {"original_request_id": "r"}, "note": "Catatan: \"batal\" ✓"}, separators=(",", ":"), ensure_ascii=False).encode())
    c.update(id="escaping", comment="Quotes escaped, non-ASCII kept as UTF-8, / not escaped")
    cancel.append(c)
    bad = [("invoice-empty", "", "r", "n", "invoice_number"), ("invoice-65", "x" * 65, "r", "n", "invoice_number"),
           ("original-empty", "i", "", "n", "original_request_id"), ("original-129", "i", "r" * 129, "n", "original_request_id"),
           ("note-empty", "i", "r", "", "note"), ("note-256", "i", "r", "n" * 256, "note"), ("note-control", "i", "r", "a\u0007b", "note"),
           ("invoice-newline", "INV\n1", "r", "n", "invoice_number")]
    for cid, inv, orig, note, field in bad:
        cancel.append({"id": cid, "comment": f"{field} refused before sending", "input": {"invoice_number": inv, "original_request_id": orig, "note": note}, "expect": {"error": {"code": "invalid_input", "field": field}}})
    cancel.append({"id": "limits-inclusive", "comment": "64/128/255 characters (not bytes) are accepted", "input": {"invoice_number": "x" * 64, "original_request_id": "r" * 128, "note": "é" * 255},
                   "expect": {"body": body_spec(json.dumps({"order": {"invoice_number": "x" * 64}, "payment": {"original_request_id": "r" * 128}, "note": "é" * 255}, separators=(",", ":"), ensure_ascii=False).encode())}})
    status = [
        {"id": "plain", "comment": "Unreserved characters stay", "input": {"invoice_number": "INV-123123-12313"}, "expect": {"path": "/orders/v1/status/INV-123123-12313"}},
        {"id": "encoded", "comment": "Space, slash, ?, # and UTF-8 are percent-encoded", "input": {"invoice_number": "INV 1/2?#é"}, "expect": {"path": "/orders/v1/status/INV%201%2F2%3F%23%C3%A9"}},
        {"id": "empty", "comment": "Empty invoice refused", "input": {"invoice_number": ""}, "expect": {"error": {"code": "invalid_input", "field": "invoice_number"}}},
    ]
    return write("requests.json", {
        "description": "Request building: the exact cancel body bytes, or the invalid_input field; the percent-encoded status path.",
        "groups": [
            {"name": "cancel_body", "operation": "cancel_order_request", "cases": cancel},
            {"name": "status_path", "operation": "order_status_request", "cases": status},
        ],
    })


def config():
    # The documented defaults (README "Client settings"); the deadline default is every
    # attempt's timeout plus every backoff plus one second: 3 x 30 s + 2 x 5 s + 1 s.
    defaults = {"base_url": "https://api-sandbox.doku.com", "timeout_ms": 30000, "connect_timeout_ms": 10000,
                "max_retries": 2, "initial_backoff_ms": 500, "max_backoff_ms": 5000, "deadline_ms": 101000,
                "max_response_bytes": 1048576, "proxy": None, "verify_response_signatures": False}
    ids = {"client_id": "MCH-0001-10791114622547", "secret_key": SECRET}

    def ok(cid, comment, options, **changed):
        return {"id": cid, "comment": comment, "input": {**ids, "options": options}, "expect": {"settings": {**defaults, **changed}}}

    def bad(cid, comment, options, field, dynamic_only=False, **over):
        case = {"id": cid, "comment": comment, "input": {**ids, **over, "options": options}, "expect": {"error": {"code": "config_error", "field": field}}}
        if dynamic_only:
            case["dynamic_only"] = True  # cannot even be written in Kotlin/Swift (typed options)
        return case

    cases = [
        ok("defaults", "Nothing set: every default", {}),
        ok("production", "The production environment", {"environment": "production"}, base_url="https://api.doku.com"),
        ok("environment-case", "Environment names are case-insensitive", {"environment": "PRODUCTION"}, base_url="https://api.doku.com"),
        ok("base-url-wins", "base_url overrides environment; a trailing slash is dropped", {"environment": "production", "base_url": "http://127.0.0.1:8080/"}, base_url="http://127.0.0.1:8080"),
        ok("limits-inclusive", "The largest accepted values", {"timeout_ms": 600000, "connect_timeout_ms": 600000, "max_retries": 10, "initial_backoff_ms": 60000, "max_backoff_ms": 60000, "deadline_ms": 3600000, "max_response_bytes": 67108864},
           timeout_ms=600000, connect_timeout_ms=600000, max_retries=10, initial_backoff_ms=60000, max_backoff_ms=60000, deadline_ms=3600000, max_response_bytes=67108864),
        ok("smallest", "The smallest accepted values; the deadline follows timeouts and retries", {"timeout_ms": 1, "max_retries": 0, "initial_backoff_ms": 1, "max_backoff_ms": 1, "max_response_bytes": 1024},
           timeout_ms=1, max_retries=0, initial_backoff_ms=1, max_backoff_ms=1, max_response_bytes=1024, deadline_ms=1001),
        ok("proxy-and-verify", "A proxy and response verification", {"proxy": "http://127.0.0.1:3128", "verify_response_signatures": True}, proxy="http://127.0.0.1:3128", verify_response_signatures=True),
        bad("environment-unknown", "An unknown environment is refused", {"environment": "staging"}, "environment"),
        bad("environment-unknown-with-base-url", "Checked even when base_url is given", {"environment": "staging", "base_url": "http://127.0.0.1:8080"}, "environment"),
        bad("http-remote", "http only for loopback", {"base_url": "http://api.doku.com"}, "base_url"),
        bad("base-url-path", "No path in base_url", {"base_url": "https://api.doku.com/checkout"}, "base_url"),
        bad("base-url-credentials", "No credentials in base_url", {"base_url": "https://user:pw@api.doku.com"}, "base_url"),
        bad("timeout-zero", "A zero timeout", {"timeout_ms": 0}, "timeout_ms"),
        bad("timeout-over", "Over ten minutes", {"timeout_ms": 600001}, "timeout_ms"),
        bad("connect-timeout-zero", "A zero connect timeout", {"connect_timeout_ms": 0}, "connect_timeout_ms"),
        bad("retries-over", "More than ten retries", {"max_retries": 11}, "max_retries"),
        bad("backoff-inverted", "Initial backoff above the maximum", {"initial_backoff_ms": 6000}, "initial_backoff_ms"),
        bad("backoff-max-over", "Maximum backoff over a minute", {"max_backoff_ms": 60001}, "max_backoff_ms"),
        bad("response-cap-under", "A response cap under 1 KiB", {"max_response_bytes": 1023}, "max_response_bytes"),
        bad("response-cap-over", "A response cap over 64 MiB", {"max_response_bytes": 67108865}, "max_response_bytes"),
        bad("deadline-over", "A deadline over an hour", {"deadline_ms": 3600001}, "deadline_ms"),
        bad("proxy-scheme", "A proxy that is not http(s)", {"proxy": "socks5://127.0.0.1:1080"}, "proxy"),
        bad("client-id-empty", "An empty Client ID", {}, "client_id", client_id=""),
        bad("secret-key-empty", "An empty Secret Key", {}, "secret_key", secret_key=""),
        bad("unknown-option", "A misspelt option is refused, not ignored", {"timeout": 5000}, "options", dynamic_only=True),
        bad("string-number", "A number given as text is refused, not converted", {"timeout_ms": "5000"}, "timeout_ms", dynamic_only=True),
        bad("fractional-number", "A fraction is refused, not truncated", {"timeout_ms": 1.5}, "timeout_ms", dynamic_only=True),
        bad("negative-number", "A negative count is refused, not wrapped", {"max_retries": -1}, "max_retries", dynamic_only=True),
        bad("bool-as-text", "A flag given as text is refused", {"verify_response_signatures": "yes"}, "verify_response_signatures", dynamic_only=True),
        bad("number-too-large", "A number beyond 32 bits is refused, not wrapped", {"timeout_ms": 4294967296}, "timeout_ms", dynamic_only=True),
    ]
    return write("config.json", {
        "description": "client_config: client options (snake_case; each language uses its casing) to the settings in force, or the config_error naming the option. Cases marked dynamic_only cannot be written with typed options (Kotlin/Swift).",
        "groups": [{"name": "options", "operation": "client_config", "cases": cases}],
    })

def checkout_reading():
    """DOKU's accepted create-checkout forms (doku-api.md §2.2; DOKU's WooCommerce and Magento plugins send strings)."""
    def facts(inv, amount, due=60, methods=(), callback=None, recover=False, override=None, items=()):
        return {"invoice_number": inv, "amount": amount, "payment_due_date": due, "payment_method_types": list(methods),
                "line_items": [{"name": n, "price": p, "quantity": q} for n, p, q in items],
                "callback_url": callback, "recover_abandoned_cart": recover, "override_notification_url": override}

    def ok(cid, comment, body, expect):
        return {"id": cid, "comment": comment, "input": {"body": body}, "expect": expect}

    def no(cid, comment, body, field, reason, message=None):
        return {"id": cid, "comment": comment, "input": {"body": body},
                "expect": {"error": {"code": "invalid_request", "field": field, "reason": reason, "http_status": 400,
                                     "messages": [message or f"INVALID PARAMETER: {field}"]}}}

    woo_items = [{"name": "Kaos", "price": "50000", "quantity": 2, "sku": "K-1"}, {"name": "Topi", "price": "50000", "quantity": 1}]
    accepted = [
        ok("numbers", "DOKU's documented minimal body: numbers", {"order": {"amount": 20000, "invoice_number": "INV-20210231-0001"}, "payment": {"payment_due_date": 60}},
           facts("INV-20210231-0001", 20000)),
        ok("woo-zero-decimals", "WooCommerce with 0 price decimals: amount, prices and due date as digit strings",
           {"order": {"amount": "150000", "invoice_number": "WC-101", "line_items": woo_items, "callback_url": "https://shop.example/thanks"},
            "payment": {"payment_due_date": "60"}}, facts("WC-101", 150000, callback="https://shop.example/thanks", items=[("Kaos", 50000, 2), ("Topi", 50000, 1)])),
        ok("woo-two-decimals", "WooCommerce's default of 2 decimals: \"150000.00\" is 150000",
           {"order": {"amount": "150000.00", "invoice_number": "WC-102", "line_items": [{"name": "Kaos", "price": "75000.00", "quantity": "2"}]},
            "payment": {"payment_due_date": "120"}}, facts("WC-102", 150000, due=120, items=[("Kaos", 75000, 2)])),
        ok("magento-strings", "Magento: strings everywhere, methods listed",
           {"order": {"amount": "99000", "invoice_number": "000000123", "line_items": [{"name": "Bag", "price": "99000", "quantity": "1"}]},
            "payment": {"payment_due_date": "60", "payment_method_types": ["VIRTUAL_ACCOUNT_BCA", "QRIS"]}},
           facts("000000123", 99000, methods=["VIRTUAL_ACCOUNT_BCA", "QRIS"], items=[("Bag", 99000, 1)])),
        ok("number-zero-fraction", "A JSON number whose fraction is zero", {"order": {"amount": 150000.0, "invoice_number": "INV-F0"}}, facts("INV-F0", 150000)),
        ok("due-date-default", "No due date: DOKU's default of 60 minutes", {"order": {"amount": 1, "invoice_number": "INV-D"}}, facts("INV-D", 1)),
        ok("twelve-digits", "The largest amount: 12 digits", {"order": {"amount": "999999999999", "invoice_number": "INV-MAX"}}, facts("INV-MAX", 999999999999)),
        ok("free-line-item", "A line item priced 0 (a gift) still adds up", {"order": {"amount": 5000, "invoice_number": "INV-G",
           "line_items": [{"name": "Gift", "price": "0", "quantity": 1}, {"name": "Tea", "price": 5000, "quantity": 1}]}}, facts("INV-G", 5000, items=[("Gift", 0, 1), ("Tea", 5000, 1)])),
        ok("leading-zeros", "Digits with leading zeros read as the number", {"order": {"amount": "0150000", "invoice_number": "INV-LZ"}}, facts("INV-LZ", 150000)),
        ok("unnamed-item", "A line item without a name", {"order": {"amount": 10, "invoice_number": "INV-UN", "line_items": [{"price": 10, "quantity": 1}]}}, facts("INV-UN", 10, items=[(None, 10, 1)])),
        ok("recover-and-override", "recover_abandoned_cart and an override notification URL are read",
           {"order": {"amount": 10000, "invoice_number": "INV-RC", "recover_abandoned_cart": True},
            "additional_info": {"override_notification_url": "https://api.shop.example/payments/notifications"}},
           facts("INV-RC", 10000, recover=True, override="https://api.shop.example/payments/notifications")),
    ]
    refused = [
        no("fractional-amount", "Rupiah have no decimals: a fraction that is not zero", {"order": {"amount": "150000.50", "invoice_number": "I"}}, "order.amount", "fractional"),
        no("fractional-number", "A JSON number with a fraction", {"order": {"amount": 1500.5, "invoice_number": "I"}}, "order.amount", "fractional"),
        no("amount-not-a-number", "Text that is not a number", {"order": {"amount": "Rp150.000", "invoice_number": "I"}}, "order.amount", "not_a_number"),
        no("amount-exponent", "No exponent form", {"order": {"amount": "1.5e5", "invoice_number": "I"}}, "order.amount", "not_a_number"),
        no("amount-empty", "An empty string", {"order": {"amount": "", "invoice_number": "I"}}, "order.amount", "not_a_number"),
        no("amount-signed", "No sign", {"order": {"amount": "-150000", "invoice_number": "I"}}, "order.amount", "not_a_number"),
        no("amount-spaces", "No spaces", {"order": {"amount": " 150000", "invoice_number": "I"}}, "order.amount", "not_a_number"),
        no("amount-zero", "Nothing to pay", {"order": {"amount": "0.00", "invoice_number": "I"}}, "order.amount", "out_of_range"),
        no("amount-thirteen-digits", "Past 12 digits", {"order": {"amount": "1000000000000", "invoice_number": "I"}}, "order.amount", "out_of_range"),
        no("amount-missing", "No amount", {"order": {"invoice_number": "I"}}, "order.amount", "missing"),
        no("invoice-missing", "No invoice number", {"order": {"amount": 1}}, "order.invoice_number", "missing"),
        no("invoice-too-long", "An invoice number past 64 characters", {"order": {"amount": 1, "invoice_number": "I" * 65}}, "order.invoice_number", "too_long"),
        no("invoice-not-text", "An invoice number that is a number", {"order": {"amount": 1, "invoice_number": 12345}}, "order.invoice_number", "not_text"),
        no("items-not-adding-up", "Line items that do not add up to the amount", {"order": {"amount": "150000", "invoice_number": "I",
           "line_items": [{"name": "Kaos", "price": "50000", "quantity": "2"}]}}, "order.line_items", "amount_not_match", "AMOUNT NOT MATCH"),
        no("item-price-fractional", "A line-item price with a fraction", {"order": {"amount": 100, "invoice_number": "I",
           "line_items": [{"name": "a", "price": "99.50", "quantity": 1}]}}, "order.line_items.price", "fractional"),
        no("item-quantity-zero", "A line item of quantity 0", {"order": {"amount": 100, "invoice_number": "I",
           "line_items": [{"name": "a", "price": 100, "quantity": "0"}]}}, "order.line_items.quantity", "out_of_range"),
        no("due-date-text", "A due date that is not a number", {"order": {"amount": 1, "invoice_number": "I"}, "payment": {"payment_due_date": "sixty"}}, "payment.payment_due_date", "not_a_number"),
        no("due-date-fraction", "A due date with a fraction of a minute", {"order": {"amount": 1, "invoice_number": "I"}, "payment": {"payment_due_date": "1.5"}}, "payment.payment_due_date", "fractional"),
        no("due-date-zero", "A due date of 0 minutes", {"order": {"amount": 1, "invoice_number": "I"}, "payment": {"payment_due_date": 0}}, "payment.payment_due_date", "out_of_range"),
    ]
    return write("checkout_reading.json", {
        "description": "read_checkout_request: a create-checkout body (POST /checkout/v1/payment) read as DOKU does: numbers or digit strings for order.amount, line-item price and quantity and payment.payment_due_date; a decimal string whose fraction is zero is that integer; the rest is refused with DOKU's message. The emulator reads requests with this.",
        "groups": [{"name": "accepted", "operation": "read_checkout_request", "cases": accepted},
                   {"name": "refused", "operation": "read_checkout_request", "cases": refused}],
    })


def lifecycle():
    """The merchant-facing order lifecycle (doku-api.md §3): every DOKU status to a state, and
    the forward-only rule over every pair, written here independently of the Rust core."""
    TX = {"PENDING": "PENDING", "REDIRECT": "PENDING", "SUCCESS": "PAID", "FAILED": "FAILED", "TIMEOUT": "FAILED",
          "EXPIRED": "EXPIRED", "CANCELLED": "CANCELLED", "REFUNDED": "REFUNDED"}
    ORDER = {"ORDER_GENERATED": "PENDING", "ORDER_RECOVERED": "PENDING", "ORDER_EXPIRED": "EXPIRED"}
    FINAL = {"PAID", "EXPIRED", "CANCELLED", "REFUNDED"}
    KNOWN = {"PENDING", "PAID", "FAILED", "EXPIRED", "CANCELLED", "REFUNDED"}

    def state(tx, order):
        t = None if tx is None else TX.get(tx, tx)
        o = None if order is None else ORDER.get(order, order)
        if t == "PENDING" and o == "EXPIRED":
            return "EXPIRED"
        return t if t is not None else o

    def rule(stored, observed):
        if observed not in KNOWN:
            return "unrecognised", None
        if stored is None or stored not in KNOWN:
            return "apply", observed
        if stored == observed:
            return "unchanged", None
        if stored in ("PENDING", "FAILED"):
            return "apply", observed
        if observed in ("PENDING", "FAILED"):
            return "unchanged", None
        if (stored, observed) == ("PAID", "REFUNDED"):
            return "apply", observed
        if (stored, observed) == ("REFUNDED", "PAID"):
            return "unchanged", None
        return "anomaly", None

    reads = []
    for tx in [None, *TX, "VOIDED"]:
        for order in [None, *ORDER, "ORDER_SOMETHING_NEW"]:
            st = state(tx, order)
            cid = f"{tx or 'none'}-{order or 'none'}".lower().replace("_", "-")
            reads.append({"id": cid, "comment": f"transaction.status {tx}, order.status {order}",
                          "input": {"transaction_status": tx, "order_status": order},
                          "expect": {"state": st, "final": None if st is None else st in FINAL}})
    pairs = []
    for stored in [None, *sorted(KNOWN), "SOMETHING_OLD"]:
        for tx in [*TX, "VOIDED"]:
            observed = state(tx, None)
            outcome, new = rule(stored, observed)
            pairs.append({"id": f"{(stored or 'none').lower()}-then-{tx.lower()}", "comment": f"stored {stored}, DOKU now says {tx}",
                          "input": {"stored": stored, "observed": {"transaction_status": tx, "order_status": None}},
                          "expect": {"outcome": outcome, "state": new}})
    return write("lifecycle.json", {
        "description": "order_lifecycle: transaction.status and order.status to the merchant's order state (unknown values kept as they came); lifecycle_transition: a stored state and what DOKU says now to apply (with the new state), unchanged (late news), anomaly (final states that disagree) or unrecognised (a value this version does not know).",
        "groups": [{"name": "states", "operation": "order_lifecycle", "cases": reads},
                   {"name": "transitions", "operation": "lifecycle_transition", "cases": pairs}],
    })


if __name__ == "__main__":
    total = sum(f() for f in (signing, notifications, responses, timestamps, errors, retry, channels, requests, config, checkout_reading, lifecycle))
    print(f"wrote {total} cases")
