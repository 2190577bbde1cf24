package doku.checkout

import doku.checkout.core.ClientOptions
import doku.checkout.core.CreateCheckoutRequest
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Every string argument of every public call, given hostile text: typed errors only, never the secret. */
class HostileTest {
    private val secret = "SK-HOSTILE-KT-0123456789"
    private val hostile = listOf("", "\r\nX-Evil: 1", "x".repeat(100_000), secret, "\u0000", "https://user:$secret@api.doku.com", "é")
    private val body = """{"order":{"invoice_number":"INV-1"}}""".toByteArray()

    private fun req(v: String, at: Int) = SigningRequest(
        if (at == 0) v else "MCH-1", if (at == 1) v else "r-1", if (at == 2) v else "2020-08-11T08:45:42Z", if (at == 3) v else "/x", body,
    )

    @Test
    fun `no call lets anything but DokuException out, and none prints the secret`() = runBlocking {
        val client = DokuClient("MCH-1", secret, ClientOptions(baseUrl = "http://127.0.0.1:9", maxRetries = 0u, timeoutMs = 300u))
        val calls: List<Pair<String, suspend (String) -> Any?>> = (0..3).flatMap { at ->
            listOf<Pair<String, suspend (String) -> Any?>>(
                "signRequest#$at" to { v -> signRequest(secret, req(v, at)) },
                "signingString#$at" to { v -> signingString(req(v, at)) },
            )
        } + listOf(
            "signRequest.key" to { v -> signRequest(v, req("MCH-1", 9)) },
            "DokuSigner" to { v -> DokuSigner(v).sign(req("MCH-1", 9)) },
            "verifyNotification.key" to { v -> verifyNotification(v, listOf(HeaderPair("Client-Id", "MCH-1")), body, "/n", null, null) },
            "verifyNotification.header" to { v -> verifyNotification(secret, listOf(HeaderPair(v, v)), body, "/n", null, null) },
            "verifyNotification.path" to { v -> verifyNotification(secret, listOf(), body, v, null, null) },
            "verifyResponse" to { v -> verifyResponse(secret, v, v, v, listOf(HeaderPair("Signature", v)), body, true) },
            "DokuClient.id" to { v -> DokuClient(v, secret, ClientOptions()) },
            "DokuClient.key" to { v -> DokuClient("MCH-1", v, ClientOptions()) },
            "DokuClient.baseUrl" to { v -> DokuClient("MCH-1", secret, ClientOptions(baseUrl = v)) },
            "DokuClient.environment" to { v -> DokuClient("MCH-1", secret, ClientOptions(environment = v)) },
            "DokuClient.proxy" to { v -> DokuClient("MCH-1", secret, ClientOptions(proxy = v)) },
            "cancelOrder" to { v -> client.cancelOrder(v, v, v, null) },
            "orderStatus" to { v -> client.orderStatus(v) },
            "createCheckout" to { v -> client.createCheckout(CreateCheckoutRequest(invoiceNumber = v, amount = 1uL, callbackUrl = v, extra = v), null) },
            "cancelOrderBlocking" to { v -> client.cancelOrderBlocking(v, v, v, null) },
            "orderStatusBlocking" to { v -> client.orderStatusBlocking(v) },
            "createCheckoutBlocking" to { v -> client.createCheckoutBlocking(CreateCheckoutRequest(invoiceNumber = v, amount = 1uL, callbackUrl = v, extra = v), null) },
            "cancelSupport" to { v -> cancelSupport(v) },
            "orderLifecycle" to { v -> orderLifecycle(v, v) },
            "lifecycleTransition" to { v -> lifecycleTransition(v, "SUCCESS", null) },
        )
        var tried = 0
        for ((name, call) in calls) for (v in hostile) {
            tried++
            try {
                call(v)
            } catch (e: DokuException) {
                val text = "$e ${e.message} ${e.details().message}"
                assertFalse(text.contains(secret), "$name: ${text.take(300)}")
            }
        }
        assertTrue(tried > 100)
    }
}
