package doku.checkout.testing

import java.io.BufferedReader
import java.io.IOException
import java.io.InputStreamReader
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.TimeUnit

/**
 * The DOKU emulator (`doku-checkout mock`, from the CLI download) as a child process on a free
 * loopback port, for your own tests: point the client's `baseUrl` at [url]. The CLI is found
 * from the `doku.cli` system property, then `DOKU_CHECKOUT_CLI`, then `doku-checkout` on PATH.
 */
class DokuEmulator @JvmOverloads constructor(
    val clientId: String = DEFAULT_CLIENT_ID,
    secretKey: String = DEFAULT_SECRET_KEY,
    cli: String = defaultCli(),
    /** Where paid and failed orders are notified (loopback), retried like DOKU does. */
    notificationUrl: String? = null,
) : AutoCloseable {
    /** A control call's HTTP status and JSON answer. */
    data class ControlAnswer(val status: Int, val body: String)

    private val process: Process
    private val http = HttpClient.newHttpClient()

    /** The emulator's base URL, e.g. `http://127.0.0.1:41234`. */
    val url: String

    init {
        val args = mutableListOf(cli, "mock", "--port", "0", "--client-id", clientId)
        if (notificationUrl != null) args += listOf("--notification-url", notificationUrl)
        val builder = ProcessBuilder(args)
        builder.environment()["DOKU_SECRET_KEY"] = secretKey
        builder.redirectError(ProcessBuilder.Redirect.INHERIT)
        process = try {
            builder.start()
        } catch (e: IOException) {
            throw IllegalStateException(
                "could not start the DOKU emulator '$cli': download the doku-checkout CLI for this platform " +
                    "and put it on PATH, or set DOKU_CHECKOUT_CLI (or -Ddoku.cli) to its path",
                e,
            )
        }
        val first = BufferedReader(InputStreamReader(process.inputStream)).readLine()
        if (first == null || !first.startsWith("listening on ")) {
            process.destroy()
            error("the DOKU emulator '$cli' did not start (it printed ${first ?: "nothing"})")
        }
        url = first.removePrefix("listening on ").trim()
    }

    /** Configures orders and faults: the JSON body of `POST /_mock/setup`. */
    fun setup(specJson: String) {
        checked("POST", "/_mock/setup", specJson)
    }

    /** Every request the emulator received, as the JSON array of `GET /_mock/log`. */
    fun requestsJson(): String = checked("GET", "/_mock/log")

    /** One order as the JSON object of `GET /_mock/orders/{invoice}` (its `state` among others). */
    fun orderJson(invoiceNumber: String): String =
        checked("GET", "/_mock/orders/" + encode(invoiceNumber), notFoundIsAnswer = true)

    /** The customer pays (on [channel], else the order's); the order is notified automatically. */
    @JvmOverloads
    fun pay(invoiceNumber: String, channel: String? = null): String = orderAction(invoiceNumber, "pay", channel)

    /** A payment attempt fails (`FAILED`; the customer may still pay); notified automatically. */
    @JvmOverloads
    fun fail(invoiceNumber: String, channel: String? = null): String = orderAction(invoiceNumber, "fail", channel)

    /** A paid order is refunded (`REFUNDED`). */
    fun refund(invoiceNumber: String): String = orderAction(invoiceNumber, "refund", null)

    /** An expired order created with `recover_abandoned_cart` is open again (`ORDER_RECOVERED`). */
    fun recover(invoiceNumber: String): String = orderAction(invoiceNumber, "recover", null)

    /** Where paid and failed orders are notified (until a reset). */
    fun setNotificationUrl(url: String) {
        checked("POST", "/_mock/setup", "{\"notification_url\":" + jsonString(url) + "}")
    }

    /** The emulator's clock as JSON (`now`, `unix`, `offset_seconds`, `frozen`). */
    fun clockJson(): String = checked("GET", "/_mock/clock")

    /** Moves the emulator's clock forward: orders expire, notification retries fall due (the clock as JSON). */
    fun advanceClock(seconds: Long): String = checked("POST", "/_mock/clock", "{\"advance_seconds\":$seconds}")

    /**
     * Every notification and its attempts (JSON array); with [wait], once none is due or in
     * flight.
     */
    @JvmOverloads
    fun notificationsJson(wait: Boolean = true): String =
        if (wait) checked("POST", "/_mock/notifications/wait") else checked("GET", "/_mock/notifications")

    private fun orderAction(invoiceNumber: String, action: String, channel: String?): String {
        val body = channel?.let { "{\"channel\":" + jsonString(it) + "}" }
        return checked("POST", "/_mock/orders/" + encode(invoiceNumber) + "/" + action, body)
    }

    /** A control that must succeed: the emulator's refusal (unknown order, wrong state...) is thrown. */
    private fun checked(method: String, path: String, body: String? = null, notFoundIsAnswer: Boolean = false): String {
        val answer = call(method, path, body)
        if (answer.status !in 200..299 && !(notFoundIsAnswer && answer.status == 404)) {
            throw IllegalStateException("the emulator refused $method $path (HTTP ${answer.status}): ${answer.body}")
        }
        return answer.body
    }

    private fun jsonString(text: String): String = buildString {
        append('"')
        for (c in text) {
            when {
                c == '"' || c == '\\' -> append('\\').append(c)
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
        }
        append('"')
    }

    private fun encode(invoiceNumber: String) = URLEncoder.encode(invoiceNumber, Charsets.UTF_8).replace("+", "%20")

    /** Any `/_mock/` control call (see the emulator's README), whatever its status. */
    @JvmOverloads
    fun call(method: String, path: String, body: String? = null): ControlAnswer {
        val publisher = if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body)
        val request = HttpRequest.newBuilder(URI.create(url + path)).method(method, publisher).build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        return ControlAnswer(response.statusCode(), response.body())
    }

    override fun close() {
        process.destroy()
        process.waitFor(5, TimeUnit.SECONDS)
    }

    companion object {
        /** The Client-Id the emulator accepts unless told otherwise. */
        const val DEFAULT_CLIENT_ID = "MCH-TEST-0001"

        /** The secret the emulator signs and verifies with unless told otherwise. */
        const val DEFAULT_SECRET_KEY = "SK-TEST-0123456789"

        @JvmStatic
        fun defaultCli(): String = System.getProperty("doku.cli") ?: System.getenv("DOKU_CHECKOUT_CLI") ?: "doku-checkout"
    }
}
