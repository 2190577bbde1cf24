// Signing, notifications, secret redaction and the error type's shape, without a server.
import DokuCheckout
import Foundation
import XCTest

private let docsSecret = "SK-TEST-ONLY-0123456789"

final class SigningTests: XCTestCase {
    /// doku-api.md V1: the check-status example of DOKU's docs, signed exactly.
    func testTheDocumentedStatusExample() throws {
        let request = SigningRequest(clientId: "MCH-0001-10791114622547", requestId: "d895fb53-479c-4f77-a76a-ab81b40d77cb",
                                     timestamp: "2020-08-11T08:45:42Z", requestTarget: "/orders/v1/status/INV-123123-12313", body: nil)
        XCTAssertEqual(try signingString(request: request),
                       "Client-Id:MCH-0001-10791114622547\nRequest-Id:d895fb53-479c-4f77-a76a-ab81b40d77cb\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/orders/v1/status/INV-123123-12313")
        XCTAssertEqual(try signRequest(secretKey: docsSecret, request: request), "HMACSHA256=i0P1zaM2J+dMqTB3+KLiq2ZT88tjbVBZPKPDlHBM8dg=")
        XCTAssertEqual(try DokuSigner(secretKey: docsSecret).sign(request: request), "HMACSHA256=i0P1zaM2J+dMqTB3+KLiq2ZT88tjbVBZPKPDlHBM8dg=")
    }

    /// doku-api.md V2: the cancel body's digest and signature; a pretty-printed body differs.
    func testTheDocumentedCancelExample() throws {
        let body = Data(#"{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}"#.utf8)
        XCTAssertEqual(computeDigest(body: body), "Uoy5266u6Udtk2mlgqkYKFqd4pqYJJ1YrM9S/4pMw6I=")
        let request = SigningRequest(clientId: "MCH-0001-10791114622547", requestId: "3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b",
                                     timestamp: "2020-08-11T08:45:42Z", requestTarget: "/checkout/v3/cancellations", body: body)
        XCTAssertEqual(try signRequest(secretKey: docsSecret, request: request), "HMACSHA256=paLBuQ4gujjH7MjAQqcOuwE7K3iCwIEW3SV1zFJdJ1E=")
        let pretty = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: body), options: [.prettyPrinted])
        XCTAssertNotEqual(computeDigest(body: pretty), computeDigest(body: body))
    }

    func testHeaderInjectionIsRefusedNamingTheField() throws {
        let request = SigningRequest(clientId: "MCH-1\nX-Evil: 1", requestId: "r", timestamp: "2020-08-11T08:45:42Z", requestTarget: "/x", body: nil)
        XCTAssertThrowsError(try signRequest(secretKey: docsSecret, request: request)) { e in
            guard case .InvalidInput(let details)? = e as? DokuError else { return XCTFail("expected InvalidInput, got \(e)") }
            XCTAssertEqual(details.field, "client_id")
            XCTAssertEqual(details.code, "invalid_input")
        }
    }

    func testANotificationSignedAsDokuWouldVerifies() throws {
        let body = Data(#"{"order":{"invoice_number":"INV-1","amount":150000},"transaction":{"status":"SUCCESS"}}"#.utf8)
        let headers = try signNotification(secretKey: docsSecret, clientId: "MCH-1", body: body, notificationPath: "/notify")
        XCTAssertEqual(headers.map(\.name), ["Client-Id", "Request-Id", "Request-Timestamp", "Signature"])
        let n = try verifyNotification(secretKey: docsSecret, headersReceived: headers, body: body, notificationPath: "/notify", toleranceSeconds: nil, nowUnix: nil)
        XCTAssertEqual(n.clientId, "MCH-1")
        XCTAssertEqual(n.requestId, headers[1].value)
        XCTAssertEqual(n.fields.invoiceNumber, "INV-1")
        XCTAssertEqual(n.fields.transactionStatus, "SUCCESS")
    }

    func testANotificationBodyIsWhatDokuSendsForTheChannel() throws {
        let body = try notificationBody(invoiceNumber: "INV-9", amount: 150_000, originalRequestId: "r-9", channel: "ONLINE_TO_OFFLINE_ALFA")
        let parsed = try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
        XCTAssertEqual((parsed["service"] as? [String: Any])?["id"] as? String, "ONLINE_TO_OFFLINE")
        XCTAssertEqual((parsed["acquirer"] as? [String: Any])?["id"] as? String, "ALFA")
        XCTAssertNotNil((parsed["online_to_offline_info"] as? [String: Any])?["payment_code"])
        let headers = try signNotification(secretKey: docsSecret, clientId: "MCH-1", body: Data(body.utf8), notificationPath: "/notify")
        let n = try verifyNotification(secretKey: docsSecret, headersReceived: headers, body: Data(body.utf8), notificationPath: "/notify", toleranceSeconds: nil, nowUnix: nil)
        XCTAssertEqual(n.fields.invoiceNumber, "INV-9")
        XCTAssertThrowsError(try notificationBody(invoiceNumber: "INV-9", amount: 0, originalRequestId: "r")) { error in
            XCTAssertEqual((error as? DokuError)?.details().field, "amount")
        }
    }

    func testATamperedOrMisroutedNotificationIsRefused() throws {
        let body = Data(#"{"order":{"invoice_number":"INV-1","amount":150000}}"#.utf8)
        let headers = try signNotification(secretKey: docsSecret, clientId: "MCH-1", body: body, notificationPath: "/notify")
        var tampered = body
        tampered.append(0x20)
        for (what, attempt) in [
            ("body", { try verifyNotification(secretKey: docsSecret, headersReceived: headers, body: tampered, notificationPath: "/notify", toleranceSeconds: nil, nowUnix: nil) }),
            ("path", { try verifyNotification(secretKey: docsSecret, headersReceived: headers, body: body, notificationPath: "/other", toleranceSeconds: nil, nowUnix: nil) }),
            ("key", { try verifyNotification(secretKey: "SK-OTHER-0123456789", headersReceived: headers, body: body, notificationPath: "/notify", toleranceSeconds: nil, nowUnix: nil) }),
        ] as [(String, () throws -> VerifiedNotification)] {
            XCTAssertThrowsError(try attempt(), what) { e in
                guard case .InvalidSignature(let details)? = e as? DokuError else { return XCTFail("\(what): expected InvalidSignature, got \(e)") }
                XCTAssertEqual(details.reason, "signature_mismatch", what)
                XCTAssertFalse("\(e)".contains(docsSecret), what)
            }
        }
    }

    func testAStaleNotificationIsRefusedAsClockSkew() throws {
        let body = Data(#"{"order":{"invoice_number":"INV-1"}}"#.utf8)
        let headers = try signNotification(secretKey: docsSecret, clientId: "MCH-1", body: body, notificationPath: "/notify", requestId: "rid-1",
                                           timestamp: "2020-08-11T08:45:42Z")
        XCTAssertNoThrow(try verifyNotification(secretKey: docsSecret, headersReceived: headers, body: body, notificationPath: "/notify",
                                                toleranceSeconds: 60, nowUnix: 1_597_135_542 + 30))
        XCTAssertThrowsError(try verifyNotification(secretKey: docsSecret, headersReceived: headers, body: body, notificationPath: "/notify",
                                                    toleranceSeconds: 60, nowUnix: 1_597_135_542 + 3600)) { e in
            XCTAssertEqual((e as? DokuError)?.details().code, "invalid_signature")
            XCTAssertNotEqual((e as? DokuError)?.details().reason, "signature_mismatch", "a stale notification says why")
        }
    }

    func testTheSecretNeverShows() throws {
        let key = "SK-SWIFT-SECRET-4242"
        let client = try DokuClient(clientId: "MCH-1", secretKey: key, options: ClientOptions())
        let signer = try DokuSigner(secretKey: key)
        for text in ["\(client)", String(describing: client), String(reflecting: client), "\(signer)", String(reflecting: signer)] {
            XCTAssertFalse(text.contains(key), text)
        }
        XCTAssertTrue("\(client)".contains("***"), "\(client)")
        XCTAssertThrowsError(try DokuClient(clientId: "MCH-1", secretKey: key, options: ClientOptions(maxRetries: 11))) { e in
            XCTAssertFalse("\(e)".contains(key))
            XCTAssertFalse(String(reflecting: e).contains(key))
            XCTAssertFalse(((e as? LocalizedError)?.errorDescription ?? "").contains(key))
        }
    }

    func testNewRequestIdsAreFreshUuids() {
        let ids = (0..<200).map { _ in newRequestId() }
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids.prefix(20) {
            XCTAssertEqual(UUID(uuidString: id)?.uuidString.lowercased(), id)
        }
    }

    func testFormatTimestampAndItsRange() throws {
        XCTAssertEqual(try formatTimestamp(unixSeconds: 1_597_135_542), "2020-08-11T08:45:42Z")
        XCTAssertThrowsError(try formatTimestamp(unixSeconds: Int64.max)) { e in
            XCTAssertEqual((e as? DokuError)?.details().code, "invalid_input")
        }
    }

    /// The same fields, under the same names, as every other language (camelCase here).
    func testResultsAndErrorDetailsCarryTheCoresFields() throws {
        let surface = try conformance("surface", [:])["ok"] as! [String: [String]]
        func camel(_ s: String) -> String {
            let parts = s.split(separator: "_")
            return ([String(parts[0])] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }).joined()
        }
        func names(_ value: Any) -> Set<String> { Set(Mirror(reflecting: value).children.compactMap { $0.label }) }
        let samples: [String: Any] = [
            "ErrorDetails": ErrorDetails(code: "c", message: "m", httpStatus: nil, requestId: nil, retryable: false, messages: [], rawBody: nil, reason: nil, field: nil),
            "OrderStatusResult": OrderStatusResult(requestId: "r", httpStatus: 200, invoiceNumber: nil, status: nil, transactionStatus: nil, orderStatus: nil,
                                                   originalRequestId: nil, rawBody: ""),
            "CancelOrderResult": CancelOrderResult(requestId: "r", httpStatus: 200, messages: [], orderStatus: nil, replayed: false, rawBody: ""),
            "CreateCheckoutResult": CreateCheckoutResult(requestId: "r", httpStatus: 200, messages: [], paymentUrl: "", tokenId: nil, expiresAt: nil, rawBody: ""),
        ]
        for (name, sample) in samples {
            let want = try XCTUnwrap(surface[name], name)
            XCTAssertEqual(names(sample), Set(want.map(camel)), name)
        }
    }

    /// One Swift case per stable code, named after it, each carrying its details.
    func testOneErrorCasePerStableCode() throws {
        let codes = try XCTUnwrap(try conformance("error_codes", [:])["ok"] as? [[String: Any]])
        func d(_ code: String) -> ErrorDetails {
            ErrorDetails(code: code, message: "m", httpStatus: nil, requestId: nil, retryable: false, messages: [], rawBody: nil, reason: nil, field: nil)
        }
        let cases: [String: DokuError] = [
            "invalid_input": .InvalidInput(details: d("invalid_input")), "authentication_failed": .AuthenticationFailed(details: d("authentication_failed")),
            "order_not_found": .OrderNotFound(details: d("order_not_found")), "order_not_cancellable": .OrderNotCancellable(details: d("order_not_cancellable")),
            "invalid_request": .InvalidRequest(details: d("invalid_request")), "duplicate_request": .DuplicateRequest(details: d("duplicate_request")),
            "rate_limited": .RateLimited(details: d("rate_limited")), "server_error": .ServerError(details: d("server_error")),
            "network_error": .NetworkError(details: d("network_error")), "timeout": .Timeout(details: d("timeout")),
            "invalid_response": .InvalidResponse(details: d("invalid_response")), "invalid_signature": .InvalidSignature(details: d("invalid_signature")),
            "config_error": .ConfigError(details: d("config_error")),
        ]
        XCTAssertEqual(Set(codes.compactMap { $0["code"] as? String }), Set(cases.keys), "one case per stable code")
        for entry in codes {
            let code = entry["code"] as! String
            let e = try XCTUnwrap(cases[code], code)
            XCTAssertEqual(e.details().code, code, "details() crosses to Rust and back")
            // The case is the code in UpperCamelCase (the Python/Node class names differ a little).
            let upperCamel = code.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            XCTAssertEqual(Mirror(reflecting: e).children.first?.label, upperCamel, code)
            XCTAssertTrue((e as Error) is LocalizedError)
        }
    }
}
