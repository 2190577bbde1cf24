// XCTest suite mirroring the Kotlin one: every shared vector and scenario, error types and
// fields, secret redaction, and cancellation safety. Needs the emulator CLI: set DOKU_CLI to
// the path of `doku-checkout` (built by `cargo build -p doku-checkout-cli`) and DOKU_REPO_ROOT.
import Foundation
import XCTest
@testable import DokuCheckout
import DokuCheckoutCore

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

/// Snake-case shared-file settings as the core's typed ClientOptions.
private func options(_ o: [String: Any], baseUrl: String? = nil) -> ClientOptions {
    func u(_ k: String) -> UInt32? { (o[k] as? NSNumber).map { UInt32($0.int64Value) } }
    return ClientOptions(environment: o["environment"] as? String, baseUrl: o["base_url"] as? String ?? baseUrl, timeoutMs: u("timeout_ms"),
                         connectTimeoutMs: u("connect_timeout_ms"), maxRetries: u("max_retries"), initialBackoffMs: u("initial_backoff_ms"),
                         maxBackoffMs: u("max_backoff_ms"), deadlineMs: u("deadline_ms"), maxResponseBytes: u("max_response_bytes"),
                         proxy: o["proxy"] as? String, verifyResponseSignatures: o["verify_response_signatures"] as? Bool)
}

/// The core's one test entry point, parsed.
private func conformance(_ op: String, _ input: [String: Any]) throws -> [String: Any] {
    let text = String(data: try JSONSerialization.data(withJSONObject: input), encoding: .utf8)!
    return try JSONSerialization.jsonObject(with: conformanceRun(operation: op, input: text).data(using: .utf8)!) as! [String: Any]
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
                    if c["dynamic_only"] as? Bool == true { continue } // not expressible with typed options
                    do {
                        try runVector(op, inp, expect, id)
                        XCTAssertNil(expect["error"], "\(id): expected an error")
                    } catch let e as DokuError {
                        guard let want = expect["error"] as? [String: Any] else { XCTFail("\(id): \(e)"); continue }
                        let f = e.details()
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
            XCTAssertEqual(try formatTimestamp(unixSeconds: (inp["unix"] as! NSNumber).int64Value), expect["text"] as? String, id)
        case "cancel_support":
            XCTAssertEqual(cancelSupport(paymentMethodType: s("payment_method_type")), expect["support"] as? String, id)
        case "client_config":
            let client = try DokuClient(clientId: s("client_id"), secretKey: s("secret_key"), options: options(inp["options"] as! [String: Any]))
            let settings = expect["settings"] as! [String: Any]
            XCTAssertEqual(client.baseUrl(), settings["base_url"] as? String, id)
            XCTAssertEqual(try conformance(op, inp)["ok"] as? NSDictionary, settings as NSDictionary, id)
        default:
            // Not public in Swift: the core decides, through its one test entry point.
            let out = try conformance(op, inp)
            if let want = expect["error"] as? [String: Any] {
                let got = out["error"] as? [String: Any] ?? [:]
                for (k, v) in want { XCTAssertEqual("\(got[k] ?? "nil")", "\(v)", "\(id): \(k)") }
            } else {
                XCTAssertEqual(out["ok"] as? NSDictionary, expect as NSDictionary, id)
            }
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
                                                    options: options(cfg, baseUrl: emu.url))
                        var out: [String: Any] = [:]
                        switch call["op"] as! String {
                        case "cancel_order":
                            let r = try await client.cancelOrder(invoiceNumber: args["invoice_number"] as! String, originalRequestId: args["original_request_id"] as! String, note: args["note"] as! String, requestId: args["request_id"] as? String)
                            out = ["request_id": r.requestId, "http_status": Int(r.httpStatus), "messages": r.messages, "order_status": r.orderStatus as Any, "replayed": r.replayed]
                        case "order_status":
                            let r = try await client.orderStatus(invoiceNumber: args["invoice_number"] as! String)
                            out = ["request_id": r.requestId, "http_status": Int(r.httpStatus), "status": r.status as Any]
                        default:
                            let request = CreateCheckoutRequest(invoiceNumber: args["invoice_number"] as! String, amount: (args["amount"] as! NSNumber).uint64Value,
                                                                paymentDueMinutes: (args["payment_due_minutes"] as? NSNumber).map { UInt32($0.intValue) },
                                                                paymentMethodTypes: args["payment_method_types"] as? [String] ?? [], customer: nil,
                                                                lineItems: (args["line_items"] as? [[String: Any]] ?? []).map { CheckoutLineItem(name: $0["name"] as! String, price: ($0["price"] as! NSNumber).uint64Value, quantity: UInt32(($0["quantity"] as! NSNumber).intValue)) },
                                                                callbackUrl: nil, callbackUrlCancel: nil, callbackUrlResult: nil, extra: nil)
                            let r = try await client.createCheckout(request: request, requestId: args["request_id"] as? String)
                            out = ["request_id": r.requestId, "http_status": Int(r.httpStatus), "has_payment_url": !r.paymentUrl.isEmpty, "has_expiry": r.expiresAt != nil]
                        }
                        guard let want = expect["result"] as? [String: Any] else { XCTFail("\(id): expected \(expect)"); continue }
                        for (k, v) in want { XCTAssertEqual("\(out[k] ?? "nil")", "\(v)", "\(id): \(k)") }
                        results.append(out)
                    } catch let e as DokuError {
                        guard let want = expect["error"] as? [String: Any] else { XCTFail("\(id): unexpected \(e)"); continue }
                        XCTAssertEqual(e.details().code, want["code"] as? String, id)
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

    func testBlockingTwins() throws {
        let secret = "SK-SWIFT-0123456789"
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        _ = try emu.control("POST", "/_mock/setup", ["orders": [["invoice_number": "INV-SB", "original_request_id": "r-INV-SB"],
                                                                ["invoice_number": "INV-SP", "original_request_id": "r-INV-SP", "state": "PAID"]]])
        let client = try DokuClient(clientId: "MCH-SW", secretKey: secret, options: ClientOptions(baseUrl: emu.url))
        let r = try client.cancelOrderBlocking(invoiceNumber: "INV-SB", originalRequestId: "r-INV-SB", note: "blocking", requestId: nil)
        XCTAssertEqual(r.orderStatus, "CANCELLED")
        XCTAssertEqual(try client.orderStatusBlocking(invoiceNumber: "INV-SB").status, "CANCELLED")
        XCTAssertThrowsError(try client.cancelOrderBlocking(invoiceNumber: "INV-SP", originalRequestId: "r-INV-SP", note: "late", requestId: nil)) { e in
            XCTAssertEqual((e as? DokuError)?.details().code, "order_not_cancellable")
        }
    }

    func testSecretNeverInDescription() throws {
        let client = try DokuClient(clientId: "MCH-1", secretKey: "SK-SWIFT-SECRET", options: ClientOptions())
        XCTAssertFalse("\(client)".contains("SK-SWIFT-SECRET"))
        XCTAssertThrowsError(try DokuClient(clientId: "MCH-1", secretKey: "SK-SWIFT-SECRET", options: ClientOptions(maxRetries: 11))) { e in
            XCTAssertEqual((e as! DokuError).details().field, "max_retries")
        }
    }

    /// The same fields, under the same names, as every other language.
    func testSurface() throws {
        let surface = try conformance("surface", [:])["ok"] as! [String: [String]]
        func camel(_ s: String) -> String {
            let parts = s.split(separator: "_")
            return ([String(parts[0])] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }).joined()
        }
        func names(_ value: Any) -> Set<String> { Set(Mirror(reflecting: value).children.compactMap { $0.label }) }
        let details = ErrorDetails(code: "c", message: "m", httpStatus: nil, requestId: nil, retryable: false, messages: [], rawBody: nil, reason: nil, field: nil)
        XCTAssertEqual(names(details), Set(surface["ErrorDetails"]!.map(camel)))
        let status = OrderStatusResult(requestId: "r", httpStatus: 200, invoiceNumber: nil, status: nil, transactionStatus: nil, orderStatus: nil, originalRequestId: nil, rawBody: "")
        XCTAssertEqual(names(status), Set(surface["OrderStatusResult"]!.map(camel)))
    }
}
