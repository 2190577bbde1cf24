// CallTracing from Swift: a registered tracing gets one trace per call, each attempt with its
// method, URL template and status, the wait before a retry, and the outcome; none after it is
// unregistered.
import DokuCheckout
import Foundation
import XCTest

private let secret = "SK-SWIFT-TRACE-0123456789"

private final class Recorder: CallTracing, CallTrace, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var events: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    private func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }

    func start(operation: String, invoiceNumber: String?) -> CallTrace? {
        add("start \(operation) \(invoiceNumber ?? "-")")
        return self
    }
    func attemptStarted(attempt: UInt32, requestId: String, method: String, urlTemplate: String, serverAddress: String, serverPort: UInt16) {
        add("attempt \(attempt) \(requestId) \(method) \(urlTemplate) \(serverAddress)")
    }
    func attemptEnded(attempt: UInt32, status: UInt16?, errorType: String?) {
        add("ended \(attempt) \(status.map(String.init) ?? "-") \(errorType ?? "-")")
    }
    func retrying(attempt: UInt32, requestId: String, waitMs: UInt64, reason: String) {
        add("retry \(attempt) \(requestId) \(reason)")
    }
    func end(attempts: UInt32, requestId: String?, replayed: Bool?, errorCode: String?) {
        add("end \(attempts) \(requestId ?? "-") \(replayed.map { String($0) } ?? "-") \(errorCode ?? "-")")
    }
}

final class TracingTests: XCTestCase {
    func testARetriedCancelIsReportedAttemptByAttempt() async throws {
        let emu = try Emulator(clientId: "MCH-SW-TR", secretKey: secret)
        try emu.setup([
            "orders": [["invoice_number": "INV-TR-1", "original_request_id": "r-1", "state": "PENDING"]],
            "faults": [["kind": "status", "status": 503]],
        ])
        let client = try emu.client()
        let recorder = Recorder()
        setCallTracing(tracing: recorder)
        defer { setCallTracing(tracing: nil) }
        _ = try await client.cancelOrder(invoiceNumber: "INV-TR-1", originalRequestId: "r-1", note: "n", requestId: "rid-tr-1")
        XCTAssertEqual(recorder.events, [
            "start cancel_order INV-TR-1",
            "attempt 1 rid-tr-1 POST /checkout/v3/cancellations 127.0.0.1",
            "ended 1 503 server_error",
            "retry 1 rid-tr-1 HTTP 503",
            "attempt 2 rid-tr-1 POST /checkout/v3/cancellations 127.0.0.1",
            "ended 2 200 -",
            "end 2 rid-tr-1 false -",
        ])
        setCallTracing(tracing: nil)
        _ = try await client.orderStatus(invoiceNumber: "INV-TR-1")
        XCTAssertEqual(recorder.events.count, 7, "nothing is reported once unregistered")
    }
}
