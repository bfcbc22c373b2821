package dev.tollgate.core.gate;

import dev.tollgate.core.ledger.LedgerUnavailableException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An admitted payment while its handler runs. Exactly one of {@link #complete} or {@link #abandon} ends it:
 * a successful handler gets the payment settled (or, settled already, its headers), a failed one releases
 * the claim so nothing is charged.
 */
public final class PaymentSession {
    private final PaymentGate gate;
    private final RequestView view;
    private final PaymentTerms terms;
    private final MatchedProof proof;
    private final Instant until;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile PaymentReceipt receipt;
    private Completion settledBefore;

    PaymentSession(PaymentGate gate, RequestView view, PaymentTerms terms, MatchedProof proof, Instant until,
                   PaymentReceipt receipt) {
        this.gate = gate;
        this.view = view;
        this.terms = terms;
        this.proof = proof;
        this.until = until;
        this.receipt = receipt;
    }

    public PaymentReceipt receipt() {
        return receipt;
    }

    public SettlementMode settlement() {
        return terms.settlement();
    }

    /** Settlement mode BEFORE: settle while admitting, before the handler runs. */
    Completion settleNow() {
        Completion c = gate.settle(view, terms, proof, receipt);
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
            return settledBefore;
        }
        if (handlerStatus >= 400) {
            gate.release(proof.ledgerKey());
            return new Completion.Deliver(Map.of(), null);
        }
        Completion c = gate.settle(view, terms, proof, receipt);
        if (c instanceof Completion.Deliver d) {
            markSettled(d);
        } else {
            gate.release(proof.ledgerKey());
        }
        return c;
    }

    /** The handler failed without an answer: release the claim, settle nothing. */
    public void abandon() {
        if (finished.compareAndSet(false, true) && settledBefore == null) {
            gate.release(proof.ledgerKey());
        }
    }

    private void markSettled(Completion.Deliver d) {
        receipt = receipt.withTransaction(d.transaction());
        try {
            gate.ledger().settled(proof.ledgerKey(), until);
        } catch (LedgerUnavailableException e) {
            // The claim already holds the key until the same instant; nothing is lost.
        }
    }
}
