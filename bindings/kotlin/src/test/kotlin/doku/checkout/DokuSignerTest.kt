package doku.checkout

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory

/**
 * DokuSigner and signRequest (one JNA direct call each) against every signing vector: the same signatures and errors
 * as uniffi's path (UniffiDokuSigner, the DokuSigner of Swift) and as the vectors.
 */
class DokuSignerTest {
    @TestFactory
    fun everySigningVector(): List<DynamicTest> = Repo.jsonFiles("tests/vectors").filter { it.first == "signing.json" }.flatMap { (_, doc) ->
        doc["groups"].asJsonArray.flatMap { g -> g.asJsonObject["cases"].asJsonArray.map { it.asJsonObject } }.map { case ->
            val id = case["id"].asString
            DynamicTest.dynamicTest(id) {
                val inp = case["input"].asJsonObject
                val expect = case["expect"].asJsonObject
                val request = SigningRequest(inp["client_id"].asString, inp["request_id"].asString, inp["timestamp"].asString, inp["request_target"].asString, Repo.body(inp["body"]))
                val key = inp["secret_key"].asString
                if (expect.has("error")) {
                    val want = expect["error"].asJsonObject
                    val e = assertThrows(DokuException::class.java) { DokuSigner(key).sign(request) }
                    assertEquals(want["code"].asString, e.code, id)
                    if (want.has("field")) assertEquals(want["field"].asString, e.details().field, id)
                    assertFalse(e.toString().contains(key) && key.length > 8, "$id: the key in the error")
                } else {
                    val signer = DokuSigner(key)
                    assertEquals(expect["signature"].asString, signer.sign(request), id)
                    assertEquals(expect["signature"].asString, signer.sign(request.clientId, request.requestId, request.timestamp, request.requestTarget, request.body), id)
                    assertEquals(expect["signature"].asString, UniffiDokuSigner(key).use { it.sign(request) }, id)
                    assertEquals(expect["signature"].asString, uniffiSignRequest(key, request), id)
                }
            }
        }
    }

    @Test
    fun theKeyNeverPrintsAndABadKeyIsRefusedAtOnce() {
        assertEquals("DokuSigner(secretKey=***)", DokuSigner("SK-TEST-ONLY-0123456789").toString())
        val e = assertThrows(DokuException::class.java) { DokuSigner("SK with space\n") }
        assertEquals("invalid_input", e.code)
        assertFalse(e.toString().contains("SK with space"))
    }

    @Test
    fun signsFromManyThreadsAtOnce() {
        val signer = DokuSigner("SK-TEST-ONLY-0123456789")
        val want = UniffiDokuSigner("SK-TEST-ONLY-0123456789").sign(SigningRequest("MCH-1", "r", "2020-08-11T08:45:42Z", "/x", "{}".toByteArray()))
        val threads = (1..8).map { Thread { repeat(2000) { assertEquals(want, signer.sign("MCH-1", "r", "2020-08-11T08:45:42Z", "/x", "{}".toByteArray())) } } }
        threads.forEach { it.start() }
        threads.forEach { it.join() }
    }
}
