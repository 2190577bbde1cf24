// Every case of every file in tests/vectors/ through the Swift API where the operation is public,
// and through the core's test entry point where it is not (as the Kotlin suite does).
import DokuCheckout
import Foundation
import XCTest

final class VectorTests: XCTestCase {
    /// Operations public in Swift: run through the API, errors thrown as DokuError.
    private let publicOperations: Set = ["sign_request", "verify_notification", "verify_response", "format_timestamp", "cancel_support", "client_config",
                                         "order_lifecycle", "lifecycle_transition"]

    private struct Case {
        let id: String
        let operation: String
        let input: [String: Any]
        let expect: [String: Any]
        let dynamicOnly: Bool
    }

    private func cases() throws -> [Case] {
        try jsonFiles("tests/vectors").flatMap { file, doc in
            (doc["groups"] as! [[String: Any]]).flatMap { group in
                (group["cases"] as! [[String: Any]]).map { c in
                    Case(id: "\(file)/\(c["id"] as! String)", operation: group["operation"] as! String, input: c["input"] as! [String: Any],
                         expect: c["expect"] as! [String: Any], dynamicOnly: jsonBool(c["dynamic_only"]) == true)
                }
            }
        }
    }

    func testEveryFileAndCaseIsLoaded() throws {
        let files = try jsonFiles("tests/vectors")
        let declared = files.reduce(0) { $0 + ($1.1["number_of_cases"] as! NSNumber).intValue }
        XCTAssertGreaterThanOrEqual(files.count, 9)
        XCTAssertGreaterThanOrEqual(declared, 40)
        XCTAssertEqual(try cases().count, declared)
    }

    func testEveryVector() throws {
        var checked = 0
        for c in try cases() {
            checked += 1
            if c.dynamicOnly {
                // Not expressible with typed options (a misspelt name, text for a number): the Swift
                // compiler refuses it, so through the JSON constructor a config file would use.
                XCTAssertEqual(c.operation, "client_config", c.id)
                let options = String(decoding: try JSONSerialization.data(withJSONObject: c.input["options"]!), as: UTF8.self)
                do {
                    let client = try DokuClient.fromOptionsJson(clientId: c.input["client_id"] as! String, secretKey: c.input["secret_key"] as! String,
                                                                optionsJson: options)
                    XCTFail("\(c.id): expected a refusal, got \(client)")
                } catch let e as DokuError {
                    let want = c.expect["error"] as? [String: Any] ?? [:]
                    assertJSON(e.details().code, want["code"], "\(c.id): code")
                    assertJSON(e.details().field, want["field"], "\(c.id): field")
                }
                continue
            }
            let wantError = c.expect["error"] as? [String: Any]
            guard publicOperations.contains(c.operation) else {
                try checkThroughCore(c, wantError)
                continue
            }
            do {
                try runPublic(c)
                if let want = wantError { XCTFail("\(c.id): expected the error \(JSON(want))") }
            } catch let e as DokuError {
                guard let want = wantError else { XCTFail("\(c.id): unexpected \(e)"); continue }
                let f = e.details()
                XCTAssertEqual(f.code, want["code"] as? String, c.id)
                if let reason = want["reason"] { assertJSON(f.reason, reason, "\(c.id): reason") }
                if let field = want["field"] { assertJSON(f.field, field, "\(c.id): field") }
                if let retryable = want["retryable"] { assertJSON(f.retryable, retryable, "\(c.id): retryable") }
                XCTAssertFalse("\(e)".contains("SK-TEST-ONLY"), "\(c.id): the secret in the description")
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 40)
    }

    private func checkThroughCore(_ c: Case, _ wantError: [String: Any]?) throws {
        let out = try conformance(c.operation, c.input)
        if let want = wantError {
            guard let got = out["error"] as? [String: Any] else { XCTFail("\(c.id): expected \(JSON(want)), got \(JSON(out))"); return }
            for (k, v) in want { assertJSON(got[k], v, "\(c.id): \(k)") }
        } else {
            assertJSON(out, ["ok": c.expect], c.id)
        }
    }

    private func runPublic(_ c: Case) throws {
        let inp = c.input, expect = c.expect, id = c.id
        func s(_ k: String) -> String { inp[k] as! String }
        func headers() -> [HeaderPair] { (inp["headers"] as! [[String]]).map { HeaderPair(name: $0[0], value: $0[1]) } }
        switch c.operation {
        case "sign_request":
            let body = bodySpec(inp["body"])
            let request = SigningRequest(clientId: s("client_id"), requestId: s("request_id"), timestamp: s("timestamp"), requestTarget: s("request_target"), body: body)
            let text = try signingString(request: request)
            let signature = try signRequest(secretKey: s("secret_key"), request: request)
            assertJSON(text, expect["string_to_sign"], "\(id): string to sign")
            assertJSON(signature, expect["signature"], "\(id): signature")
            XCTAssertEqual(try DokuSigner(secretKey: s("secret_key")).sign(request: request), signature, id)
            assertJSON(body.map { computeDigest(body: $0) }, expect["digest"], "\(id): digest")
        case "verify_notification":
            let body = bodySpec(inp["body"])!
            let n = try verifyNotification(secretKey: s("secret_key"), headersReceived: headers(), body: body, notificationPath: s("notification_path"),
                                           toleranceSeconds: (inp["tolerance_seconds"] as? NSNumber)?.uint64Value, nowUnix: (inp["now"] as? NSNumber)?.int64Value)
            assertJSON(n.requestId, expect["request_id"], "\(id): request id")
            let sent = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            let read = try JSONSerialization.jsonObject(with: Data(n.bodyJson.utf8), options: [.fragmentsAllowed])
            assertJSON(read, sent, "\(id): body")
        case "verify_response":
            try verifyResponse(secretKey: s("secret_key"), clientId: s("sent_client_id"), requestId: s("sent_request_id"), requestTarget: s("request_target"),
                               headersReceived: headers(), body: bodySpec(inp["body"])!, withDigest: jsonBool(inp["with_digest"])!)
        case "format_timestamp":
            assertJSON(try formatTimestamp(unixSeconds: (inp["unix"] as! NSNumber).int64Value), expect["text"], id)
        case "cancel_support":
            assertJSON(cancelSupport(paymentMethodType: s("payment_method_type")), expect["support"], id)
        case "order_lifecycle":
            let state = try orderLifecycle(transactionStatus: inp["transaction_status"] as? String, orderStatus: inp["order_status"] as? String)
            assertJSON(state, expect["state"], id)
        case "lifecycle_transition":
            let observed = inp["observed"] as! [String: Any]
            let t = try lifecycleTransition(stored: inp["stored"] as? String, transactionStatus: observed["transaction_status"] as? String,
                                            orderStatus: observed["order_status"] as? String)
            assertJSON(t.outcome, expect["outcome"], "\(id): outcome")
            assertJSON(t.state, expect["state"], "\(id): state")
        case "client_config":
            // The public constructor accepts or refuses; the settings in force come from the core.
            let client = try DokuClient(clientId: s("client_id"), secretKey: s("secret_key"), options: clientOptions(inp["options"] as! [String: Any]))
            let settings = expect["settings"] as! [String: Any]
            assertJSON(client.baseUrl(), settings["base_url"], "\(id): base url")
            assertJSON(try conformance(c.operation, inp), ["ok": settings], id)
        default:
            XCTFail("\(id): \(c.operation) is not public")
        }
    }
}
