@file:JvmName("DirectSigning")

package doku.checkout

import com.sun.jna.Native
import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction

// JNA direct mapping of the one C entry point for signing (crates/doku-checkout-ffi/src/direct.rs):
// Java byte arrays in and out, one crossing, no by-value structures. The library is the one
// uniffi loads (same name, same override property).

private val registered: Unit =
    Native.register(
        Class.forName("doku.checkout.DirectSigning"),
        System.getProperty("uniffi.component.doku_checkout_ffi.libraryOverride") ?: "doku_checkout_ffi",
    )

@Suppress("FunctionName")
private external fun doku_checkout_sign_packed(key: ByteArray, keyLen: Int, packed: ByteArray, packedLen: Int, out: ByteArray, outCap: Int): Int

/** `HMACSHA256=` and 44 base64 characters, with room to spare. */
private const val SIGNATURE_CAPACITY = 64

/**
 * The `Signature` header value through the one direct call, or null when the core refused
 * something: the caller then repeats the call through uniffi, which throws the typed
 * [DokuException] naming the field (the direct call carries no error detail).
 */
internal fun signDirect(key: ByteArray, clientId: String, requestId: String, timestamp: String, requestTarget: String, body: ByteArray?): String? {
    registered
    val parts = arrayOf(clientId, requestId, timestamp, requestTarget).map { strictUtf8(it) ?: return null }
    val packed = ByteBuffer.allocate(parts.sumOf { 4 + it.size } + 4 + (body?.size ?: 0))
    for (p in parts) packed.putInt(p.size).put(p)
    if (body == null) packed.putInt(-1) else packed.putInt(body.size).put(body)
    val out = ByteArray(SIGNATURE_CAPACITY)
    val n = doku_checkout_sign_packed(key, key.size, packed.array(), packed.capacity(), out, out.size)
    return if (n >= 0) String(out, 0, n, Charsets.US_ASCII) else null
}

/**
 * UTF-8 of `s`, or null when it holds a lone surrogate, which UTF-8 cannot carry: `toByteArray`
 * would put a `?` in its place and sign text the caller never wrote. uniffi's own conversion
 * refuses such a string, so the caller's fallback raises what every other call raises.
 */
internal fun strictUtf8(s: String): ByteArray? {
    for (c in s) {
        if (c.isSurrogate()) {
            return try {
                val encoded = Charsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s))
                ByteArray(encoded.remaining()).also { encoded.get(it) }
            } catch (e: CharacterCodingException) {
                null
            }
        }
    }
    return s.toByteArray(Charsets.UTF_8)
}
