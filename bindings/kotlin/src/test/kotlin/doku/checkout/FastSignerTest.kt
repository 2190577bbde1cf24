package doku.checkout

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory

/** FastDokuSigner (one JNA direct call) against every signing vector: the same signatures, the same errors. */
class FastSignerTest {
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
                    val e = assertThrows(DokuException::class.java) { FastDokuSigner(key).sign(request) }
                    assertEquals(want["code"].asString, e.code, id)
                    if (want.has("field")) assertEquals(want["field"].asString, e.details().field, id)
                    assertFalse(e.toString().contains(key) && key.length > 8, "$id: the key in the error")
                } else {
                    val fast = FastDokuSigner(key)
                    assertEquals(expect["signature"].asString, fast.sign(request), id)
                    assertEquals(expect["signature"].asString, fast.sign(request.clientId, request.requestId, request.timestamp, request.requestTarget, request.body), id)
                }
            }
        }
    }

    @Test
    fun theKeyNeverPrintsAndABadKeyIsRefusedAtOnce() {
        assertEquals("FastDokuSigner(secretKey=***)", FastDokuSigner("SK-TEST-ONLY-0123456789").toString())
        val e = assertThrows(DokuException::class.java) { FastDokuSigner("SK with space\n") }
        assertEquals("invalid_input", e.code)
        assertFalse(e.toString().contains("SK with space"))
    }

    @Test
    fun signsFromManyThreadsAtOnce() {
        val signer = FastDokuSigner("SK-TEST-ONLY-0123456789")
        val want = DokuSigner("SK-TEST-ONLY-0123456789").sign(SigningRequest("MCH-1", "r", "2020-08-11T08:45:42Z", "/x", "{}".toByteArray()))
        val threads = (1..8).map { Thread { repeat(2000) { assertEquals(want, signer.sign("MCH-1", "r", "2020-08-11T08:45:42Z", "/x", "{}".toByteArray())) } } }
        threads.forEach { it.start() }
        threads.forEach { it.join() }
    }
}
