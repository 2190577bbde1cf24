package doku.checkout

import io.opentelemetry.api.GlobalOpenTelemetry
import io.opentelemetry.api.OpenTelemetry
import io.opentelemetry.api.common.AttributeKey
import io.opentelemetry.api.common.Attributes
import io.opentelemetry.api.trace.Span
import io.opentelemetry.api.trace.SpanKind
import io.opentelemetry.api.trace.StatusCode
import io.opentelemetry.api.trace.Tracer
import io.opentelemetry.context.Context
import org.slf4j.Logger
import org.slf4j.LoggerFactory

/**
 * Traces and logs of the library's own calls (its HTTP runs in Rust, where the JVM's HTTP
 * instrumentation sees nothing). After [install], every call is a span `doku.<operation>` under
 * the span current on the calling thread (or coroutine, with OpenTelemetry's context element),
 * with one CLIENT span per HTTP attempt following OpenTelemetry's HTTP client conventions, and
 * each retry is a WARN on the SLF4J logger `doku.checkout` (DEBUG adds a line per attempt).
 * Needs `io.opentelemetry:opentelemetry-api` and `org.slf4j:slf4j-api` on the classpath (the
 * application's own). No span or log line holds the secret key, a signature or a body.
 */
object DokuTracing {
    private val log: Logger = LoggerFactory.getLogger("doku.checkout")

    /** Reports every call to `openTelemetry` (default: the global one) and SLF4J. */
    @JvmStatic
    @JvmOverloads
    fun install(openTelemetry: OpenTelemetry = GlobalOpenTelemetry.get()) {
        val tracer = openTelemetry.getTracer("doku-checkout", "0.1.0")
        setCallTracing(object : CallTracing {
            override fun start(operation: String, invoiceNumber: String?): CallTrace = Trace(tracer, log, operation, invoiceNumber)
        })
    }

    /** Stops reporting calls. */
    @JvmStatic
    fun uninstall() = setCallTracing(null)
}

private val RESEND_COUNT = AttributeKey.longKey("http.request.resend_count")
private val STATUS_CODE = AttributeKey.longKey("http.response.status_code")
private val ERROR_TYPE = AttributeKey.stringKey("error.type")

private class Trace(
    private val tracer: Tracer,
    private val log: Logger,
    private val operation: String,
    private val invoiceNumber: String?,
) : CallTrace {
    // Created on the caller's thread: the current context is the parent.
    private val call: Span = tracer.spanBuilder("doku.$operation")
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute("doku.operation", operation)
        .also { b -> invoiceNumber?.let { b.setAttribute("doku.invoice_number", it) } }
        .startSpan()
    private val inCall: Context = Context.current().with(call)
    @Volatile private var attempt: Span? = null

    override fun attemptStarted(attempt: UInt, requestId: String, method: String, urlTemplate: String, serverAddress: String, serverPort: UShort) {
        if (log.isDebugEnabled) log.debug("DOKU {}: attempt {}, {} {}, Request-Id {}", operation, attempt, method, urlTemplate, requestId)
        val builder = tracer.spanBuilder("$method $urlTemplate")
            .setParent(inCall)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("http.request.method", method)
            .setAttribute("url.template", urlTemplate)
            .setAttribute("server.address", serverAddress)
            .setAttribute("server.port", serverPort.toLong())
        if (attempt > 1u) builder.setAttribute(RESEND_COUNT, (attempt - 1u).toLong())
        this.attempt = builder.startSpan()
    }

    override fun attemptEnded(attempt: UInt, status: UShort?, errorType: String?) {
        val span = this.attempt ?: return
        this.attempt = null
        status?.let { span.setAttribute(STATUS_CODE, it.toLong()) }
        errorType?.let { fail(span, it) }
        span.end()
    }

    override fun retrying(attempt: UInt, requestId: String, waitMs: ULong, reason: String) {
        log.warn(
            "DOKU {}{}: attempt {} failed ({}); retrying in {} ms with the same Request-Id {}",
            operation, invoiceNumber?.let { " for $it" } ?: "", attempt, reason, waitMs, requestId,
        )
        call.addEvent(
            "doku.retry",
            Attributes.of(AttributeKey.longKey("doku.attempt"), attempt.toLong(), AttributeKey.stringKey("doku.reason"), reason),
        )
    }

    override fun end(attempts: UInt, requestId: String?, replayed: Boolean?, errorCode: String?) {
        // An attempt still open was cut off by the call's deadline.
        this.attempt?.let { fail(it, "timeout"); it.end() }
        call.setAttribute("doku.attempts", attempts.toLong())
        requestId?.let { call.setAttribute("doku.request_id", it) }
        replayed?.let { call.setAttribute("doku.replayed", it) }
        errorCode?.let { fail(call, it) }
        call.end()
    }

    private fun fail(span: Span, errorType: String) {
        span.setAttribute(ERROR_TYPE, errorType)
        span.setStatus(StatusCode.ERROR)
    }
}
