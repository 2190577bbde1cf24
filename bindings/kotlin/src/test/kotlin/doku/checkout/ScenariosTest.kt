package doku.checkout

import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import com.google.gson.JsonPrimitive
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory

/** Every scenario of tests/scenarios/ against the emulator process over loopback. */
class ScenariosTest {
    private fun snake(value: Any?): JsonElement? = when (value) {
        null -> com.google.gson.JsonNull.INSTANCE
        is String -> JsonPrimitive(value)
        is Boolean -> JsonPrimitive(value)
        is UShort -> JsonPrimitive(value.toInt())
        is List<*> -> com.google.gson.JsonArray().also { a -> value.forEach { a.add(snake(it)) } }
        else -> JsonPrimitive(value.toString())
    }

    private fun resolve(args: JsonObject, results: List<Map<String, Any?>>): JsonObject {
        val out = JsonObject()
        for ((k, v) in args.entrySet()) {
            if (v.isJsonObject && v.asJsonObject.has("from_step")) {
                val ref = v.asJsonObject
                out.addProperty(k, results[ref["from_step"].asInt][ref["field"].asString] as String)
            } else out.add(k, v)
        }
        return out
    }

    private suspend fun call(client: DokuClient, op: String, a: JsonObject): Map<String, Any?> {
        fun s(k: String) = a[k].asString
        return when (op) {
            "cancel_order" -> client.cancelOrder(s("invoice_number"), s("original_request_id"), s("note"), a["request_id"]?.asString).let {
                mapOf("request_id" to it.requestId, "http_status" to it.httpStatus, "messages" to it.messages, "order_status" to it.orderStatus, "replayed" to it.replayed)
            }
            "cancel_by_invoice" -> client.cancelByInvoice(s("invoice_number"), s("note"), a["request_id"]?.asString).let {
                mapOf("request_id" to it.requestId, "http_status" to it.httpStatus, "messages" to it.messages, "order_status" to it.orderStatus, "replayed" to it.replayed)
            }
            "order_status" -> client.orderStatus(s("invoice_number")).let {
                mapOf("request_id" to it.requestId, "http_status" to it.httpStatus, "status" to it.status, "transaction_status" to it.transactionStatus, "order_status" to it.orderStatus)
            }
            "create_checkout" -> client.createCheckout(checkoutFrom(a), a["request_id"]?.asString).let {
                mapOf("request_id" to it.requestId, "http_status" to it.httpStatus, "has_payment_url" to it.paymentUrl.isNotEmpty(), "has_expiry" to (it.expiresAt != null))
            }
            else -> fail("unknown op $op")
        }
    }

    /** [want] is contained in [got]: objects key by key, arrays element by element (same size). */
    private fun subset(want: JsonElement, got: JsonElement?, at: String) {
        when {
            want.isJsonObject -> {
                assertTrue(got != null && got.isJsonObject, "$at: expected an object, got $got")
                for ((k, v) in want.asJsonObject.entrySet()) subset(v, got!!.asJsonObject[k], "$at.$k")
            }
            want.isJsonArray -> {
                assertTrue(got != null && got.isJsonArray && got.asJsonArray.size() == want.asJsonArray.size(), "$at: expected $want, got $got")
                want.asJsonArray.forEachIndexed { i, w -> subset(w, got!!.asJsonArray[i], "$at[$i]") }
            }
            else -> assertEquals(want, got, at)
        }
    }

    /** What the emulator delivered, each verified with this binding as a merchant would. */
    private fun checkNotifications(emu: Emulator, secret: String, expected: com.google.gson.JsonArray, n: Int) {
        val (status, delivered) = emu.control("POST", "/_mock/notifications/wait", null)
        assertEquals(200, status, "step $n: $delivered")
        assertEquals(expected.size(), delivered.asJsonArray.size(), "step $n: $delivered")
        for ((i, wantEl) in expected.withIndex()) {
            val want = wantEl.asJsonObject.deepCopy()
            val names = want.remove("header_names")
            val verified = want.remove("verified")
            val got = delivered.asJsonArray[i].asJsonObject
            subset(want, got, "step $n: notification $i")
            val headers = got["attempts"].asJsonArray.last().asJsonObject["headers"].asJsonArray.map { HeaderPair(it.asJsonArray[0].asString, it.asJsonArray[1].asString) }
            names?.asJsonArray?.forEach { name -> assertTrue(headers.any { it.name == name.asString }, "step $n: no header named exactly $name") }
            if (verified != null) {
                val v = verifyNotification(secret, headers, got["body"].asString.toByteArray(Charsets.UTF_8), got["path"].asString, null, null)
                subset(verified, JsonParser.parseString(v.bodyJson), "step $n: verified notification $i")
            }
        }
    }

    @TestFactory
    fun scenarios(): List<DynamicTest> = Repo.jsonFiles("tests/scenarios").flatMap { (file, doc) ->
        doc["scenarios"].asJsonArray.map { it.asJsonObject }.map { sc ->
            DynamicTest.dynamicTest("$file/${sc["id"].asString}") { runScenario(doc, sc) }
        }
    }

    private fun runScenario(doc: JsonObject, sc: JsonObject) = runBlocking {
        val secret = doc["secret_key"].asString
        Emulator(doc["client_id"].asString, secret).use { emu ->
            emu.setup(sc["setup"].asJsonObject)
            val cfg = sc["client"].asJsonObject
            val results = mutableListOf<Map<String, Any?>>()
            for ((n, stepEl) in sc["steps"].asJsonArray.withIndex()) {
                val step = stepEl.asJsonObject
                val control = step["control"]?.asJsonObject
                if (control != null) {
                    val (status, answer) = emu.control(control["method"].asString, control["path"].asString, control["body"])
                    assertEquals(step["expect"].asJsonObject["status"].asInt, status, "step $n: $answer")
                    results.add(emptyMap())
                    continue
                }
                val expectedNotifications = step["notifications"]?.asJsonArray
                if (expectedNotifications != null) {
                    checkNotifications(emu, secret, expectedNotifications, n)
                    results.add(emptyMap())
                    continue
                }
                val args = resolve(step["call"].asJsonObject["args"].asJsonObject, results)
                var outcome: Map<String, Any?>? = null
                var error: DokuException? = null
                try {
                    val client = DokuClient(
                        cfg["client_id"]?.asString ?: doc["client_id"].asString,
                        cfg["secret_key"]?.asString ?: secret,
                        optionsFrom(cfg).let { if (it.baseUrl == null) it.copy(baseUrl = emu.url) else it },
                    )
                    outcome = call(client, step["call"].asJsonObject["op"].asString, args)
                } catch (e: DokuException) {
                    error = e
                }
                val expect = step["expect"].asJsonObject
                if (expect.has("result")) {
                    if (error != null) fail<Unit>("step $n: unexpected $error")
                    for ((k, v) in expect["result"].asJsonObject.entrySet()) assertEquals(v, snake(outcome!![k]), "step $n: $k")
                } else {
                    val want = expect["error"].asJsonObject
                    if (error == null) fail<Unit>("step $n: expected $want, got $outcome")
                    assertEquals(want["code"].asString, error!!.code, "step $n")
                    assertTrue(!error.toString().contains(secret), "secret leaked")
                    val f = error.details()
                    val got = mapOf("code" to f.code, "http_status" to f.httpStatus, "request_id" to f.requestId, "retryable" to f.retryable, "messages" to f.messages, "field" to f.field, "reason" to f.reason)
                    for ((k, v) in want.entrySet()) assertEquals(v, snake(got[k]), "step $n: error.$k")
                }
                results.add(outcome ?: emptyMap())
            }
            val log = emu.requests().map { it.asJsonObject }
            val wire = sc["wire"].asJsonObject
            wire["requests"]?.let { assertEquals(it.asInt, log.size, "requests") }
            if (wire["same_request_id"]?.asBoolean == true) assertEquals(1, log.map { it["request_id"].toString() }.toSet().size)
            wire["state_changes"]?.let { assertEquals(it.asInt, log.count { e -> e["state_changed"].asBoolean }) }
            wire["all_signatures_valid"]?.let { assertEquals(it.asBoolean, log.all { e -> e["signature_valid"].asBoolean }) }
            wire["paths"]?.let { p -> assertEquals(p.asJsonArray.map { it.asString }, log.map { it["path"].asString }) }
            wire["cancel_original_request_ids"]?.let { q ->
                val quoted = log.filter { it["path"].asString == "/checkout/v3/cancellations" }
                    .map { JsonParser.parseString(it["body"].asString).asJsonObject["payment"].asJsonObject["original_request_id"].asString }
                assertEquals(q.asJsonArray.map { it.asString }, quoted, "original_request_id of each cancel")
            }
            for ((invoice, state) in sc["final_states"].asJsonObject.entrySet()) assertEquals(state.asString, emu.orderState(invoice), invoice)
        }
    }
}
