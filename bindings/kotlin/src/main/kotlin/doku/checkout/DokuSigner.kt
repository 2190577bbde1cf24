package doku.checkout

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
    fun sign(clientId: String, requestId: String, timestamp: String, requestTarget: String, body: ByteArray? = null): String =
        signDirect(key, clientId, requestId, timestamp, requestTarget, body)
            ?: UniffiDokuSigner(String(key, Charsets.UTF_8)).use { it.sign(SigningRequest(clientId, requestId, timestamp, requestTarget, body)) }

    override fun close() {}

    override fun toString(): String = "DokuSigner(secretKey=***)"
}

/**
 * The `Signature` header value (`HMACSHA256=...`) for `request`, signed with `secretKey`: the
 * same one direct call as [DokuSigner] (uniffi's function stays as [uniffiSignRequest], for
 * the typed error of a refused input). Many signatures with one key: hold a [DokuSigner].
 */
@Throws(DokuException::class)
fun signRequest(secretKey: String, request: SigningRequest): String {
    val key = strictUtf8(secretKey) ?: return uniffiSignRequest(secretKey, request)
    return signDirect(key, request.clientId, request.requestId, request.timestamp, request.requestTarget, request.body)
        ?: uniffiSignRequest(secretKey, request)
}
