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
) : AutoCloseable {
    private val process: Process
    private val http = HttpClient.newHttpClient()

    /** The emulator's base URL, e.g. `http://127.0.0.1:41234`. */
    val url: String

    init {
        val builder = ProcessBuilder(cli, "mock", "--port", "0", "--client-id", clientId)
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
        control("POST", "/_mock/setup", specJson)
    }

    /** Every request the emulator received, as the JSON array of `GET /_mock/log`. */
    fun requestsJson(): String = control("GET", "/_mock/log")

    /** One order as the JSON object of `GET /_mock/orders/{invoice}` (its `state` among others). */
    fun orderJson(invoiceNumber: String): String =
        control("GET", "/_mock/orders/" + URLEncoder.encode(invoiceNumber, Charsets.UTF_8).replace("+", "%20"))

    private fun control(method: String, path: String, body: String? = null): String {
        val publisher = if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body)
        val request = HttpRequest.newBuilder(URI.create(url + path)).method(method, publisher).build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299 || response.statusCode() == 404) {
            "emulator $method $path answered ${response.statusCode()}: ${response.body()}"
        }
        return response.body()
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
