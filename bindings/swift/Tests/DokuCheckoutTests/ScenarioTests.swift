// Every scenario of tests/scenarios/ against the emulator process over loopback, through the
// public async API, with the same wire checks as every other language.
import DokuCheckout
import Foundation
import XCTest

final class ScenarioTests: XCTestCase {
    /// A call's outcome under the shared files' snake-case names (nil kept as JSON null).
    private func call(_ client: DokuClient, _ op: String, _ args: [String: Any]) async throws -> [String: Any?] {
        func s(_ k: String) -> String { args[k] as! String }
        switch op {
        case "cancel_order":
            let r = try await client.cancelOrder(invoiceNumber: s("invoice_number"), originalRequestId: s("original_request_id"), note: s("note"),
                                                 requestId: args["request_id"] as? String)
            return ["request_id": r.requestId, "http_status": r.httpStatus, "messages": r.messages, "order_status": r.orderStatus, "replayed": r.replayed]
        case "cancel_by_invoice":
            let r = try await client.cancelByInvoice(invoiceNumber: s("invoice_number"), note: s("note"), requestId: args["request_id"] as? String)
            return ["request_id": r.requestId, "http_status": r.httpStatus, "messages": r.messages, "order_status": r.orderStatus, "replayed": r.replayed]
        case "order_status":
            let r = try await client.orderStatus(invoiceNumber: s("invoice_number"))
            return ["request_id": r.requestId, "http_status": r.httpStatus, "status": r.status, "transaction_status": r.transactionStatus,
                    "order_status": r.orderStatus]
        case "create_checkout":
            let r = try await client.createCheckout(request: checkoutRequest(args), requestId: args["request_id"] as? String)
            return ["request_id": r.requestId, "http_status": r.httpStatus, "has_payment_url": !r.paymentUrl.isEmpty, "has_expiry": r.expiresAt != nil]
        default:
            throw Harness.conformance("unknown operation \(op)")
        }
    }

    private func checkoutRequest(_ a: [String: Any]) -> CreateCheckoutRequest {
        let items = (a["line_items"] as? [[String: Any]] ?? []).map {
            CheckoutLineItem(name: $0["name"] as! String, price: ($0["price"] as! NSNumber).uint64Value, quantity: ($0["quantity"] as! NSNumber).uint32Value)
        }
        return CreateCheckoutRequest(invoiceNumber: a["invoice_number"] as! String, amount: (a["amount"] as! NSNumber).uint64Value,
                                     paymentDueMinutes: (a["payment_due_minutes"] as? NSNumber)?.uint32Value,
                                     paymentMethodTypes: a["payment_method_types"] as? [String] ?? [], customer: nil, lineItems: items,
                                     callbackUrl: nil, callbackUrlCancel: nil, callbackUrlResult: nil, extra: nil)
    }

    /// `want` is contained in `got`: objects key by key, arrays element by element (same count).
    private func subset(_ want: Any?, _ got: Any?, _ at: String) {
        if let w = want as? [String: Any] {
            guard let g = got as? [String: Any] else { return XCTFail("\(at): expected an object, got \(JSON(got))") }
            for (k, v) in w { subset(v, g[k], "\(at).\(k)") }
        } else if let w = want as? [Any] {
            guard let g = got as? [Any], g.count == w.count else { return XCTFail("\(at): expected \(JSON(want)), got \(JSON(got))") }
            for (i, pair) in zip(w, g).enumerated() { subset(pair.0, pair.1, "\(at)[\(i)]") }
        } else {
            assertJSON(got, want, at)
        }
    }

    /// What the emulator delivered, each verified with this package as a merchant would.
    private func checkNotifications(_ emulator: Emulator, _ secret: String, _ expected: [[String: Any]], _ at: String) throws {
        let (status, answer) = try emulator.call("POST", "/_mock/notifications/wait")
        XCTAssertEqual(status, 200, "\(at): \(JSON(answer))")
        guard let delivered = answer as? [[String: Any]], delivered.count == expected.count else {
            return XCTFail("\(at): expected \(expected.count) notifications, got \(JSON(answer))")
        }
        for (i, pair) in zip(expected, delivered).enumerated() {
            var want = pair.0
            let names = want.removeValue(forKey: "header_names") as? [String] ?? []
            let verified = want.removeValue(forKey: "verified")
            let got = pair.1
            subset(want, got, "\(at): notification \(i)")
            let attempts = got["attempts"] as? [[String: Any]] ?? []
            let headers = (attempts.last?["headers"] as? [[String]] ?? []).map { HeaderPair(name: $0[0], value: $0[1]) }
            for name in names { XCTAssertTrue(headers.contains { $0.name == name }, "\(at): no header named exactly \(name)") }
            if let verified {
                let n = try verifyNotification(secretKey: secret, headersReceived: headers, body: Data((got["body"] as! String).utf8),
                                               notificationPath: got["path"] as! String, toleranceSeconds: nil, nowUnix: nil)
                subset(verified, try JSONSerialization.jsonObject(with: Data(n.bodyJson.utf8)), "\(at): verified notification \(i)")
            }
        }
    }

    func testEveryScenario() async throws {
        var total = 0
        for (file, doc) in try jsonFiles("tests/scenarios") {
            for scenario in doc["scenarios"] as! [[String: Any]] {
                total += 1
                try await run(scenario, in: doc, id: "\(file)/\(scenario["id"] as! String)")
            }
        }
        XCTAssertGreaterThanOrEqual(total, 40)
    }

    private func run(_ sc: [String: Any], in doc: [String: Any], id: String) async throws {
        let secret = doc["secret_key"] as! String
        let emulator = try Emulator(clientId: doc["client_id"] as! String, secretKey: secret)
        try emulator.setup(sc["setup"])
        let cfg = sc["client"] as! [String: Any]
        var results: [[String: Any?]] = []
        for (n, step) in (sc["steps"] as! [[String: Any]]).enumerated() {
            if let control = step["control"] as? [String: Any] {
                let (status, answer) = try emulator.call(control["method"] as! String, control["path"] as! String, control["body"])
                assertJSON(status, (step["expect"] as! [String: Any])["status"], "\(id) step \(n): \(JSON(answer))")
                results.append([:])
                continue
            }
            if let expected = step["notifications"] as? [[String: Any]] {
                try checkNotifications(emulator, secret, expected, "\(id) step \(n)")
                results.append([:])
                continue
            }
            let call = step["call"] as! [String: Any]
            var args = call["args"] as! [String: Any]
            for (k, v) in args {
                if let ref = v as? [String: Any], let from = (ref["from_step"] as? NSNumber)?.intValue {
                    args[k] = results[from][ref["field"] as! String] as? String
                }
            }
            let expect = step["expect"] as! [String: Any]
            let where_ = "\(id) step \(n)"
            do {
                let client = try DokuClient(clientId: cfg["client_id"] as? String ?? emulator.clientId, secretKey: cfg["secret_key"] as? String ?? secret,
                                            options: clientOptions(cfg, baseUrl: emulator.url))
                let out = try await self.call(client, call["op"] as! String, args)
                guard let want = expect["result"] as? [String: Any] else {
                    XCTFail("\(where_): expected the error \(JSON(expect["error"])), got \(JSON(out))")
                    results.append([:])
                    continue
                }
                for (k, v) in want { assertJSON(out[k] ?? nil, v, "\(where_): \(k)") }
                results.append(out)
            } catch let e as DokuError {
                guard let want = expect["error"] as? [String: Any] else {
                    XCTFail("\(where_): unexpected \(e)")
                    results.append([:])
                    continue
                }
                let f = e.details()
                let got: [String: Any?] = ["code": f.code, "http_status": f.httpStatus, "request_id": f.requestId, "retryable": f.retryable,
                                           "messages": f.messages, "field": f.field, "reason": f.reason]
                for (k, v) in want { assertJSON(got[k] ?? nil, v, "\(where_): error.\(k)") }
                XCTAssertFalse("\(e)".contains(secret), "\(where_): the secret in the description")
                results.append([:])
            }
        }
        let log = try emulator.requests()
        let wire = sc["wire"] as! [String: Any]
        if let n = wire["requests"] { assertJSON(log.count, n, "\(id): requests") }
        if jsonBool(wire["same_request_id"]) == true {
            XCTAssertEqual(Set(log.map { "\(JSON($0["request_id"]))" }).count, 1, "\(id): one Request-Id")
        }
        if let n = wire["state_changes"] { assertJSON(log.filter { jsonBool($0["state_changed"]) == true }.count, n, "\(id): state changes") }
        if let all = wire["all_signatures_valid"] { assertJSON(log.allSatisfy { jsonBool($0["signature_valid"]) == true }, all, "\(id): signatures") }
        if let paths = wire["paths"] { assertJSON(log.map { $0["path"] as? String }, paths, "\(id): paths") }
        if let quoted = wire["cancel_original_request_ids"] {
            let cancels = log.filter { $0["path"] as? String == "/checkout/v3/cancellations" }.map { entry -> String? in
                let body = try? JSONSerialization.jsonObject(with: Data((entry["body"] as? String ?? "").utf8)) as? [String: Any]
                return (body?["payment"] as? [String: Any])?["original_request_id"] as? String
            }
            assertJSON(cancels, quoted, "\(id): original_request_id of each cancel")
        }
        for (invoice, state) in sc["final_states"] as? [String: Any] ?? [:] {
            assertJSON(try emulator.orderState(invoice), state, "\(id): \(invoice)")
        }
    }
}
