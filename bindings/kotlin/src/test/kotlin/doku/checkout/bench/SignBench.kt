package doku.checkout.bench

import doku.checkout.computeDigest
import doku.checkout.formatTimestamp
import doku.checkout.DokuSigner
import doku.checkout.UniffiDokuSigner
import doku.checkout.SigningRequest
import doku.checkout.signRequest
import java.security.MessageDigest
import java.util.Base64
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

// Timed-loop benchmark (run by `make bench-kotlin`, not by the tests): signing through the
// Kotlin bindings against a plain javax.crypto.Mac implementation of the same scheme.

private val BODY = """{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}""".toByteArray()
private const val CLIENT = "MCH-0001-10791114622547"
private const val SECRET = "SK-TEST-ONLY-0123456789"
private const val RID = "3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b"
private const val TS = "2020-08-11T08:45:42Z"
private const val TARGET = "/checkout/v3/cancellations"

fun plainSign(body: ByteArray): String {
    val digest = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body))
    val text = "Client-Id:$CLIENT\nRequest-Id:$RID\nRequest-Timestamp:$TS\nRequest-Target:$TARGET\nDigest:$digest"
    val mac = Mac.getInstance("HmacSHA256")
    mac.init(SecretKeySpec(SECRET.toByteArray(), "HmacSHA256"))
    return "HMACSHA256=" + Base64.getEncoder().encodeToString(mac.doFinal(text.toByteArray()))
}

fun ours(body: ByteArray): String = signRequest(SECRET, SigningRequest(CLIENT, RID, TS, TARGET, body))

private val signer = DokuSigner(SECRET)

fun oursSigner(body: ByteArray): String = signer.sign(SigningRequest(CLIENT, RID, TS, TARGET, body))

private val uniffiSigner = UniffiDokuSigner(SECRET)

fun oursUniffi(body: ByteArray): String = uniffiSigner.sign(SigningRequest(CLIENT, RID, TS, TARGET, body))

private fun bestMicros(n: Int, fn: () -> String): Double {
    var best = Double.MAX_VALUE
    var sink = 0
    repeat(7) {
        val t0 = System.nanoTime()
        repeat(n) { sink += fn().length }
        best = minOf(best, (System.nanoTime() - t0) / 1000.0 / n)
    }
    check(sink > 0)
    return best
}

fun main() {
    check(ours(BODY) == plainSign(BODY)) { "implementations disagree" }
    // Warm up the JIT and JNA.
    repeat(20_000) { ours(BODY); oursSigner(BODY); oursUniffi(BODY); plainSign(BODY) }
    check(oursSigner(BODY) == plainSign(BODY) && oursUniffi(BODY) == plainSign(BODY))
    val a = bestMicros(30_000) { ours(BODY) }
    val c = bestMicros(30_000) { oursSigner(BODY) }
    val u = bestMicros(30_000) { oursUniffi(BODY) }
    val b = bestMicros(30_000) { plainSign(BODY) }
    println("Java ${System.getProperty("java.version")}")
    println("formatTimestamp (one Long in, String out)  %8.2f µs/op".format(bestMicros(20_000) { formatTimestamp(1597135542L) }))
    println("computeDigest (150 bytes in)               %8.2f µs/op".format(bestMicros(20_000) { computeDigest(BODY) }))
    println("signRequest (one direct JNA call)          %8.2f µs/op".format(a))
    println("DokuSigner.sign (one direct JNA call)      %8.2f µs/op".format(c))
    println("UniffiDokuSigner.sign (uniffi, as Swift)   %8.2f µs/op".format(u))
    println("javax.crypto.Mac + MessageDigest          %8.2f µs/op".format(b))
    println("  ratio plain/ours (signRequest)          %8.2f x (above 1: ours is faster)".format(b / a))
    println("  ratio plain/ours (DokuSigner)           %8.2f x".format(b / c))
    println("  ratio plain/ours (UniffiDokuSigner)     %8.2f x".format(b / u))
}
