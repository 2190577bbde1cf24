package doku.checkout

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
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
    fun aLoneSurrogateIsRefusedAsUniffiRefusesIt() {
        val key = "SK-TEST-ONLY-0123456789"
        val lone = "r-\uD800-1"
        val requests = (0..3).map { at ->
            SigningRequest(if (at == 0) lone else "MCH-1", if (at == 1) lone else "r-1", if (at == 2) lone else "2020-08-11T08:45:42Z", if (at == 3) lone else "/x", null)
        }
        for (request in requests) {
            // What uniffi's own conversion throws; never a signature over a substituted '?'.
            val want = runCatching { uniffiSignRequest(key, request) }.exceptionOrNull()
            assertTrue(want != null, "uniffi signed a lone surrogate")
            assertEquals(want!!::class, runCatching { signRequest(key, request) }.exceptionOrNull()?.let { it::class })
            assertEquals(want::class, runCatching { DokuSigner(key).sign(request) }.exceptionOrNull()?.let { it::class })
        }
        val good = requests[0].copy(clientId = "MCH-1")
        val want = runCatching { uniffiSignRequest("SK-\uDC00-0123456789", good) }.exceptionOrNull()
        assertTrue(want != null, "uniffi took a lone surrogate in the key")
        assertEquals(want!!::class, runCatching { signRequest("SK-\uDC00-0123456789", good) }.exceptionOrNull()?.let { it::class })
        assertEquals(want::class, runCatching { DokuSigner("SK-\uDC00-0123456789") }.exceptionOrNull()?.let { it::class })
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
