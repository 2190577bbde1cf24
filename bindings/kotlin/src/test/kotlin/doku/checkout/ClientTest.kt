package doku.checkout

import com.google.gson.JsonParser
import doku.checkout.core.ClientOptions
import doku.checkout.core.CreateCheckoutRequest
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class ClientTest {
    private val secret = "SK-KOTLIN-0123456789"

    private fun order(inv: String, state: String = "PENDING") =
        """{"invoice_number":"$inv","original_request_id":"r-$inv","payment_method":"VIRTUAL_ACCOUNT_BCA","state":"$state"}"""

    private fun setup(emu: Emulator, vararg orders: String, faults: String = "[]") =
        emu.setup(JsonParser.parseString("""{"orders":[${orders.joinToString(",")}],"faults":$faults}""").asJsonObject)

    @Test
    fun `sealed exceptions carry fields and a readable message`() = runBlocking {
        Emulator("MCH-KT", secret).use { emu ->
            setup(emu, order("INV-1", "PAID"))
            val client = DokuClient("MCH-KT", secret, ClientOptions(baseUrl = emu.url))
            val e = assertThrows<DokuException.OrderNotCancellable> {
                runBlocking { client.cancelOrder("INV-1", "r-INV-1", "late", "rid-kt-1") }
            }
            assertEquals("order_not_cancellable", e.code)
            val d = e.details()
            assertEquals(d, e.details) // the same record from the base class and from the case
            assertEquals(400.toUShort(), d.httpStatus)
            assertEquals("rid-kt-1", d.requestId)
            assertEquals(listOf("ORDER ALREADY PAID"), d.messages)
            assertFalse(d.retryable)
            assertTrue(d.rawBody!!.contains("ORDER ALREADY PAID"))
            // toString() is the Rust Display: `code: message (HTTP s, request id r)`.
            assertEquals("order_not_cancellable: ${d.message} (HTTP 400, request id rid-kt-1)", e.toString())
            assertTrue(d.message.contains("order_status"))
        }
    }

    @Test
    fun `the secret never appears in toString`() {
        val client = DokuClient("MCH-KT", secret, ClientOptions())
        assertFalse(client.toString().contains(secret))
        assertTrue(client.toString().contains("***"))
        val e = assertThrows<DokuException.ConfigException> { DokuClient("MCH-KT", "$secret ", ClientOptions()) }
        assertFalse(e.toString().contains(secret))
        assertThrows<DokuException.ConfigException> { DokuClient("MCH-KT", secret, ClientOptions(baseUrl = "http://api.doku.com")) }
        val signer = DokuSigner(secret)
        assertFalse(signer.toString().contains(secret))
        val request = SigningRequest("MCH-1", "r-1", "2020-08-11T08:45:42Z", "/x", null)
        assertFalse(request.toString().contains(secret))
        val injected = assertThrows<DokuException.InvalidInput> { signer.sign(request.copy(requestId = "r\r\nX-Evil: 1")) }
        assertEquals("request_id", injected.details().field)
        val year = assertThrows<DokuException.InvalidInput> { formatTimestamp(Long.MAX_VALUE) } // never a five-digit year
        assertEquals("timestamp", year.details().field)
        val bad = assertThrows<DokuException.ConfigException> { DokuClient("MCH-KT", secret, ClientOptions(maxRetries = 11u)) }
        assertEquals("max_retries", bad.details().field)
    }

    @Test
    fun `concurrent suspend calls`() = runBlocking {
        Emulator("MCH-KT", secret).use { emu ->
            setup(emu, *(0 until 40).map { order("INV-C$it") }.toTypedArray(), faults = """[{"kind":"delay","ms":100,"count":40}]""")
            val client = DokuClient("MCH-KT", secret, ClientOptions(baseUrl = emu.url))
            val results = (0 until 40).map { i -> async { client.cancelOrder("INV-C$i", "r-INV-C$i", "parallel", null) } }.awaitAll()
            assertTrue(results.all { it.orderStatus == "CANCELLED" })
            assertEquals(40, emu.requests().size())
        }
    }

    @Test
    fun `a cancelled coroutine does not leave the cancel half-done and the same request id settles it`() = runBlocking {
        Emulator("MCH-KT", secret).use { emu ->
            setup(emu, order("INV-X"), faults = """[{"kind":"delay","ms":800,"count":1}]""")
            val client = DokuClient("MCH-KT", secret, ClientOptions(baseUrl = emu.url))
            val rid = newRequestId()
            // The caller gives up while the request is in flight.
            assertNull(withTimeoutOrNull(200) { client.cancelOrder("INV-X", "r-INV-X", "changed", rid) })
            // The detached request still completes on the server...
            var state = emu.orderState("INV-X")
            repeat(50) { if (state != "CANCELLED") { delay(50); state = emu.orderState("INV-X") } }
            assertEquals("CANCELLED", state)
            // ...and calling again with the same request id reports the outcome.
            val again = client.cancelOrder("INV-X", "r-INV-X", "changed", rid)
            assertTrue(again.replayed)
            assertEquals(rid, again.requestId)
        }
    }

    @Test
    fun `create, status and verification helpers`() = runBlocking {
        Emulator("MCH-KT", secret).use { emu ->
            val client = DokuClient("MCH-KT", secret, ClientOptions(baseUrl = emu.url))
            val created = client.createCheckout(CreateCheckoutRequest(invoiceNumber = "INV-K1", amount = 25000uL, paymentMethodTypes = listOf("QRIS"), extra = """{"order":{"language":"EN"}}"""), null)
            assertTrue(created.paymentUrl.startsWith(emu.url))
            assertTrue(created.expiresAt!!.endsWith("Z"))
            val badExtra = assertThrows<DokuException.InvalidInput> {
                runBlocking { client.createCheckout(CreateCheckoutRequest(invoiceNumber = "INV-K2", amount = 1uL, extra = "[1]"), null) }
            }
            assertEquals("extra", badExtra.details().field)
            assertEquals("PENDING", client.orderStatus("INV-K1").status)
            assertEquals("CANCELLED", client.cancelOrder("INV-K1", created.requestId, "changed", null).orderStatus)
        }
        val body = """{"order":{"invoice_number":"INV-1"}}""".toByteArray()
        val sig = signRequest(secret, SigningRequest("MCH-1", "n-1", "2020-08-11T08:45:42Z", "/notify", body))
        val headers = listOf(HeaderPair("client-id", "MCH-1"), HeaderPair("REQUEST_ID", "n-1"), HeaderPair("Request-Timestamp", "2020-08-11T08:45:42Z"), HeaderPair("signature", sig))
        assertEquals("n-1", verifyNotification(secret, headers, body, "/notify", null, 1597135542L).requestId)
        // Replay protection is on by default: the 2020 notification is refused today.
        val replay = assertThrows<DokuException.InvalidSignature> { verifyNotification(secret, headers, body, "/notify", null, null) }
        assertEquals("timestamp_out_of_tolerance", replay.details().reason)
        // The test helper signs as DOKU would, now.
        val fresh = signNotification(secret, "MCH-1", body, "/notify")
        assertEquals(listOf("Client-Id", "Request-Id", "Request-Timestamp", "Signature"), fresh.map { it.name })
        val verified = verifyNotification(secret, fresh, body, "/notify", null, null)
        assertEquals("MCH-1", verified.clientId)
        assertEquals("INV-1", verified.fields.invoiceNumber) // a typed data class, not JSON digging
        assertEquals(null, verified.fields.transactionStatus)
        val forged = assertThrows<DokuException.InvalidSignature> { verifyNotification(secret, headers, body + ' '.code.toByte(), "/notify", null, 1597135542L) }
        assertEquals("signature_mismatch", forged.details().reason)
    }

    @Test
    fun `notificationBody is what DOKU sends for the channel, and the emulator notifies by itself`() {
        val body = notificationBody("INV-9", 150000uL, "r-9", "PEER_TO_PEER_AKULAKU")
        val parsed = JsonParser.parseString(body).asJsonObject
        assertEquals("PEER_TO_PEER", parsed["service"].asJsonObject["id"].asString)
        assertEquals("AKULAKU", parsed["acquirer"].asJsonObject["id"].asString)
        assertTrue(parsed["peer_to_peer_info"].asJsonObject.has("identifier"))
        val secret = "SK-KOTLIN-NOTIFY-01"
        val headers = signNotification(secret, "MCH-1", body.toByteArray(), "/notify")
        assertEquals("INV-9", verifyNotification(secret, headers, body.toByteArray(), "/notify", null, null).fields.invoiceNumber)
        assertEquals("amount", assertThrows<DokuException.InvalidInput> { notificationBody("INV-9", 0uL, "r") }.details().field)
        // The emulator process notifies a paid order by itself, to its own sink here, and retries on its clock.
        doku.checkout.testing.DokuEmulator(notificationUrl = "/_mock/sink/503/notify").use { emu ->
            emu.setup("""{"orders":[{"invoice_number":"INV-KN","original_request_id":"o"}]}""")
            emu.pay("INV-KN", "VIRTUAL_ACCOUNT_BNI")
            val first = JsonParser.parseString(emu.notificationsJson()).asJsonArray[0].asJsonObject
            assertEquals(listOf(503), first["attempts"].asJsonArray.map { it.asJsonObject["status"].asInt })
            emu.advanceClock(1800)
            val second = JsonParser.parseString(emu.notificationsJson()).asJsonArray[0].asJsonObject
            assertEquals(listOf(0, 1800), second["attempts"].asJsonArray.map { it.asJsonObject["after_seconds"].asInt })
        }
    }

    @Test
    fun `class names line up with the other languages`() {
        val codes = JsonParser.parseString(conformanceRun("error_codes", "{}")).asJsonObject["ok"].asJsonArray
        assertEquals(13, codes.size())
        val names = codes.associate { it.asJsonObject["code"].asString to it.asJsonObject["class_name"].asString }
        assertEquals("OrderNotCancellableError", names["order_not_cancellable"])
    }
    @Test
    fun `blocking twins give the same results and typed errors, from many plain threads at once`() {
        Emulator("MCH-KT", secret).use { emu ->
            setup(emu, *(0 until 32).map { order("INV-BL$it") }.toTypedArray(), order("INV-PAID", "PAID"))
            val client = DokuClient("MCH-KT", secret, ClientOptions(baseUrl = emu.url))
            val results = java.util.concurrent.ConcurrentHashMap<Int, String>()
            val threads = (0 until 32).map { i ->
                Thread { results[i] = client.cancelOrderBlocking("INV-BL$i", "r-INV-BL$i", "blocking", null).orderStatus!! }
            }
            threads.forEach { it.start() }
            threads.forEach { it.join(30_000) }
            assertEquals((0 until 32).associateWith { "CANCELLED" }, results.toMap())
            assertEquals("CANCELLED", client.orderStatusBlocking("INV-BL0").status)
            val refused = assertThrows<DokuException.OrderNotCancellable> {
                client.cancelOrderBlocking("INV-PAID", "r-INV-PAID", "late", "rid-blocking-1")
            }
            assertEquals("rid-blocking-1", refused.details().requestId)
            val created = client.createCheckoutBlocking(CreateCheckoutRequest(invoiceNumber = "INV-BLC", amount = 1000uL), null)
            assertTrue(created.paymentUrl.isNotEmpty())
            assertEquals("PENDING", client.orderStatusBlocking("INV-BLC").status)
            assertThrows<DokuException.InvalidInput> { client.orderStatusBlocking("") }
        }
    }
}
