// `make dist-check`'s JVM consumer: depends on the released jars only (from a fresh local
// Maven repository), signs the shared vectors (through uniffi and the direct call of
// signRequest and DokuSigner) and runs one create + cancel against the
// emulator of the released CLI. No jna.library.path: JNA finds the native library in the jar.
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import doku.checkout.DokuClient
import doku.checkout.DokuException
import doku.checkout.DokuSigner
import doku.checkout.SigningRequest
import doku.checkout.computeDigest
import doku.checkout.signRequest
import doku.checkout.signingString
import doku.checkout.uniffiSignRequest
import doku.checkout.core.ClientOptions
import doku.checkout.core.CreateCheckoutRequest
import doku.checkout.testing.DokuEmulator
import kotlinx.coroutines.runBlocking
import java.io.File
import java.util.Base64
import kotlin.system.exitProcess

fun body(spec: JsonObject?): ByteArray? = when {
    spec == null -> null
    spec.has("b64") -> Base64.getDecoder().decode(spec["b64"].asString)
    spec.has("hex") -> hex(spec["hex"].asString)
    else -> hex(spec["repeat"].asJsonObject["hex"].asString.repeat(spec["repeat"].asJsonObject["count"].asInt))
}

fun hex(s: String) = ByteArray(s.length / 2) { s.substring(it * 2, it * 2 + 2).toInt(16).toByte() }

fun passes(case: JsonObject): Boolean {
    val inp = case["input"].asJsonObject
    val expect = case["expect"].asJsonObject
    val raw = if (inp["body"].isJsonNull) null else body(inp["body"].asJsonObject)
    val request = SigningRequest(inp["client_id"].asString, inp["request_id"].asString, inp["timestamp"].asString, inp["request_target"].asString, raw)
    return try {
        val text = signingString(request)
        // uniffi's path, then the direct JNA path (signRequest and DokuSigner): its C entry point
        // must be exported by the stripped release library.
        val signature = uniffiSignRequest(inp["secret_key"].asString, request)
        val direct = signRequest(inp["secret_key"].asString, request)
        val fast = DokuSigner(inp["secret_key"].asString).sign(request)
        val digest = raw?.let { computeDigest(it) }
        text == expect["string_to_sign"].asString && signature == expect["signature"].asString && direct == signature && fast == signature &&
            digest == (if (expect["digest"].isJsonNull) null else expect["digest"].asString)
    } catch (e: DokuException) {
        val want = expect["error"]?.asJsonObject ?: return false
        e.details().code == want["code"].asString && e.details().field == want["field"]?.asString
    }
}

fun main(args: Array<String>) {
    val vectors = JsonParser.parseString(File(args[0]).readText()).asJsonObject
    val cases = vectors["groups"].asJsonArray.map { it.asJsonObject }
        .filter { it["operation"].asString == "sign_request" }
        .flatMap { g -> g["cases"].asJsonArray.map { it.asJsonObject } }
    val failed = cases.filterNot(::passes).map { it["id"].asString }
    if (failed.isNotEmpty() || cases.isEmpty()) {
        System.err.println("jvm signing vectors: ${failed.size} of ${cases.size} failed: $failed")
        exitProcess(1)
    }
    println("jvm signing vectors: ${cases.size} of ${cases.size} passed")

    DokuEmulator().use { emulator ->
        val client = DokuClient(DokuEmulator.DEFAULT_CLIENT_ID, DokuEmulator.DEFAULT_SECRET_KEY, ClientOptions(baseUrl = emulator.url))
        runBlocking {
            val checkout = client.createCheckout(CreateCheckoutRequest(invoiceNumber = "INV-DIST-1", amount = 150000uL, paymentMethodTypes = listOf("QRIS")), null)
            val result = client.cancelOrder("INV-DIST-1", checkout.requestId, "dist-check", null)
            check(result.orderStatus == "CANCELLED") { "cancel answered ${result.orderStatus}" }
        }
        check(emulator.orderJson("INV-DIST-1").contains("\"CANCELLED\"")) { "the emulator's order is not cancelled" }
        println("jvm cancel against the CLI emulator: CANCELLED")
    }
}
