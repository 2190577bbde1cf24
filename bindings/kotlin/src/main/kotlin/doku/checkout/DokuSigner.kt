package doku.checkout

import java.nio.ByteBuffer

/**
 * Signs requests with one Secret Key. On the JVM each signature is a single JNA call with byte
 * arrays into the core (DirectSigning.kt): the signatures are the core's, byte for byte, at the
 * cost of `javax.crypto.Mac`. A refused input throws the core's typed [DokuException]: the call
 * is then repeated through uniffi's object ([UniffiDokuSigner], the `DokuSigner` of the other
 * languages), which says which field and why. The key is checked by the core once and kept as
 * UTF-8 bytes; [toString] prints `***`. Safe to share between threads; [close] is there for
 * `use {}` and releases nothing (no native handle is held).
 */
class DokuSigner(secretKey: String) : AutoCloseable {
    private val key: ByteArray = secretKey.toByteArray(Charsets.UTF_8)

    init {
        // The core's own checks (and typed error) for the key, once.
        UniffiDokuSigner(secretKey).close()
    }

    /** The `Signature` header value (`HMACSHA256=...`) for `request`. */
    @Throws(DokuException::class)
    fun sign(request: SigningRequest): String = sign(request.clientId, request.requestId, request.timestamp, request.requestTarget, request.body)

    /** The `Signature` header value for these parts; `body` is null for GET (no Digest line). */
    @JvmOverloads
    @Throws(DokuException::class)
    fun sign(clientId: String, requestId: String, timestamp: String, requestTarget: String, body: ByteArray? = null): String {
        val parts = arrayOf(clientId, requestId, timestamp, requestTarget).map { it.toByteArray(Charsets.UTF_8) }
        val packed = ByteBuffer.allocate(parts.sumOf { 4 + it.size } + 4 + (body?.size ?: 0))
        for (p in parts) packed.putInt(p.size).put(p)
        if (body == null) packed.putInt(-1) else packed.putInt(body.size).put(body)
        val out = ByteArray(SIGNATURE_CAPACITY)
        val n = signPacked(key, packed.array(), out)
        if (n >= 0) return String(out, 0, n, Charsets.US_ASCII)
        // Refused: the typed path raises the DokuException naming the field.
        return UniffiDokuSigner(String(key, Charsets.UTF_8)).use { it.sign(SigningRequest(clientId, requestId, timestamp, requestTarget, body)) }
    }

    override fun close() {}

    override fun toString(): String = "DokuSigner(secretKey=***)"

    private companion object {
        /** `HMACSHA256=` and 44 base64 characters, with room to spare. */
        const val SIGNATURE_CAPACITY = 64
    }
}
