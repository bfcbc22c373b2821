package dev.tollgate.jaxrs;

import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.gate.PaymentReceipt;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener named in settings ({@code tollgate.listener}): keeps what was reported settled and not delivered. */
public final class UndeliveredRecorder implements PaymentListener {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    @Override
    public void undelivered(String path, PaymentReceipt receipt, String cause) {
        EVENTS.add(path + " " + receipt.payer() + " " + receipt.amount() + " " + receipt.transaction() + " " + cause);
    }
}
