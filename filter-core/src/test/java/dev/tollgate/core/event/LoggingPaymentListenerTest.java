package dev.tollgate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.gate.PaymentReceipt;
import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What a client can put into a logged value cannot forge a second log line, nor disguise the line it is in. */
class LoggingPaymentListenerTest {
    private final Capturing log = new Capturing();
    private final LoggingPaymentListener listener = new LoggingPaymentListener(log);

    @Test
    void aReasonHoldingUnicodeLineOrParagraphSeparatorsStaysOnOneLine() {
        listener.rejected("/data", 402, "bad proof\u2028WARNING 503 /admin: forged\u2029more\u0085end");

        String line = log.only();
        for (char separator : new char[] {'\u2028', '\u2029', '\u0085', '\n', '\r'}) {
            assertEquals(-1, line.indexOf(separator), () -> "U+" + Integer.toHexString(separator) + " in " + line);
        }
        assertTrue(line.contains("bad proof?WARNING 503 /admin: forged?more?end"), line);
    }

    @Test
    void bidiControlsInAPayerOrPathCannotReorderWhatTheLineShows() {
        String bidi = "\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u061C";
        listener.admitted("/data" + bidi, new PaymentReceipt(2, "exact", "base-sepolia", "0xasset",
                "10000", "0xpayto", "0xpayer\u202Eevil", null));

        String line = log.only();
        for (char c : bidi.toCharArray()) {
            assertEquals(-1, line.indexOf(c), () -> "U+" + Integer.toHexString(c) + " in " + line);
        }
        assertTrue(line.contains("from 0xpayer?evil"), line);
    }

    @Test
    void aSettledPaymentNotDeliveredIsAWarningNamingWhatARefundNeeds() {
        listener.undelivered("/data", new PaymentReceipt(2, "exact", "base-sepolia", "0xasset", "10000", "0xpayto",
                "0xpayer", "0xtx"), "writing the answer failed: EofException");

        String line = log.only();
        assertTrue(line.startsWith("WARNING "), line);
        for (String part : List.of("/data", "10000", "0xasset", "base-sepolia", "0xpayer", "0xtx",
                "writing the answer failed: EofException")) {
            assertTrue(line.contains(part), () -> part + " missing from " + line);
        }
    }

    /** Formats and keeps every line, at every level. */
    private static final class Capturing implements System.Logger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        String only() {
            assertEquals(1, lines.size(), lines::toString);
            return lines.get(0);
        }

        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + MessageFormat.format(format, params));
        }

        @Override
        public void log(Level level, Supplier<String> supplier) {
            lines.add(level + " " + supplier.get());
        }
    }
}
