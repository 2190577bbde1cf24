// The client against the real emulator over loopback: results, typed errors and their fields,
// retries under one Request-Id, timeouts, cancellation of an async call, concurrency.
import DokuCheckout
import Foundation
import XCTest

private let secret = "SK-SWIFT-0123456789"

private func order(_ invoice: String, _ state: String = "PENDING") -> [String: Any] {
    ["invoice_number": invoice, "original_request_id": "r-\(invoice)", "payment_method": "VIRTUAL_ACCOUNT_BCA", "state": state, "amount": 150000]
}

/// The details of the DokuError a throwing async call ended with, after checking that the Swift
/// case is the one for its code (a Rust error must land in its own case); nil and a test
/// failure when it succeeded or threw something else.
private func dokuError<T>(_ what: String, _ call: () async throws -> T) async -> ErrorDetails? {
    do {
        let value = try await call()
        XCTFail("\(what): expected a DokuError, got \(value)")
    } catch let e as DokuError {
        let details = e.details()
        let upperCamel = details.code.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        XCTAssertEqual(Mirror(reflecting: e).children.first?.label, upperCamel, "\(what): the case for \(details.code)")
        return details
    } catch {
        XCTFail("\(what): expected a DokuError, got \(error)")
    }
    return nil
}

final class ClientTests: XCTestCase {
    func testCancelThenStatusIsCancelled() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        try emu.setup(["orders": [order("INV-C1")]])
        let client = try emu.client()
        let r = try await client.cancelOrder(invoiceNumber: "INV-C1", originalRequestId: "r-INV-C1", note: "changed", requestId: nil)
        XCTAssertEqual(r.orderStatus, "CANCELLED")
        XCTAssertEqual(r.httpStatus, 200)
        XCTAssertFalse(r.replayed)
        XCTAssertEqual(UUID(uuidString: r.requestId)?.uuidString.lowercased(), r.requestId, "a fresh UUID per logical call")
        let status = try await client.orderStatus(invoiceNumber: "INV-C1")
        XCTAssertEqual(status.status, "CANCELLED")
        XCTAssertEqual(status.invoiceNumber, "INV-C1")
        XCTAssertEqual(try emu.orderState("INV-C1"), "CANCELLED")
    }

    func testSameRequestIdReplaysInsteadOfCancellingTwice() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        try emu.setup(["orders": [order("INV-R1")]])
        let client = try emu.client()
        let id = newRequestId()
        let first = try await client.cancelOrder(invoiceNumber: "INV-R1", originalRequestId: "r-INV-R1", note: "once", requestId: id)
        let again = try await client.cancelOrder(invoiceNumber: "INV-R1", originalRequestId: "r-INV-R1", note: "once", requestId: id)
        XCTAssertEqual(first.requestId, id)
        XCTAssertEqual(again.requestId, id)
        XCTAssertFalse(first.replayed)
        XCTAssertTrue(again.replayed, "the second send is DOKU's replay of the first")
        XCTAssertEqual(again.orderStatus, "CANCELLED")
        let log = try emu.requests()
        XCTAssertEqual(log.count, 2)
        XCTAssertEqual(log.filter { jsonBool($0["state_changed"]) == true }.count, 1)
    }

    func testPaidOrderIsATypedRefusalWithEveryField() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        try emu.setup(["orders": [order("INV-P1", "PAID")]])
        let client = try emu.client()
        let id = newRequestId()
        let f = await dokuError("paid") { try await client.cancelOrder(invoiceNumber: "INV-P1", originalRequestId: "r-INV-P1", note: "late", requestId: id) }
        XCTAssertEqual(f?.code, "order_not_cancellable")
        XCTAssertEqual(f?.requestId, id)
        XCTAssertEqual(f?.retryable, false)
        XCTAssertNotNil(f?.httpStatus)
        XCTAssertTrue((400..<500).contains(Int(f?.httpStatus ?? 0)), "a 4xx: \(String(describing: f?.httpStatus))")
        XCTAssertFalse(f?.messages.isEmpty ?? true, "DOKU's messages are kept")
        XCTAssertFalse(f?.rawBody?.isEmpty ?? true, "the raw body is kept")
        XCTAssertFalse(f?.message.isEmpty ?? true)
        XCTAssertEqual(try emu.orderState("INV-P1"), "PAID")
    }

    func testBlockingTwins() throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        try emu.setup(["orders": [order("INV-SB"), order("INV-SP", "PAID")]])
        let client = try emu.client()
        let r = try client.cancelOrderBlocking(invoiceNumber: "INV-SB", originalRequestId: "r-INV-SB", note: "blocking", requestId: nil)
        XCTAssertEqual(r.orderStatus, "CANCELLED")
        XCTAssertEqual(try client.orderStatusBlocking(invoiceNumber: "INV-SB").status, "CANCELLED")
        XCTAssertThrowsError(try client.cancelOrderBlocking(invoiceNumber: "INV-SP", originalRequestId: "r-INV-SP", note: "late", requestId: nil)) { e in
            XCTAssertEqual((e as? DokuError)?.details().code, "order_not_cancellable")
        }
    }

    func testA503IsRetriedUnderTheSameRequestId() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        try emu.setup(["orders": [order("INV-503")], "faults": [["kind": "status", "status": 503, "count": 1]]])
        let r = try await emu.client().cancelOrder(invoiceNumber: "INV-503", originalRequestId: "r-INV-503", note: "retry", requestId: nil)
        XCTAssertEqual(r.orderStatus, "CANCELLED")
        let log = try emu.requests()
        XCTAssertEqual(log.count, 2, "one 503, then the retry")
        XCTAssertEqual(Set(log.map { $0["request_id"] as? String }), [r.requestId])
    }

    func testASlowAnswerIsARetryableTimeout() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        try emu.setup(["orders": [order("INV-T1")], "faults": [["kind": "delay", "ms": 1500, "count": 1]]])
        let client = try emu.client(ClientOptions(timeoutMs: 200, maxRetries: 0))
        let f = await dokuError("slow") { try await client.orderStatus(invoiceNumber: "INV-T1") }
        XCTAssertEqual(f?.code, "timeout")
        XCTAssertEqual(f?.retryable, true)
        XCTAssertNil(f?.httpStatus)
    }

    func testNoServerIsARetryableNetworkError() async throws {
        // Port 9 (discard) on loopback: nothing listens there here.
        let client = try DokuClient(clientId: "MCH-SW", secretKey: secret, options: ClientOptions(baseUrl: "http://127.0.0.1:9", maxRetries: 0))
        let f = await dokuError("refused") { try await client.orderStatus(invoiceNumber: "INV-N1") }
        XCTAssertEqual(f?.code, "network_error")
        XCTAssertEqual(f?.retryable, true)
    }

    func testBadInputIsRefusedBeforeAnythingIsSent() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        let client = try emu.client()
        let empty = await dokuError("empty invoice") { try await client.cancelOrder(invoiceNumber: "", originalRequestId: "r", note: "n", requestId: nil) }
        XCTAssertEqual(empty?.code, "invalid_input")
        XCTAssertEqual(empty?.field, "invoice_number")
        XCTAssertEqual(empty?.retryable, false)
        let injected = await dokuError("header injection") {
            try await client.cancelOrder(invoiceNumber: "INV-1", originalRequestId: "r", note: "n", requestId: "abc\r\nX-Evil: 1")
        }
        XCTAssertEqual(injected?.code, "invalid_input")
        XCTAssertEqual(injected?.field, "request_id")
        XCTAssertEqual(try emu.requests().count, 0, "nothing reached the server")
    }

    func testInvalidOptionsNameTheField() throws {
        XCTAssertThrowsError(try DokuClient(clientId: "MCH-1", secretKey: secret, options: ClientOptions(maxRetries: 11))) { e in
            XCTAssertEqual((e as? DokuError)?.details().code, "config_error")
            XCTAssertEqual((e as? DokuError)?.details().field, "max_retries")
        }
        XCTAssertThrowsError(try DokuClient(clientId: "MCH-1", secretKey: "", options: ClientOptions())) { e in
            guard case .ConfigError(let details)? = e as? DokuError else { return XCTFail("expected ConfigError, got \(e)") }
            XCTAssertEqual(details.field, "secret_key")
            XCTAssertFalse(details.message.isEmpty)
        }
    }

    /// A cancelled Task must never leave a cancel half-sent: the call runs to its end on the Rust
    /// side, so the order is cancelled once and a retry with the same Request-Id replays it.
    func testCancellingTheTaskLeavesNoHalfSentCancel() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        try emu.setup(["orders": [order("INV-TC")], "faults": [["kind": "delay", "ms": 400, "count": 1]]])
        let client = try emu.client()
        let id = newRequestId()
        let task = Task { try await client.cancelOrder(invoiceNumber: "INV-TC", originalRequestId: "r-INV-TC", note: "cancel me", requestId: id) }
        // Cancel the Task while the request is at DOKU (the emulator holds it 400 ms).
        var waited = 0
        while try emu.requests().isEmpty, waited < 400 {
            try await Task.sleep(nanoseconds: 5_000_000)
            waited += 1
        }
        XCTAssertEqual(try emu.requests().count, 1, "the request reached the emulator before the Task was cancelled")
        task.cancel()
        // The call runs to its end inside the library: the awaiting Task gets the real outcome.
        let outcome = try await task.value
        XCTAssertEqual(outcome.orderStatus, "CANCELLED")
        XCTAssertEqual(outcome.requestId, id)
        XCTAssertEqual(try emu.orderState("INV-TC"), "CANCELLED", "the cancel reached DOKU in full")
        let retry = try await client.cancelOrder(invoiceNumber: "INV-TC", originalRequestId: "r-INV-TC", note: "cancel me", requestId: id)
        XCTAssertTrue(retry.replayed)
        let log = try emu.requests()
        XCTAssertEqual(log.filter { jsonBool($0["state_changed"]) == true }.count, 1, "cancelled once")
        XCTAssertEqual(Set(log.map { $0["request_id"] as? String }), [id])
    }

    func testManyConcurrentCallsOnOneClient() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        let invoices = (0..<24).map { "INV-CC\($0)" }
        try emu.setup(["orders": invoices.map { order($0) }])
        let client = try emu.client()
        let results = try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for invoice in invoices {
                group.addTask {
                    let r = try await client.cancelOrder(invoiceNumber: invoice, originalRequestId: "r-\(invoice)", note: "bulk", requestId: nil)
                    return (invoice, r.orderStatus)
                }
            }
            var out: [String: String?] = [:]
            for try await (invoice, status) in group { out[invoice] = status }
            return out
        }
        XCTAssertEqual(results.count, invoices.count)
        XCTAssertTrue(results.values.allSatisfy { $0 == "CANCELLED" }, "\(results)")
        XCTAssertEqual(Set(try emu.requests().map { $0["request_id"] as? String }).count, invoices.count, "one Request-Id per call")
    }

    func testCreateCheckoutWithItemsAndCustomer() async throws {
        let emu = try Emulator(clientId: "MCH-SW", secretKey: secret)
        let client = try emu.client()
        let request = CreateCheckoutRequest(invoiceNumber: "INV-NEW-1", amount: 250000, paymentDueMinutes: 30, paymentMethodTypes: ["VIRTUAL_ACCOUNT_BCA"],
                                            customer: CheckoutCustomer(id: "C-1", name: "Budi", email: "budi@example.com", phone: "6281234567890"),
                                            lineItems: [CheckoutLineItem(name: "Kopi", price: 50000, quantity: 3), CheckoutLineItem(name: "Roti", price: 100000, quantity: 1)],
                                            callbackUrl: nil, callbackUrlCancel: nil, callbackUrlResult: nil, extra: nil)
        let r = try await client.createCheckout(request: request, requestId: nil)
        XCTAssertEqual(r.httpStatus, 200)
        XCTAssertFalse(r.paymentUrl.isEmpty)
        XCTAssertNotNil(r.expiresAt)
        let status = try await client.orderStatus(invoiceNumber: "INV-NEW-1")
        XCTAssertEqual(status.originalRequestId, r.requestId, "the status names the checkout's Request-Id")
        var mismatched = request
        mismatched.invoiceNumber = "INV-NEW-2"
        mismatched.amount = 1
        let f = await dokuError("items do not add up") { try await client.createCheckout(request: mismatched, requestId: nil) }
        XCTAssertEqual(f?.code, "invalid_input", "refused by the core, as DOKU would refuse it (AMOUNT NOT MATCH)")
        XCTAssertEqual(f?.field, "line_items")
        XCTAssertEqual(try emu.requests().count, 2, "the refused checkout was never sent")
    }
}
