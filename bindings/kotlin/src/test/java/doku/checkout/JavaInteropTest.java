package doku.checkout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import doku.checkout.core.CancelOrderResult;
import doku.checkout.testing.DokuEmulator;
import org.junit.jupiter.api.Test;

/** What a Java (Spring) shop writes: no coroutines, no Kotlin types it cannot build. */
class JavaInteropTest {
    private static final String SECRET = "SK-JAVA-0123456789";

    @Test
    void blockingCallsFromJava() throws Exception {
        try (DokuEmulator emulator = new DokuEmulator("MCH-JAVA", SECRET)) {
            emulator.setup("{\"orders\":[{\"invoice_number\":\"INV-J1\",\"original_request_id\":\"r-J1\"},"
                + "{\"invoice_number\":\"INV-J2\",\"original_request_id\":\"r-J2\",\"state\":\"PAID\"}]}");
            DokuClient client = DokuClient.Companion.fromOptionsJson("MCH-JAVA", SECRET, "{\"base_url\":\"" + emulator.getUrl() + "\"}");
            CancelOrderResult result = client.cancelOrderBlocking("INV-J1", "r-J1", "from Java", null);
            assertEquals("CANCELLED", result.getOrderStatus());
            assertEquals("CANCELLED", client.orderStatusBlocking("INV-J1").getStatus());
            DokuException.OrderNotCancellable refused =
                assertThrows(DokuException.OrderNotCancellable.class, () -> client.cancelOrderBlocking("INV-J2", "r-J2", "late", null));
            assertEquals("order_not_cancellable", refused.details().getCode());
        }
    }

    @Test
    void settingsAsJsonAreReadStrictly() {
        // As tests/vectors/config.json says: a misspelt name is refused as `options`, a value of
        // the wrong kind under its own name.
        DokuException.ConfigException unknown = assertThrows(DokuException.ConfigException.class,
            () -> DokuClient.Companion.fromOptionsJson("MCH-JAVA", SECRET, "{\"timeout\":5}"));
        assertEquals("options", unknown.details().getField());
        DokuException.ConfigException text = assertThrows(DokuException.ConfigException.class,
            () -> DokuClient.Companion.fromOptionsJson("MCH-JAVA", SECRET, "{\"timeout_ms\":\"5\"}"));
        assertEquals("timeout_ms", text.details().getField());
    }
}
