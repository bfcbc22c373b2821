package dev.tollgate.core.event;

import dev.tollgate.core.gate.PaymentReceipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * Payment metrics on a Micrometer {@link MeterRegistry}. Micrometer is an optional dependency of the core:
 * nothing else in Tollgate refers to this class, so it is loaded only by an application that creates it
 * (and therefore has Micrometer on its class path).
 *
 * <p>Meters (tags have bounded values; reasons, paths and payers are deliberately not tags):
 * {@code tollgate.challenges{kind=unpaid|refused}}, {@code tollgate.verify} (timer,
 * {@code outcome=Valid|Invalid|Unavailable|Malfunction}), {@code tollgate.admitted},
 * {@code tollgate.settle} (timer, {@code result=success|failure}), {@code tollgate.rejected{status}},
 * {@code tollgate.retried} (payment-identifier retries of a settled payment),
 * {@code tollgate.ledger.unavailable{policy=closed|open}}.
 */
public final class MicrometerPaymentListener implements PaymentListener {
    private final MeterRegistry registry;

    public MicrometerPaymentListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void challenged(String path, String reason) {
        registry.counter("tollgate.challenges", "kind", reason == null ? "unpaid" : "refused").increment();
    }

    @Override
    public void verified(String path, String outcome, String reason, Duration latency) {
        Timer.builder("tollgate.verify").tag("outcome", outcome == null ? "unknown" : outcome)
                .register(registry).record(latency);
    }

    @Override
    public void admitted(String path, PaymentReceipt receipt) {
        registry.counter("tollgate.admitted").increment();
    }

    @Override
    public void settled(String path, PaymentReceipt receipt, boolean success, String detail, Duration latency) {
        Timer.builder("tollgate.settle").tag("result", success ? "success" : "failure")
                .register(registry).record(latency);
    }

    @Override
    public void retried(String path, PaymentReceipt receipt) {
        registry.counter("tollgate.retried").increment();
    }

    @Override
    public void ledgerUnavailable(String path, boolean admitted, String detail) {
        registry.counter("tollgate.ledger.unavailable", "policy", admitted ? "open" : "closed").increment();
    }

    @Override
    public void rejected(String path, int status, String reason) {
        registry.counter("tollgate.rejected", "status", Integer.toString(status)).increment();
    }

    @Override
    public void undelivered(String path, PaymentReceipt receipt, String cause) {
        registry.counter("tollgate.undelivered").increment();
    }
}
