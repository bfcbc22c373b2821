package dev.tollgate.core.gate;

import dev.tollgate.core.event.PaymentListener;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application's listener, kept from changing what the gate decides. Listeners must not throw, but one that
 * does (a metrics backend down, a logging bug) would otherwise turn an admitted payment into an error after the
 * claim, or lose an answer the payer was charged for when {@code settled} throws after the settlement. What it
 * throws is logged once per event kind, and the gate goes on.
 */
final class ListenerGuard implements PaymentListener {
    private static final System.Logger LOG = System.getLogger(ListenerGuard.class.getName());

    private final PaymentListener listener;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private ListenerGuard(PaymentListener listener) {
        this.listener = listener;
    }

    static PaymentListener around(PaymentListener listener) {
        return listener == PaymentListener.NONE || listener instanceof ListenerGuard ? listener
                : new ListenerGuard(listener);
    }

    @Override
    public void challenged(String path, String reason) {
        guarded("challenged", () -> listener.challenged(path, reason));
    }

    @Override
    public void verified(String path, String outcome, String reason, Duration latency) {
        guarded("verified", () -> listener.verified(path, outcome, reason, latency));
    }

    @Override
    public void admitted(String path, PaymentReceipt receipt) {
        guarded("admitted", () -> listener.admitted(path, receipt));
    }

    @Override
    public void settled(String path, PaymentReceipt receipt, boolean success, String detail, Duration latency) {
        guarded("settled", () -> listener.settled(path, receipt, success, detail, latency));
    }

    @Override
    public void retried(String path, PaymentReceipt receipt) {
        guarded("retried", () -> listener.retried(path, receipt));
    }

    @Override
    public void ledgerUnavailable(String path, boolean admitted, String detail) {
        guarded("ledgerUnavailable", () -> listener.ledgerUnavailable(path, admitted, detail));
    }

    @Override
    public void rejected(String path, int status, String reason) {
        guarded("rejected", () -> listener.rejected(path, status, reason));
    }

    @Override
    public void undelivered(String path, PaymentReceipt receipt, String cause) {
        guarded("undelivered", () -> listener.undelivered(path, receipt, cause));
    }

    private void guarded(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (reported.add(event)) {
                LOG.log(System.Logger.Level.ERROR, "the payment listener " + listener.getClass().getName()
                        + " threw from " + event + "(); the payment went on unaffected (reported once per event)", e);
            }
        }
    }
}
