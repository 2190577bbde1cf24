package doku.checkout

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.read.ListAppender
import com.google.gson.JsonParser
import doku.checkout.core.ClientOptions
import io.opentelemetry.api.common.AttributeKey
import io.opentelemetry.api.trace.SpanKind
import io.opentelemetry.api.trace.StatusCode
import io.opentelemetry.sdk.OpenTelemetrySdk
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter
import io.opentelemetry.sdk.trace.SdkTracerProvider
import io.opentelemetry.sdk.trace.data.SpanData
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.slf4j.LoggerFactory

/** DokuTracing: spans under the caller's span (blocking and suspend), HTTP client attributes per
 * attempt, a WARN per retry on SLF4J, and never a secret or a body. */
class TracingTest {
    private val secret = "SK-KOTLIN-OTEL-0123456789"
    private val exporter = InMemorySpanExporter.create()
    private val otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build()
    private val logs = ListAppender<ILoggingEvent>()

    @BeforeEach
    fun install() {
        DokuTracing.install(otel)
        logs.start()
        (LoggerFactory.getLogger("doku.checkout") as ch.qos.logback.classic.Logger).apply { addAppender(logs); level = Level.INFO }
    }

    @AfterEach
    fun uninstall() {
        DokuTracing.uninstall()
        (LoggerFactory.getLogger("doku.checkout") as ch.qos.logback.classic.Logger).detachAppender(logs)
    }

    private fun setup(emu: Emulator, inv: String, state: String = "PENDING", faults: String = "[]") = emu.setup(
        JsonParser.parseString(
            """{"orders":[{"invoice_number":"$inv","original_request_id":"r-$inv","state":"$state"}],"faults":$faults}""",
        ).asJsonObject,
    )

    private fun childrenOf(span: SpanData) =
        exporter.finishedSpanItems.filter { it.parentSpanId == span.spanId }.sortedBy { it.startEpochNanos }

    private fun checkRetriedCancel(parentSpanId: String, invoice: String, port: Long) {
        val call = exporter.finishedSpanItems.single { it.name == "doku.cancel_order" }
        assertEquals(parentSpanId, call.parentSpanId)
        assertEquals(SpanKind.INTERNAL, call.kind)
        assertEquals(2L, call.attributes.get(AttributeKey.longKey("doku.attempts")))
        assertEquals(invoice, call.attributes.get(AttributeKey.stringKey("doku.invoice_number")))
        assertEquals("rid-$invoice", call.attributes.get(AttributeKey.stringKey("doku.request_id")))
        assertEquals(false, call.attributes.get(AttributeKey.booleanKey("doku.replayed")))
        assertEquals(listOf("doku.retry"), call.events.map { it.name })
        val attempts = childrenOf(call)
        assertEquals(listOf("POST /checkout/v3/cancellations", "POST /checkout/v3/cancellations"), attempts.map { it.name })
        assertTrue(attempts.all { it.kind == SpanKind.CLIENT })
        val (first, second) = attempts
        for (a in attempts) {
            assertEquals("POST", a.attributes.get(AttributeKey.stringKey("http.request.method")))
            assertEquals("/checkout/v3/cancellations", a.attributes.get(AttributeKey.stringKey("url.template")))
            assertEquals("127.0.0.1", a.attributes.get(AttributeKey.stringKey("server.address")))
            assertEquals(port, a.attributes.get(AttributeKey.longKey("server.port")))
        }
        assertEquals(503L, first.attributes.get(AttributeKey.longKey("http.response.status_code")))
        assertEquals("server_error", first.attributes.get(AttributeKey.stringKey("error.type")))
        assertEquals(StatusCode.ERROR, first.status.statusCode)
        assertEquals(null, first.attributes.get(AttributeKey.longKey("http.request.resend_count")))
        assertEquals(200L, second.attributes.get(AttributeKey.longKey("http.response.status_code")))
        assertEquals(1L, second.attributes.get(AttributeKey.longKey("http.request.resend_count")))
        assertEquals(null, second.attributes.get(AttributeKey.stringKey("error.type")))
        assertTrue(call.startEpochNanos <= first.startEpochNanos && first.endEpochNanos <= second.startEpochNanos && second.endEpochNanos <= call.endEpochNanos)
    }

    private fun port(emu: Emulator) = emu.url.substringAfterLast(':').trimEnd('/').toLong()

    @Test
    fun `a retried blocking cancel is one call span with two attempt spans under the caller's span, and a WARN`() {
        Emulator("MCH-KT-OTEL", secret).use { emu ->
            setup(emu, "INV-KT-OT-1", faults = """[{"kind":"status","status":503}]""")
            val client = DokuClient("MCH-KT-OTEL", secret, ClientOptions(baseUrl = emu.url, initialBackoffMs = 5u))
            val parent = otel.getTracer("shop").spanBuilder("java-service").startSpan()
            parent.makeCurrent().use { client.cancelOrderBlocking("INV-KT-OT-1", "r-INV-KT-OT-1", "n", "rid-INV-KT-OT-1") }
            parent.end()
            checkRetriedCancel(parent.spanContext.spanId, "INV-KT-OT-1", port(emu))
            val warning = logs.list.single()
            assertEquals(Level.WARN, warning.level)
            assertTrue(warning.formattedMessage.contains("attempt 1 failed (HTTP 503)") && warning.formattedMessage.contains("rid-INV-KT-OT-1"), warning.formattedMessage)
        }
    }

    @Test
    fun `a suspend call is parented to the span current where the coroutine calls it`() {
        Emulator("MCH-KT-OTEL", secret).use { emu ->
            setup(emu, "INV-KT-OT-2", faults = """[{"kind":"status","status":503}]""")
            val client = DokuClient("MCH-KT-OTEL", secret, ClientOptions(baseUrl = emu.url, initialBackoffMs = 5u))
            val parent = otel.getTracer("shop").spanBuilder("coroutine-service").startSpan()
            runBlocking { parent.makeCurrent().use { client.cancelOrder("INV-KT-OT-2", "r-INV-KT-OT-2", "n", "rid-INV-KT-OT-2") } }
            parent.end()
            checkRetriedCancel(parent.spanContext.spanId, "INV-KT-OT-2", port(emu))
        }
    }

    @Test
    fun `a refused cancel records its error type, and nothing holds the secret or a body`() {
        Emulator("MCH-KT-OTEL", secret).use { emu ->
            setup(emu, "INV-KT-OT-3", state = "PAID")
            val client = DokuClient("MCH-KT-OTEL", secret, ClientOptions(baseUrl = emu.url))
            assertThrows<DokuException.OrderNotCancellable> { client.cancelByInvoiceBlocking("INV-KT-OT-3", "a private note", null) }
            val call = exporter.finishedSpanItems.single { it.name == "doku.cancel_by_invoice" }
            assertEquals("order_not_cancellable", call.attributes.get(AttributeKey.stringKey("error.type")))
            assertEquals(StatusCode.ERROR, call.status.statusCode)
            assertEquals(listOf("GET /orders/v1/status/{invoice_number}"), childrenOf(call).map { it.name })
            val text = exporter.finishedSpanItems.joinToString { "${it.name} ${it.attributes} ${it.events}" } + logs.list.joinToString { it.formattedMessage }
            for (forbidden in listOf(secret, "HMACSHA256", "a private note", "r-INV-KT-OT-3")) assertFalse(text.contains(forbidden), forbidden)
        }
    }

    @Test
    fun `after uninstall calls are not traced`() {
        DokuTracing.uninstall()
        Emulator("MCH-KT-OTEL", secret).use { emu ->
            setup(emu, "INV-KT-OT-4")
            DokuClient("MCH-KT-OTEL", secret, ClientOptions(baseUrl = emu.url)).orderStatusBlocking("INV-KT-OT-4")
            assertEquals(0, exporter.finishedSpanItems.size)
        }
    }
}
