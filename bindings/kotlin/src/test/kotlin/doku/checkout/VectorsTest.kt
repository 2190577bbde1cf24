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
        val fields = e.details()
        if (want.has("reason")) assertEquals(str(want, "reason"), fields.reason, "$id reason")
        if (want.has("field")) assertEquals(str(want, "field"), fields.field, "$id field")
        if (want.has("retryable")) assertEquals(want["retryable"].asBoolean, fields.retryable, "$id retryable")
        assertTrue(!e.toString().contains("SK-TEST-ONLY"), "$id: secret in toString")
    }

    private fun conformance(op: String, inp: JsonObject): JsonObject = JsonParser.parseString(conformanceRun(op, inp.toString())).asJsonObject

    /** Operations public in Kotlin run through the API; errors are thrown as DokuException. */
    private val public = setOf(
        "sign_request", "verify_notification", "verify_response", "format_timestamp", "cancel_support", "client_config",
        "order_lifecycle", "lifecycle_transition",
    )

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
            "cancel_support" -> assertEquals(str(expect, "support"), cancelSupport(str(inp, "payment_method_type")), id)
            "order_lifecycle" -> assertEquals(optStr(expect, "state"), orderLifecycle(optStr(inp, "transaction_status"), optStr(inp, "order_status")), id)
            "lifecycle_transition" -> {
                val observed = inp["observed"].asJsonObject
                val t = lifecycleTransition(optStr(inp, "stored"), optStr(observed, "transaction_status"), optStr(observed, "order_status"))
                assertEquals(str(expect, "outcome") to optStr(expect, "state"), t.outcome to t.state, id)
            }
            "client_config" -> {
                // The public constructor accepts or refuses; the settings in force come from the core.
                val client = DokuClient(str(inp, "client_id"), str(inp, "secret_key"), optionsFrom(inp["options"].asJsonObject))
                assertEquals(expect["settings"].asJsonObject["base_url"].asString, client.baseUrl(), id)
                assertEquals(JsonObject().also { it.add("ok", expect["settings"]) }, conformance(op, inp), id)
            }
            else -> {
                // Not public in Kotlin: the core decides, through its one test entry point.
                val out = conformance(op, inp)
                if (expect.has("error")) {
                    val got = out["error"]?.asJsonObject ?: fail("$id: expected ${expect["error"]}, got $out")
                    for ((k, v) in expect["error"].asJsonObject.entrySet()) assertEquals(v, got[k], "$id $k")
                } else {
                    assertEquals(JsonObject().also { it.add("ok", expect) }, out, id)
                }
            }
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
                    if (case["dynamic_only"]?.asBoolean == true) {
                        // Cannot be written with typed options (a misspelt name, text for a number):
                        // the Kotlin compiler refuses it. The core still answers as the file says.
                        val out = conformance(op, case["input"].asJsonObject)
                        assertEquals(expect["error"].asJsonObject["field"], out["error"].asJsonObject["field"], id)
                    } else if (expect.has("error") && op in public) {
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
        assertTrue(files.size >= 9 && total >= 40)
        assertEquals(total, vectors().size)
    }
}
