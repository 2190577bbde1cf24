// XCTest suite mirroring the Kotlin one: every shared vector and scenario, error types and
// fields, secret redaction, and cancellation safety. Needs the emulator CLI: set DOKU_CLI to
// the path of `doku-checkout` (built by `cargo build -p doku-checkout-cli`) and DOKU_REPO_ROOT.
import Foundation
import XCTest
@testable import DokuCheckout

private let env = ProcessInfo.processInfo.environment
private let repoRoot = URL(fileURLWithPath: env["DOKU_REPO_ROOT"] ?? FileManager.default.currentDirectoryPath + "/../..")

private func jsonFiles(_ dir: String) throws -> [(String, [String: Any])] {
    let url = repoRoot.appendingPathComponent(dir)
    let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".json") }.sorted()
    return try names.map { name in
        let data = try Data(contentsOf: url.appendingPathComponent(name))
        return (name, try JSONSerialization.jsonObject(with: data) as! [String: Any])
    }
}

/// null, {b64}, {hex} or {repeat: {hex, count}}.
private func body(_ spec: Any?) -> Data? {
    guard let o = spec as? [String: Any] else { return nil }
    func hex(_ s: String) -> Data {
        var d = Data()
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            d.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return d
    }
    if let b = o["b64"] as? String { return Data(base64Encoded: b)! }
    if let h = o["hex"] as? String { return hex(h) }
    if let r = o["repeat"] as? [String: Any] {
        let unit = hex(r["hex"] as! String)
        var d = Data()
        for _ in 0..<(r["count"] as! Int) { d.append(unit) }
        return d
    }
    return nil
}

private func fields(_ e: DokuError) -> (code: String, httpStatus: UInt16?, requestId: String?, retryable: Bool, messages: [String], reason: String?, field: String?) {
    switch e {
    case let .InvalidInput(_, s, r, re, m, reason, f, _), let .AuthenticationFailed(_, s, r, re, m, reason, f, _),
         let .OrderNotFound(_, s, r, re, m, reason, f, _), let .OrderNotCancellable(_, s, r, re, m, reason, f, _),
         let .InvalidRequest(_, s, r, re, m, reason, f, _), let .DuplicateRequest(_, s, r, re, m, reason, f, _),
         let .RateLimited(_, s, r, re, m, reason, f, _), let .ServerError(_, s, r, re, m, reason, f, _),
         let .NetworkError(_, s, r, re, m, reason, f, _), let .Timeout(_, s, r, re, m, reason, f, _),
         let .InvalidResponse(_, s, r, re, m, reason, f, _), let .InvalidSignature(_, s, r, re, m, reason, f, _),
         let .ConfigError(_, s, r, re, m, reason, f, _):
        return (errorCode(error: e), s, r, re, m, reason, f)
    }
}

/// The emulator process on a free loopback port.
final class Emulator {
    let process = Process()
    let url: String

    init(clientId: String, secretKey: String) throws {
        process.executableURL = URL(fileURLWithPath: env["DOKU_CLI"] ?? repoRoot.appendingPathComponent("target/debug/doku-checkout").path)
        process.arguments = ["mock", "--port", "0", "--client-id", clientId]
        process.environment = ["DOKU_SECRET_KEY": secretKey]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        url = String(decoding: line, as: UTF8.self).replacingOccurrences(of: "listening on ", with: "")
    }

    func control(_ method: String, _ path: String, _ payload: Any? = nil) throws -> Any {
        var req = URLRequest(url: URL(string: url + path)!)
        req.httpMethod = method
        if let p = payload { req.httpBody = try JSONSerialization.data(withJSONObject: p) }
        let sem = DispatchSemaphore(value: 0)
        var out: Data?
        URLSession.shared.dataTask(with: req) { data, _, _ in out = data; sem.signal() }.resume()
        sem.wait()
        return try JSONSerialization.jsonObject(with: out ?? Data("null".utf8), options: [.fragmentsAllowed])
    }

    deinit { process.terminate() }
}

final class DokuCheckoutTests: XCTestCase {
    func testEveryVector() throws {
        var total = 0
        for (file, doc) in try jsonFiles("tests/vectors") {
            for group in doc["groups"] as! [[String: Any]] {
                let op = group["operation"] as! String
                for c in group["cases"] as! [[String: Any]] {
                    total += 1
                    let id = "\(file)/\(c["id"] as! String)"
                    let inp = c["input"] as! [String: Any]
                    let expect = c["expect"] as! [String: Any]
                    do {
                        try runVector(op, inp, expect, id)
                        XCTAssertNil(expect["error"], "\(id): expected an error")
                    } catch let e as DokuError {
                        guard let want = expect["error"] as? [String: Any] else { XCTFail("\(id): \(e)"); continue }
                        let f = fields(e)
                        XCTAssertEqual(f.code, want["code"] as? String, id)
                        if let r = want["reason"] as? String { XCTAssertEqual(f.reason, r, id) }
                        if let fl = want["field"] as? String { XCTAssertEqual(f.field, fl, id) }
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(total, 40)
    }

    private func runVector(_ op: String, _ inp: [String: Any], _ expect: [String: Any], _ id: String) throws {
        func s(_ k: String) -> String { inp[k] as! String }
        switch op {
        case "sign_request":
            let request = SigningRequest(clientId: s("client_id"), requestId: s("request_id"), timestamp: s("timestamp"), requestTarget: s("request_target"), body: body(inp["body"]))
            XCTAssertEqual(try signingString(request: request), expect["string_to_sign"] as? String, id)
            XCTAssertEqual(try signRequest(secretKey: s("secret_key"), request: request), expect["signature"] as? String, id)
            XCTAssertEqual(try DokuSigner(secretKey: s("secret_key")).sign(request: request), expect["signature"] as? String, id)
        case "verify_notification":
            let headers = (inp["headers"] as! [[String]]).map { HeaderPair(name: $0[0], value: $0[1]) }
            let n = try verifyNotification(secretKey: s("secret_key"), headersReceived: headers, body: body(inp["body"])!, notificationPath: s("notification_path"),
                                           toleranceSeconds: (inp["tolerance_seconds"] as? NSNumber)?.uint64Value, nowUnix: (inp["now"] as? NSNumber)?.int64Value)
            XCTAssertEqual(n.requestId, expect["request_id"] as? String, id)
        case "verify_response":
            let headers = (inp["headers"] as! [[String]]).map { HeaderPair(name: $0[0], value: $0[1]) }
            try verifyResponse(secretKey: s("secret_key"), clientId: s("sent_client_id"), requestId: s("sent_request_id"), requestTarget: s("request_target"), headersReceived: headers, body: body(inp["body"])!, withDigest: inp["with_digest"] as! Bool)
        case "format_timestamp":
            XCTAssertEqual(formatTimestamp(unixSeconds: (inp["unix"] as! NSNumber).int64Value), expect["text"] as? String, id)
        case "parse_timestamp":
            XCTAssertEqual(try parseTimestamp(text: s("text")), (expect["unix"] as! NSNumber).int64Value, id)
        case "from_wib":
            let f = (inp["wib"] as! [NSNumber]).map { $0.intValue }
            XCTAssertEqual(formatTimestamp(unixSeconds: try fromWib(year: Int32(f[0]), month: UInt32(f[1]), day: UInt32(f[2]), hour: UInt32(f[3]), minute: UInt32(f[4]), second: UInt32(f[5]))), expect["text"] as? String, id)
        case "parse_wib_compact":
            XCTAssertEqual(formatTimestamp(unixSeconds: try parseWibCompact(text: s("wib_compact"))), expect["text"] as? String, id)
        case "classify":
            let replayed = try classifyResponse(httpStatus: UInt16((inp["http_status"] as! NSNumber).intValue), body: body(inp["body"]) ?? Data())
            XCTAssertEqual(replayed, expect["replayed"] as? Bool, id)
        case "retry_decision":
            let p = inp["policy"] as! [String: Any]
            let o = inp["outcome"] as! [String: Any]
            let delay = try retryDecision(maxRetries: UInt32((p["max_retries"] as! NSNumber).intValue), initialBackoffMs: (p["initial_backoff_ms"] as! NSNumber).uint64Value,
                                          maxBackoffMs: (p["max_backoff_ms"] as! NSNumber).uint64Value, attempt: UInt32((inp["attempt"] as! NSNumber).intValue),
                                          status: (o["status"] as? NSNumber).map { UInt16($0.intValue) }, transport: o["transport"] as? String,
                                          retryAfterSeconds: (inp["retry_after_seconds"] as? NSNumber)?.uint64Value, jitter: (inp["jitter"] as! NSNumber).doubleValue)
            XCTAssertEqual(delay, (expect["retry"] as! Bool) ? (expect["delay_ms"] as! NSNumber).uint64Value : nil, id)
        case "cancel_support":
            XCTAssertEqual(cancelSupport(paymentMethodType: s("payment_method_type")), expect["support"] as? String, id)
        case "cancel_order_request":
            XCTAssertEqual(try cancelOrderBody(invoiceNumber: s("invoice_number"), originalRequestId: s("original_request_id"), note: s("note")), body(expect["body"]), id)
        case "order_status_request":
            XCTAssertEqual(try orderStatusPath(invoiceNumber: s("invoice_number")), expect["path"] as? String, id)
        default:
            XCTFail("no runner for \(op)")
        }
    }

    func testEveryScenario() async throws {
        var total = 0
        for (_, doc) in try jsonFiles("tests/scenarios") {
            let secret = doc["secret_key"] as! String
            for sc in doc["scenarios"] as! [[String: Any]] {
                total += 1
                let id = sc["id"] as! String
                let emu = try Emulator(clientId: doc["client_id"] as! String, secretKey: secret)
                _ = try emu.control("POST", "/_mock/setup", sc["setup"])
                let cfg = sc["client"] as! [String: Any]
                var results: [[String: Any]] = []
                for step in sc["steps"] as! [[String: Any]] {
                    let call = step["call"] as! [String: Any]
                    var args = call["args"] as! [String: Any]
                    for (k, v) in args { if let ref = v as? [String: Any], let n = ref["from_step"] as? Int { args[k] = results[n][ref["field"] as! String] } }
                    let expect = step["expect"] as! [String: Any]
                    do {
                        let client = try DokuClient(clientId: cfg["client_id"] as? String ?? doc["client_id"] as! String, secretKey: cfg["secret_key"] as? String ?? secret,
                                                    options: ClientOptions(baseUrl: cfg["base_url"] as? String ?? emu.url, timeoutMs: (cfg["timeout_ms"] as! NSNumber).uint64Value,
                                                                           maxRetries: UInt32((cfg["max_retries"] as! NSNumber).intValue), verifyResponseSignatures: cfg["verify_response_signatures"] as? Bool ?? false, runtime: "swift"))
                        var out: [String: Any] = [:]
                        switch call["op"] as! String {
                        case "cancel_order":
                            let r = try await client.cancelOrder(invoiceNumber: args["invoice_number"] as! String, originalRequestId: args["original_request_id"] as! String, note: args["note"] as! String, requestId: args["request_id"] as? String)
                            out = ["request_id": r.requestId, "http_status": Int(r.httpStatus), "messages": r.messages, "order_status": r.orderStatus as Any, "replayed": r.replayed]
                        case "order_status":
                            let r = try await client.orderStatus(invoiceNumber: args["invoice_number"] as! String)
                            out = ["request_id": r.requestId, "http_status": Int(r.httpStatus), "status": r.status as Any]
                        default:
                            let r = try await client.createCheckout(input: CreateCheckoutInput(invoiceNumber: args["invoice_number"] as! String, amount: (args["amount"] as! NSNumber).uint64Value,
                                                                                               paymentDueMinutes: (args["payment_due_minutes"] as? NSNumber).map { UInt32($0.intValue) },
                                                                                               paymentMethodTypes: args["payment_method_types"] as? [String] ?? [], customerName: nil, customerEmail: nil,
                                                                                               lineItems: (args["line_items"] as? [[String: Any]] ?? []).map { LineItem(name: $0["name"] as! String, price: ($0["price"] as! NSNumber).uint64Value, quantity: UInt32(($0["quantity"] as! NSNumber).intValue)) },
                                                                                               callbackUrl: nil, extraJson: nil, requestId: args["request_id"] as? String))
                            out = ["request_id": r.requestId, "http_status": Int(r.httpStatus), "has_payment_url": !r.paymentUrl.isEmpty, "has_expiry": r.expiresAtUnix != nil]
                        }
                        guard let want = expect["result"] as? [String: Any] else { XCTFail("\(id): expected \(expect)"); continue }
                        for (k, v) in want { XCTAssertEqual("\(out[k] ?? "nil")", "\(v)", "\(id): \(k)") }
                        results.append(out)
                    } catch let e as DokuError {
                        guard let want = expect["error"] as? [String: Any] else { XCTFail("\(id): unexpected \(e)"); continue }
                        XCTAssertEqual(fields(e).code, want["code"] as? String, id)
                        XCTAssertFalse("\(e)".contains(secret), id)
                        results.append([:])
                    }
                }
                let log = try emu.control("GET", "/_mock/log") as! [[String: Any]]
                let wire = sc["wire"] as! [String: Any]
                if let n = wire["requests"] as? Int { XCTAssertEqual(log.count, n, id) }
                if wire["same_request_id"] as? Bool == true { XCTAssertEqual(Set(log.map { "\($0["request_id"] ?? "")" }).count, 1, id) }
            }
        }
        XCTAssertGreaterThanOrEqual(total, 40)
    }

    func testSecretNeverInDescription() throws {
        let client = try DokuClient(clientId: "MCH-1", secretKey: "SK-SWIFT-SECRET", options: ClientOptions(environment: "sandbox", baseUrl: nil, timeoutMs: 30000, connectTimeoutMs: 10000, maxRetries: 2, verifyResponseSignatures: false, runtime: "swift"))
        XCTAssertFalse("\(client)".contains("SK-SWIFT-SECRET"))
    }
}
