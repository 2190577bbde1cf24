@file:JvmName("Conformance")

package doku.checkout

import com.sun.jna.Native
import com.sun.jna.Pointer

// The core's one shared-vector entry point (test builds only): a plain C function of the FFI
// library (crates/doku-checkout-ffi/src/conformance.rs), so the generated Kotlin stays the
// release surface. JNA direct mapping onto the same library uniffi loads.

private val registered: Unit =
    try {
        Native.register(
            Class.forName("doku.checkout.Conformance"),
            System.getProperty("uniffi.component.doku_checkout_ffi.libraryOverride") ?: "doku_checkout_ffi",
        )
    } catch (e: UnsatisfiedLinkError) {
        throw IllegalStateException("the FFI library has no conformance entry point: build it with the `conformance` feature (make ffi-build)", e)
    }

@Suppress("FunctionName")
private external fun doku_checkout_conformance_run(operation: ByteArray, input: ByteArray): Pointer?

@Suppress("FunctionName")
private external fun doku_checkout_conformance_free(answer: Pointer?)

private fun cString(s: String): ByteArray = s.toByteArray(Charsets.UTF_8) + 0

/** Runs one operation of the shared vectors in the core: JSON in, `{"ok"|"error": ...}` out. */
internal fun conformanceRun(operation: String, input: String): String {
    registered
    val answer = doku_checkout_conformance_run(cString(operation), cString(input))
        ?: error("the conformance entry point returned null for $operation (an argument was not UTF-8, or the core panicked)")
    try {
        return answer.getString(0, "UTF-8")
    } finally {
        doku_checkout_conformance_free(answer)
    }
}
