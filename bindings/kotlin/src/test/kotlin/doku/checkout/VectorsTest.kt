package doku.checkout

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.security.MessageDigest

/** Every case of every file in tests/vectors/ through the Kotlin bindings. */
class VectorsTest {
    private fun str(o: JsonObject, k: String): String = o[k].asString
    private fun optStr(o: JsonObject, k: String): String? = o[k]?.takeUnless { it.isJsonNull }?.asString
    private fun optLong(o: JsonObject, k: String): Long? = o[k]?.takeUnless { it.isJsonNull }?.asLong

    private fun headers(o: JsonObject) = o["headers"].asJsonArray.map { HeaderPair(it.asJsonArray[0].asString, it.asJsonArray[1].asString) }

    private fun checkError(id: String, e: DokuException, want: JsonObject) {
        assertEquals(str(want, "code"), e.code, id)
        val fields = fieldsOf(e)
        if (want.has("reason")) assertEquals(str(want, "reason"), fields.reason, "$id reason")
        if (want.has("field")) assertEquals(str(want, "field"), fields.field, "$id field")
        if (want.has("retryable")) assertEquals(want["retryable"].asBoolean, fields.retryable, "$id retryable")
        assertTrue(!e.toString().contains("SK-TEST-ONLY"), "$id: secret in toString")
    }

    private fun run(op: String, id: String, inp: JsonObject, expect: JsonObject) {
        when (op) {
            "sign_request" -> {
                val body = Repo.body(inp["body"])
                val request = SigningRequest(str(inp, "client_id"), str(inp, "request_id"), str(inp, "timestamp"), str(inp, "request_target"), body)
                val text = signingString(request)
                val sig = signRequest(str(inp, "secret_key"), request)
                assertEquals(str(expect, "string_to_sign"), text, id)
                assertEquals(str(expect, "signature"), sig, id)
                assertEquals(sig, DokuSigner(str(inp, "secret_key")).sign(request), id)
                assertEquals(optStr(expect, "digest"), body?.let { computeDigest(it) }, id)
            }
            "verify_notification" -> {
                val body = Repo.body(inp["body"])!!
                val n = verifyNotification(str(inp, "secret_key"), headers(inp), body, str(inp, "notification_path"),
                    optLong(inp, "tolerance_seconds")?.toULong(), optLong(inp, "now"))
                assertEquals(str(expect, "request_id"), n.requestId, id)
                val sha = MessageDigest.getInstance("SHA-256").digest(body).joinToString("") { "%02x".format(it) }
                assertEquals(str(expect, "body_sha256"), sha, id)
                assertEquals(JsonParser.parseString(String(body, Charsets.UTF_8)), JsonParser.parseString(n.bodyJson), id)
            }
            "verify_response" -> verifyResponse(str(inp, "secret_key"), str(inp, "sent_client_id"), str(inp, "sent_request_id"),
                str(inp, "request_target"), headers(inp), Repo.body(inp["body"])!!, inp["with_digest"].asBoolean)
            "format_timestamp" -> assertEquals(str(expect, "text"), formatTimestamp(inp["unix"].asLong), id)
            "parse_timestamp" -> {
                val unix = parseTimestamp(str(inp, "text"))
                assertEquals(expect["unix"].asLong, unix, id)
            }
            "from_wib" -> {
                val f = inp["wib"].asJsonArray.map { it.asInt }
                assertEquals(str(expect, "text"), formatTimestamp(fromWib(f[0], f[1].toUInt(), f[2].toUInt(), f[3].toUInt(), f[4].toUInt(), f[5].toUInt())), id)
            }
            "parse_wib_compact" -> assertEquals(str(expect, "text"), formatTimestamp(parseWibCompact(str(inp, "wib_compact"))), id)
            "classify" -> {
                val status = inp["http_status"].asInt.toUShort()
                val body = Repo.body(inp["body"]) ?: ByteArray(0)
                try {
                    val replayed = classifyResponse(status, body)
                    if (expect.has("error")) fail<Unit>("$id: expected ${expect["error"]}")
                    assertEquals(expect["replayed"].asBoolean, replayed, id)
                } catch (e: DokuException) {
                    if (!expect.has("error")) throw e
                    checkError(id, e, expect["error"].asJsonObject)
                    assertEquals(status, fieldsOf(e).httpStatus, id)
                }
            }
            "retry_decision" -> {
                val p = inp["policy"].asJsonObject
                val outcome = inp["outcome"].asJsonObject
                val delay = retryDecision(p["max_retries"].asInt.toUInt(), p["initial_backoff_ms"].asLong.toULong(), p["max_backoff_ms"].asLong.toULong(),
                    inp["attempt"].asInt.toUInt(), outcome["status"]?.asInt?.toUShort(), optStr(outcome, "transport"),
                    optLong(inp, "retry_after_seconds")?.toULong(), inp["jitter"].asDouble)
                assertEquals(if (expect["retry"].asBoolean) expect["delay_ms"].asLong.toULong() else null, delay, id)
            }
            "cancel_support" -> assertEquals(str(expect, "support"), cancelSupport(str(inp, "payment_method_type")), id)
            "cancel_order_request" -> {
                val body = cancelOrderBody(str(inp, "invoice_number"), str(inp, "original_request_id"), str(inp, "note"))
                assertTrue(Repo.body(expect["body"])!!.contentEquals(body), id)
            }
            "order_status_request" -> {
                val path = orderStatusPath(str(inp, "invoice_number"))
                assertEquals(str(expect, "path"), path, id)
            }
            else -> fail<Unit>("no runner for $op")
        }
    }

    @TestFactory
    fun vectors(): List<DynamicTest> = Repo.jsonFiles("tests/vectors").flatMap { (file, doc) ->
        doc["groups"].asJsonArray.flatMap { g ->
            val op = g.asJsonObject["operation"].asString
            g.asJsonObject["cases"].asJsonArray.map { c ->
                val case = c.asJsonObject
                val id = "$file/${case["id"].asString}"
                DynamicTest.dynamicTest(id) {
                    val expect = case["expect"].asJsonObject
                    if (expect.has("error") && op != "classify") {
                        try {
                            run(op, id, case["input"].asJsonObject, expect)
                            fail<Unit>("$id: expected ${expect["error"]}")
                        } catch (e: DokuException) {
                            checkError(id, e, expect["error"].asJsonObject)
                        }
                    } else {
                        run(op, id, case["input"].asJsonObject, expect)
                    }
                }
            }
        }
    }

    @Test
    fun everyFileAndCaseIsLoaded() {
        val files = Repo.jsonFiles("tests/vectors")
        val total = files.sumOf { it.second["number_of_cases"].asInt }
        assertTrue(files.size >= 8 && total >= 40)
        assertEquals(total, vectors().size)
    }
}
