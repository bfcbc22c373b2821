package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.event.LoggingPaymentListener;
import dev.tollgate.core.gate.PaymentReceipt;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The sample's listener: a payment settled and not delivered is one WARNING with what a refund needs; nothing else. */
class RefundLogTest {
    private static final PaymentReceipt RECEIPT = new PaymentReceipt(2, "exact", "base-sepolia", "0xasset", "10000",
            "0xpayto", "0xpayer", "0x" + "ab".repeat(32));

    @Test
    void aSettledPaymentNotDeliveredIsOneWarningNamingPayerAmountAndTransaction() {
        Capturing log = new Capturing();
        RefundLog listener = new RefundLog(new LoggingPaymentListener(log));

        listener.challenged("/premium/report", null);
        listener.admitted("/premium/report", RECEIPT);
        listener.settled("/premium/report", RECEIPT, true, "0xtx", Duration.ofMillis(3));
        listener.rejected("/premium/report", 503, "facilitator unavailable");
        assertEquals(List.of(), log.lines, "every other step is left to LoggingPaymentListener");

        listener.undelivered("/premium/report", RECEIPT, "writing the paid answer failed: EofException");
        assertEquals(1, log.lines.size(), log.lines::toString);
        String line = log.lines.get(0);
        assertTrue(line.startsWith("WARNING "), line);
        for (String part : List.of("/premium/report", "10000", "0xasset", "base-sepolia", "0xpayer",
                "0x" + "ab".repeat(32), "writing the paid answer failed")) {
            assertTrue(line.contains(part), () -> part + " missing from " + line);
        }
    }

    private static final class Capturing implements System.Logger {
        final List<String> lines = new CopyOnWriteArrayList<>();

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
