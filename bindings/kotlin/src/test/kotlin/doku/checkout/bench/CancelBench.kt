package doku.checkout.bench

import doku.checkout.DokuClient
import doku.checkout.core.ClientOptions
import doku.checkout.testing.DokuEmulator
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import java.lang.management.ManagementFactory
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.MessageDigest
import java.time.Instant
import java.time.temporal.ChronoUnit
import java.util.Base64
import java.util.UUID
import java.util.concurrent.CompletableFuture
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

// Cancel throughput with 32 in flight (run by `make bench-kotlin`, not by the tests): the
// blocking and the suspend client against java.net.http.HttpClient + javax.crypto.Mac doing
// the same signed cancel, each round on a fresh release-built emulator with its own orders,
// three alternating rounds, medians. CPU is the whole JVM's (the emulator is another process).

private const val CLIENT_ID = "MCH-BENCH-0001"
private const val SECRET = "SK-BENCH-0123456789"
private const val TARGET = "/checkout/v3/cancellations"
private const val IN_FLIGHT = 32
private const val CALLS = 6000

private fun orders(emulator: DokuEmulator) {
    val all = (0 until CALLS + IN_FLIGHT).joinToString(",") { """{"invoice_number":"INV-$it","original_request_id":"orig-$it"}""" }
    emulator.setup("""{"orders":[$all]}""")
}

private fun plainCancel(http: HttpClient, url: String, i: Int): CompletableFuture<Boolean> {
    val body = """{"order":{"invoice_number":"INV-$i"},"payment":{"original_request_id":"orig-$i"},"note":"bench"}""".toByteArray()
    val requestId = UUID.randomUUID().toString()
    val timestamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()
    val digest = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body))
    val text = "Client-Id:$CLIENT_ID\nRequest-Id:$requestId\nRequest-Timestamp:$timestamp\nRequest-Target:$TARGET\nDigest:$digest"
    val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(SECRET.toByteArray(), "HmacSHA256")) }
    val signature = "HMACSHA256=" + Base64.getEncoder().encodeToString(mac.doFinal(text.toByteArray()))
    val request = HttpRequest.newBuilder(URI.create(url + TARGET))
        .header("Client-Id", CLIENT_ID).header("Request-Id", requestId).header("Request-Timestamp", timestamp)
        .header("Signature", signature).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply { it.statusCode() == 200 }
}

private fun cpuNanos(): Long = (ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean).processCpuTime

/** Runs `CALLS` cancels (numbered from IN_FLIGHT; the first IN_FLIGHT warm up) and returns calls/s and µs CPU/call. */
private fun round(side: String, cli: String): Pair<Double, Double> = DokuEmulator(CLIENT_ID, SECRET, cli).use { emulator ->
    orders(emulator)
    val run: (IntRange) -> Unit = when (side) {
        "blocking" -> {
            val client = DokuClient(CLIENT_ID, SECRET, ClientOptions(baseUrl = emulator.url))
            val pool = Executors.newFixedThreadPool(IN_FLIGHT) { r -> Thread(r).apply { isDaemon = true } }
            ;{ range ->
                val next = AtomicInteger(range.first)
                (0 until IN_FLIGHT).map {
                    pool.submit {
                        while (true) {
                            val i = next.getAndIncrement()
                            if (i > range.last) break
                            check(client.cancelOrderBlocking("INV-$i", "orig-$i", "bench", null).orderStatus == "CANCELLED")
                        }
                    }
                }.forEach { it.get() }
            }
        }
        "suspend" -> {
            val client = DokuClient(CLIENT_ID, SECRET, ClientOptions(baseUrl = emulator.url))
            ;{ range ->
                val next = AtomicInteger(range.first)
                runBlocking(Dispatchers.Default) {
                    (0 until IN_FLIGHT).map {
                        async {
                            while (true) {
                                val i = next.getAndIncrement()
                                if (i > range.last) break
                                check(client.cancelOrder("INV-$i", "orig-$i", "bench", null).orderStatus == "CANCELLED")
                            }
                        }
                    }.awaitAll()
                }
            }
        }
        else -> {
            val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
            ;{ range ->
                val next = AtomicInteger(range.first)
                fun chain(): CompletableFuture<Unit> {
                    val i = next.getAndIncrement()
                    if (i > range.last) return CompletableFuture.completedFuture(Unit)
                    return plainCancel(http, emulator.url, i).thenCompose { ok -> check(ok); chain() }
                }
                CompletableFuture.allOf(*Array(IN_FLIGHT) { chain() }).get()
            }
        }
    }
    run(0 until IN_FLIGHT)
    val cpu0 = cpuNanos()
    val t0 = System.nanoTime()
    run(IN_FLIGHT until IN_FLIGHT + CALLS)
    val wall = (System.nanoTime() - t0) / 1e9
    Pair(CALLS / wall, (cpuNanos() - cpu0) / 1e3 / CALLS)
}

fun main() {
    val cli = System.getProperty("doku.cli") ?: error("-Ddoku.cli: the release CLI")
    val sides = listOf("blocking", "suspend", "java.net.http")
    val results = sides.associateWith { mutableListOf<Pair<Double, Double>>() }
    repeat(3) { sides.forEach { side -> results.getValue(side).add(round(side, cli)) } }
    fun median(xs: List<Double>) = xs.sorted()[xs.size / 2]
    val anchor = median(results.getValue("java.net.http").map { it.first })
    println("cancelOrder, $IN_FLIGHT in flight: medians of 3 alternating rounds, $CALLS cancels each, a fresh emulator per round")
    for (side in sides) {
        val rate = median(results.getValue(side).map { it.first })
        val cpu = median(results.getValue(side).map { it.second })
        val label = when (side) {
            "blocking" -> "DokuClient.cancelOrderBlocking (32 threads)"
            "suspend" -> "DokuClient.cancelOrder (32 coroutines)"
            else -> "java.net.http + javax.crypto.Mac"
        }
        println("  %-46s %8.0f cancels/s %8.1f µs CPU/call  %.2fx java.net.http".format(label, rate, cpu, rate / anchor))
    }
}
