package dev.tollgate.core.event;

import dev.tollgate.core.gate.PaymentReceipt;
import java.time.Duration;
import java.util.Objects;

/**
 * Logs every step of every payment attempt through {@link System.Logger} (which the JDK routes to
 * java.util.logging, or to SLF4J/Log4j when their System.LoggerFinder is on the class path).
 *
 * <p>What it logs cannot hold a secret: the listener is never handed a proof or a facilitator credential,
 * only paths, outcomes, reasons, receipts (network, amount, payer address, transaction id: all public on
 * chain) and latencies. Reasons, paths and payers may quote client input, so they are shortened and stripped of
 * control, line-separator and bidi characters: a line cannot be forged into two, nor shown in another order.
 */
public final class LoggingPaymentListener implements PaymentListener {
    private static final int MAX_TEXT = 200;
    private final System.Logger log;

    public LoggingPaymentListener() {
        this(System.getLogger("dev.tollgate.payments"));
    }

    public LoggingPaymentListener(System.Logger log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void challenged(String path, String reason) {
        if (reason == null) {
            log.log(System.Logger.Level.DEBUG, "402 {0}: payment required", clean(path));
        } else {
            log.log(System.Logger.Level.INFO, "402 {0}: payment refused: {1}", clean(path), clean(reason));
        }
    }

    @Override
    public void verified(String path, String outcome, String reason, Duration latency) {
        log.log(System.Logger.Level.INFO, "verify {0}: {1}{2} in {3} ms", clean(path), clean(outcome),
                reason == null ? "" : " (" + clean(reason) + ")", latency.toMillis());
    }

    @Override
    public void admitted(String path, PaymentReceipt r) {
        log.log(System.Logger.Level.INFO, "admit {0}: {1} {2} on {3} from {4}{5}", clean(path), clean(r.amount()),
                clean(r.asset()), clean(r.network()), clean(r.payer()),
                r.transaction() == null ? "" : " tx " + clean(r.transaction()));
    }

    @Override
    public void settled(String path, PaymentReceipt r, boolean success, String detail, Duration latency) {
        log.log(success ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "settle {0}: {1} {2} in {3} ms", clean(path), success ? "settled" : "failed", clean(detail),
                latency.toMillis());
    }

    @Override
    public void retried(String path, PaymentReceipt r) {
        log.log(System.Logger.Level.INFO, "retry {0}: admitted under its payment identifier, settled before{1}",
                clean(path), r.transaction() == null ? "" : " as tx " + clean(r.transaction()));
    }

    @Override
    public void ledgerUnavailable(String path, boolean admitted, String detail) {
        log.log(admitted ? System.Logger.Level.ERROR : System.Logger.Level.WARNING, "ledger {0}: unavailable, {1}: {2}",
                // Reported before the proof is verified: "admitted" would also name the proofs then refused.
                clean(path), admitted ? "going on WITHOUT REPLAY PROTECTION (ledger.onUnavailable=open)" : "503",
                clean(detail));
    }

    @Override
    public void rejected(String path, int status, String reason) {
        log.log(System.Logger.Level.WARNING, "{0} {1}: {2}", status, clean(path), clean(reason));
    }

    /** Everything needed to find the payment and refund it; the receipt holds nothing secret. */
    @Override
    public void undelivered(String path, PaymentReceipt r, String cause) {
        log.log(System.Logger.Level.WARNING, "undelivered {0}: {1} {2} on {3} from {4} tx {5} settled, answer not "
                        + "delivered (refund?): {6}", clean(path), clean(r.amount()), clean(r.asset()), clean(r.network()),
                clean(r.payer()), clean(r.transaction()), clean(cause));
    }

    static String clean(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_TEXT + 1));
        int i = 0;
        while (i < s.length() && b.length() < MAX_TEXT) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (hidden(c)) {
                b.append('?');
            } else {
                b.appendCodePoint(c);
            }
        }
        if (i < s.length()) {
            b.append('…');
        }
        return b.toString();
    }

    /**
     * What would end the line or change how the rest of it reads: control characters (C0, DEL, C1 with NEL), the
     * Unicode line and paragraph separators (which many log viewers and JSON log shippers break lines on), and the
     * format characters (the bidi embeddings, overrides, isolates and marks, which make a viewer show a value in
     * another order than it was logged; zero-width and tag characters); and half a surrogate pair.
     */
    private static boolean hidden(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> true;
            default -> false;
        };
    }
}
