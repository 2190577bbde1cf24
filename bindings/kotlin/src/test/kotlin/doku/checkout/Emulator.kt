package doku.checkout

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import doku.checkout.testing.DokuEmulator
import java.nio.file.Path

/** The real emulator (`doku-checkout mock`), through the -testing jar's wrapper, with JSON parsed. */
class Emulator(clientId: String, secretKey: String) : AutoCloseable {
    private val inner = DokuEmulator(clientId, secretKey)
    val url: String get() = inner.url

    fun setup(spec: JsonObject) { inner.setup(spec.toString()) }

    fun requests(): JsonArray = JsonParser.parseString(inner.requestsJson()).asJsonArray

    fun orderState(invoice: String): String = JsonParser.parseString(inner.orderJson(invoice)).asJsonObject["state"].asString

    /** Any control call: its status and JSON answer. */
    fun control(method: String, path: String, body: JsonElement?): Pair<Int, JsonElement> {
        val answer = inner.call(method, path, body?.takeUnless { it.isJsonNull }?.toString())
        return answer.status to JsonParser.parseString(answer.body)
    }

    override fun close() = inner.close()
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
