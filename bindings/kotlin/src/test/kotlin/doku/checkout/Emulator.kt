package doku.checkout

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/** The real emulator (`doku-checkout mock`) as a child process on a free loopback port. */
class Emulator(clientId: String, secretKey: String) : AutoCloseable {
    private val process: Process
    val url: String
    private val http = HttpClient.newHttpClient()

    init {
        val cli = System.getProperty("doku.cli") ?: error("doku.cli system property not set")
        val builder = ProcessBuilder(cli, "mock", "--port", "0", "--client-id", clientId)
        builder.environment()["DOKU_SECRET_KEY"] = secretKey
        builder.redirectError(ProcessBuilder.Redirect.INHERIT)
        process = builder.start()
        val first = BufferedReader(InputStreamReader(process.inputStream)).readLine()
            ?: error("the emulator printed nothing")
        url = first.removePrefix("listening on ").trim()
    }

    private fun call(method: String, path: String, body: String? = null): JsonElement {
        val req = HttpRequest.newBuilder(URI.create(url + path))
            .method(method, if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body))
            .build()
        val res = http.send(req, HttpResponse.BodyHandlers.ofString())
        check(res.statusCode() in 200..299 || res.statusCode() == 404) { "control $path -> ${res.statusCode()} ${res.body()}" }
        return JsonParser.parseString(res.body())
    }

    fun setup(spec: JsonObject) { call("POST", "/_mock/setup", spec.toString()) }

    fun requests(): JsonArray = call("GET", "/_mock/log").asJsonArray

    fun orderState(invoice: String): String {
        val encoded = java.net.URLEncoder.encode(invoice, Charsets.UTF_8).replace("+", "%20")
        return call("GET", "/_mock/orders/$encoded").asJsonObject["state"].asString
    }

    override fun close() {
        process.destroy()
        process.waitFor(5, TimeUnit.SECONDS)
    }
}

object Repo {
    val root: Path = Path.of(System.getProperty("doku.repo.root") ?: "../..")

    fun jsonFiles(dir: String): List<Pair<String, JsonObject>> =
        root.resolve(dir).toFile().listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
            .map { it.name to JsonParser.parseString(it.readText()).asJsonObject }

    /** null, {b64}, {hex} or {repeat: {hex, count}}. */
    fun body(spec: JsonElement?): ByteArray? {
        if (spec == null || spec.isJsonNull) return null
        val o = spec.asJsonObject
        return when {
            o.has("b64") -> java.util.Base64.getDecoder().decode(o["b64"].asString)
            o.has("hex") -> hex(o["hex"].asString)
            o.has("repeat") -> {
                val unit = hex(o["repeat"].asJsonObject["hex"].asString)
                val count = o["repeat"].asJsonObject["count"].asInt
                ByteArray(unit.size * count) { unit[it % unit.size] }
            }
            else -> error("unknown body spec $o")
        }
    }

    private fun hex(s: String) = ByteArray(s.length / 2) { s.substring(it * 2, it * 2 + 2).toInt(16).toByte() }
}
