@file:JvmName("DirectSigning")

package doku.checkout

import com.sun.jna.Native

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

/** The signature's length written into `out`, or a negative number when anything was refused. */
internal fun signPacked(key: ByteArray, packed: ByteArray, out: ByteArray): Int {
    registered
    return doku_checkout_sign_packed(key, key.size, packed, packed.size, out, out.size)
}
