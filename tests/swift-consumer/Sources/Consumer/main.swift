// Signs DOKU's documented check-status example, then creates and cancels an order on the DOKU
// API (or the emulator) at DOKU_BASE_URL with DOKU_CLIENT_ID and DOKU_SECRET_KEY.
import DokuCheckout
import Foundation

let env = ProcessInfo.processInfo.environment

// doku-api.md V1: the docs' status request, with the docs' made-up key.
let example = SigningRequest(clientId: "MCH-0001-10791114622547", requestId: "d895fb53-479c-4f77-a76a-ab81b40d77cb",
                             timestamp: "2020-08-11T08:45:42Z", requestTarget: "/orders/v1/status/INV-123123-12313", body: nil)
print("signature \(try signRequest(secretKey: "SK-TEST-ONLY-0123456789", request: example))")

guard let clientId = env["DOKU_CLIENT_ID"], let secretKey = env["DOKU_SECRET_KEY"], let baseUrl = env["DOKU_BASE_URL"] else {
    print("set DOKU_CLIENT_ID, DOKU_SECRET_KEY and DOKU_BASE_URL to create and cancel an order")
    exit(0)
}
let client = try DokuClient(clientId: clientId, secretKey: secretKey, options: ClientOptions(baseUrl: baseUrl))
let invoice = "INV-SWIFT-CONSUMER-1"
do {
    let checkout = try await client.createCheckout(
        request: CreateCheckoutRequest(invoiceNumber: invoice, amount: 150_000, paymentDueMinutes: 60, paymentMethodTypes: ["VIRTUAL_ACCOUNT_BCA"],
                                       customer: nil, lineItems: [], callbackUrl: nil, callbackUrlCancel: nil, callbackUrlResult: nil, extra: nil),
        requestId: nil)
    // Keep checkout.requestId with the order: the cancel quotes it. Keep the cancel's own
    // Request-Id too, and send it again on a retry: DOKU then replays the first answer.
    let cancelId = newRequestId()
    let cancel = try await client.cancelOrder(invoiceNumber: invoice, originalRequestId: checkout.requestId, note: "Customer changed order", requestId: cancelId)
    print("cancelled \(invoice) \(cancel.orderStatus ?? "-") request_id=\(cancel.requestId) replayed=\(cancel.replayed)")
} catch let error as DokuError {
    let details = error.details()
    print("DOKU refused: \(details.code) (retryable: \(details.retryable)): \(details.message)")
    exit(1)
}
