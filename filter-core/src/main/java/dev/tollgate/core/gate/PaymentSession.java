package dev.tollgate.core.gate;

import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * An admitted payment while its handler runs. Exactly one of {@link #complete} or {@link #abandon} ends it:
 * a successful handler gets the payment settled (or, settled already, its headers), a failed one releases
 * the claim so nothing is charged.
 */
public final class PaymentSession {
    /**
     * Request attribute / property under which an adapter keeps an admitted session until the handler's answer ends
     * it (the JAX-RS binding does, between its request and response filters). One still there when the request is
     * over had no answer to settle on, and is {@link #abandon abandoned} by whoever cleans up after requests.
     */
    public static final String ATTRIBUTE = PaymentSession.class.getName();

    private static final System.Logger LOG = System.getLogger("dev.tollgate.ledger");
    private final PaymentTerms terms;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Function<PaymentReceipt, Completion> settler;
    private final Runnable releaser;
    private final Runnable marker;
    private final PaymentListener listener;
    private final String path;
    private volatile PaymentReceipt receipt;
    private Completion settledBefore;

    PaymentSession(PaymentGate gate, RequestView view, PaymentTerms terms, MatchedProof proof, Instant until,
                   PaymentReceipt receipt, PaymentIdentifiers.Ticket ticket) {
        this(terms, receipt, r -> {
            Completion c = gate.settle(view, terms, proof, r);
            if (ticket != null) {
                try {
                    ticket.settled(c, r);
                } catch (RuntimeException e) {
                    // Recording the outcome for retries comes after the settlement: a store supplied in code that
                    // throws must not lose the answer of a payment just made (settlement BEFORE: a 500 with the
                    // proof released). The id stays in progress until its expiry, so a retry meanwhile gets a 409,
                    // never a second settlement.
                    LOG.log(System.Logger.Level.ERROR, "the payment identifier store threw while recording a "
                            + "settlement's outcome; the id lapses at its expiry", e);
                }
            }
            return c;
        }, () -> {
            gate.release(proof.ledgerKey(), until);
            if (ticket != null) {
                ticket.abandon();
            }
        }, () -> {
                    try {
                        gate.ledger().settled(proof.ledgerKey(), until);
                    } catch (LedgerUnavailableException e) {
                        // The claim already holds the key until the same instant; nothing is lost.
                    }
                }, gate.listener(), view.path());
    }

    /**
     * A session whose payment is settled by {@code settler}, released by {@code releaser} and, once settled,
     * kept used by {@code marker} (a Code intent: paid already, so settling only marks it redeemed). {@code listener}
     * is told of a request for {@code path} that settled before its handler ran and then got no content.
     */
    PaymentSession(PaymentTerms terms, PaymentReceipt receipt, Function<PaymentReceipt, Completion> settler,
                   Runnable releaser, Runnable marker, PaymentListener listener, String path) {
        this.terms = terms;
        this.receipt = receipt;
        this.settler = settler;
        this.releaser = releaser;
        this.marker = marker;
        this.listener = listener;
        this.path = path;
    }

    public PaymentReceipt receipt() {
        return receipt;
    }

    public SettlementMode settlement() {
        return terms.settlement();
    }

    /** Settlement mode BEFORE: settle while admitting, before the handler runs. */
    Completion settleNow() {
        Completion c = settler.apply(receipt);
        if (c instanceof Completion.Deliver d) {
            markSettled(d);
            settledBefore = d;
        } else {
            finished.set(true);
        }
        return c;
    }

    /**
     * Ends the session after the handler answered {@code handlerStatus}, before anything of the answer has
     * been sent. A status of 400 or more settles nothing.
     */
    public Completion complete(int handlerStatus) {
        if (!finished.compareAndSet(false, true)) {
            throw new IllegalStateException("payment session already completed");
        }
        if (settledBefore != null) {
            if (handlerStatus >= 400) {
                chargedUndelivered(handlerStatus);
            }
            return settledBefore;
        }
        if (handlerStatus >= 400) {
            releaser.run();
            return new Completion.Deliver(Map.of(), null);
        }
        Completion c = settler.apply(receipt);
        if (c instanceof Completion.Deliver d) {
            markSettled(d);
        } else {
            releaser.run();
        }
        return c;
    }

    /** The handler failed without an answer: release the claim, settle nothing. */
    public void abandon() {
        if (finished.compareAndSet(false, true)) {
            if (settledBefore == null) {
                releaser.run();
            } else {
                chargedUndelivered(500);
            }
        }
    }

    /**
     * Settled before the handler ran, which then failed: the payer was charged and gets an error with the receipt.
     * Nothing else tells the operator, who may owe a refund, so it is reported as the rejection it is.
     */
    private void chargedUndelivered(int status) {
        String tx = receipt.transaction();
        listener.rejected(path, status, "the handler failed after the payment was settled (settlement=before): "
                + "charged, not delivered" + (tx == null ? "" : ", transaction " + tx));
    }

    private void markSettled(Completion.Deliver d) {
        receipt = receipt.withTransaction(d.transaction());
        try {
            marker.run();
        } catch (RuntimeException e) {
            // The payment is made: a ledger supplied in code that throws here must not turn it into an error that
            // loses the paid answer and its receipt (with settlement BEFORE, the gate would even release the proof
            // and answer 500). The claim already holds the key until the same instant, so the proof stays used.
            LOG.log(System.Logger.Level.ERROR, "the ledger threw while marking a settled payment used; its claim "
                    + "keeps it used, and the paid answer goes out", e);
        }
    }
}
