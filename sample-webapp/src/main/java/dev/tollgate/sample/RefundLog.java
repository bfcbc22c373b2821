package dev.tollgate.sample;

import dev.tollgate.core.event.LoggingPaymentListener;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.gate.PaymentReceipt;

/**
 * The sample's payment listener (web.xml's {@code listener}): logs, at WARNING on {@code dev.tollgate.payments}, each
 * payment settled whose answer did not reach the payer, with what a refund needs (path, amount, asset, network,
 * payer, transaction, cause; nothing secret: no proof, no credential). The other steps are not logged: a line per
 * request would weigh on the benchmarks that run through the sample; name {@link LoggingPaymentListener} instead to
 * log every step.
 */
public final class RefundLog implements PaymentListener {
    private final PaymentListener log;

    public RefundLog() {
        this(new LoggingPaymentListener());
    }

    RefundLog(PaymentListener log) {
        this.log = log;
    }

    @Override
    public void undelivered(String path, PaymentReceipt receipt, String cause) {
        log.undelivered(path, receipt, cause);
    }
}
