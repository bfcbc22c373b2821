package dev.tollgate.core.gate;

import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
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

    /**
     * Request attribute / property under which an adapter keeps a session that ended settled while its answer is
     * still to be written (the JAX-RS binding's answer goes through the application's WriterInterceptors after every
     * response filter): whoever sees that answer fail reports it through {@link #undelivered}.
     */
    public static final String SETTLED_ATTRIBUTE = ATTRIBUTE + ".settled";

    private static final System.Logger LOG = System.getLogger("dev.tollgate.ledger");
    private final PaymentTerms terms;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Function<PaymentReceipt, Completion> settler;
    /** Releases the claim (and frees a payment identifier); true when the ledger answered. */
    private final BooleanSupplier releaser;
    private final Runnable marker;
    private final PaymentListener listener;
    private final String path;
    private volatile PaymentReceipt receipt;
    private Completion settledBefore;
    /** Told when the session ends, once; the gate stops tracking it then. */
    private volatile Runnable onEnd = () -> { };
    /** Ended by {@link #releaseBeforeClose}: the handler's later answer gets {@link #stopped}, never a settlement. */
    private volatile Completion stopped;
    private final AtomicBoolean stoppedAnswered = new AtomicBoolean();
    /** Settled (or a Code intent marked used): from then on the payer was charged, whatever the answer. */
    private volatile boolean settled;
    private final AtomicBoolean undeliveredReported = new AtomicBoolean();
    /** The gate whose ledger ending this session uses: its owner does not close it under the ending. */
    private volatile PaymentGate ledgerUser;

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
            boolean released = gate.release(proof.ledgerKey(), until);
            if (ticket != null) {
                ticket.abandon();
            }
            return released;
        }, () -> {
                    try {
                        gate.ledger().settled(proof.ledgerKey(), until);
                    } catch (LedgerUnavailableException e) {
                        // The claim already holds the key until the same instant; nothing is lost.
                    }
                }, gate.listener(), view.path());
        this.ledgerUser = gate;
    }

    /** Ending this session uses {@code gate}'s ledger, which is then not closed before the ending is over. */
    void endsWithLedgerOf(PaymentGate gate) {
        this.ledgerUser = gate;
    }

    /**
     * A session whose payment is settled by {@code settler}, released by {@code releaser} and, once settled,
     * kept used by {@code marker} (a Code intent: paid already, so settling only marks it redeemed). {@code listener}
     * is told of a request for {@code path} that settled before its handler ran and then got no content.
     */
    PaymentSession(PaymentTerms terms, PaymentReceipt receipt, Function<PaymentReceipt, Completion> settler,
                   Runnable releaser, Runnable marker, PaymentListener listener, String path) {
        this(terms, receipt, settler, () -> {
            releaser.run();
            return true;
        }, marker, listener, path);
    }

    /** {@code releaser} answers whether the ledger took the release. */
    private PaymentSession(PaymentTerms terms, PaymentReceipt receipt, Function<PaymentReceipt, Completion> settler,
                           BooleanSupplier releaser, Runnable marker, PaymentListener listener, String path) {
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
        return complete(handlerStatus, false);
    }

    /**
     * Ends the session after the handler answered {@code handlerStatus}, before anything of the answer has been sent.
     * {@code errorAnswer} says the handler gave up its own answer for the server's error answer (a servlet's
     * {@code sendError}), which settles nothing whatever its status: a {@code sendError(302)} or {@code (304)} goes out
     * as an error page, or as nothing, with no {@code Location} and none of the content paid for. Otherwise a status
     * of 400 or more settles nothing, and any other settles: a 2xx (a 204 too: the paid action was done, or a 206: the
     * part asked for), a 304 (the payer's own copy is confirmed current, and is what it uses) and a redirect the
     * handler chose to answer with (its {@code Location} can be what is sold, a signed download link). An adapter
     * passes {@code errorAnswer} for a redirect that only adds the path's trailing slash too ({@link
     * TrailingSlashRedirect}): a container's default servlet makes it for a directory, and it sells nothing.
     */
    public Completion complete(int handlerStatus, boolean errorAnswer) {
        PaymentGate gate = ledgerUser;
        if (gate == null) {
            return end(handlerStatus, errorAnswer);
        }
        PaymentGate.LedgerUse use = gate.usingLedger("the ending of a paid request (complete)");
        try {
            return end(handlerStatus, errorAnswer);
        } finally {
            gate.doneWithLedger(use);
        }
    }

    private Completion end(int handlerStatus, boolean errorAnswer) {
        if (!finished.compareAndSet(false, true)) {
            Completion s = stopped;
            if (s != null && stoppedAnswered.compareAndSet(false, true)) {
                // What a settlement refused by the closed facilitator client reported.
                listener.rejected(path, 503, "not settled: the application stopped while the handler ran");
                return s;
            }
            throw new IllegalStateException("payment session already completed");
        }
        onEnd.run();
        boolean delivers = delivers(handlerStatus, errorAnswer);
        if (settledBefore != null) {
            if (!delivers) {
                chargedUndelivered(handlerStatus);
            }
            return settledBefore;
        }
        if (!delivers) {
            releaser.getAsBoolean();
            return new Completion.Deliver(Map.of(), null);
        }
        Completion c = settler.apply(receipt);
        if (c instanceof Completion.Deliver d) {
            markSettled(d);
        } else {
            releaser.getAsBoolean();
        }
        return c;
    }

    /**
     * The Tollgate is closing while the handler runs, and closes the ledger next: if the session has not begun to
     * end, it is ended now, its claim released while the ledger can still take it, and the handler's answer will
     * get {@code answer} (the 503 a settlement refused by the closed facilitator client gets), never a settlement.
     * Nothing waits for the handler. Returns false if the ledger did not answer (the claim lapses at its expiry).
     */
    boolean releaseBeforeClose(Completion answer) {
        if (settledBefore != null || finished.get()) {
            return true;
        }
        stopped = answer; // before the session counts as finished, so that a complete() refused here finds it
        if (!finished.compareAndSet(false, true)) {
            stopped = null;
            return true; // complete() or abandon() came first, and ends it as it always did
        }
        onEnd.run();
        return releaser.getAsBoolean();
    }

    /**
     * Admitted as the Tollgate closes, after {@link #releaseBeforeClose} was offered the sessions running: ended now,
     * before its handler runs, without a release, which the admitting check makes as for any refusal.
     */
    void endBeforeHandler(Completion answer) {
        stopped = answer;
        if (finished.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    /** {@code r} runs once, when the session ends. */
    void onEnd(Runnable r) {
        onEnd = r;
    }

    /**
     * Whether a handler's answer of {@code handlerStatus} ({@code errorAnswer}: the server's error answer in its
     * place) delivers what was paid for, and so is settled: see {@link #complete(int, boolean)}. An adapter asks it
     * too, to mark only such an answer as paid for ({@code Cache-Control: private}).
     */
    public static boolean delivers(int handlerStatus, boolean errorAnswer) {
        return !errorAnswer && handlerStatus < 400;
    }

    /** The handler failed without an answer: release the claim, settle nothing. */
    public void abandon() {
        PaymentGate gate = ledgerUser;
        if (gate == null) {
            abandonNow();
            return;
        }
        PaymentGate.LedgerUse use = gate.usingLedger("the ending of a paid request (abandon)");
        try {
            abandonNow();
        } finally {
            gate.doneWithLedger(use);
        }
    }

    private void abandonNow() {
        if (finished.compareAndSet(false, true)) {
            onEnd.run();
            if (settledBefore == null) {
                releaser.getAsBoolean();
            } else {
                chargedUndelivered(500);
            }
        }
    }

    /**
     * Settled before the handler ran, which then failed: the payer was charged and gets an error with the receipt.
     * Nothing else tells the operator, who may owe a refund. It is reported once, as {@code undelivered} with the
     * receipt, not also as {@code rejected}: the gate refused nothing, and a handler's failure after a settlement
     * after it reports no rejection either.
     */
    private void chargedUndelivered(int status) {
        undelivered("the handler failed (" + status + ") after the payment was settled before it ran "
                + "(settlement=before)");
    }

    /**
     * The answer of this session, once settled, did not reach the payer ({@code cause}: what failed, for the
     * operator): reported to the listener as {@link PaymentListener#undelivered}, once. An adapter calls it where
     * sending the settled answer fails; a session that was not settled reports nothing (nothing was charged), so an
     * adapter may call it on any failure after the session ended. Settled before a handler that then failed, the
     * session reports it itself.
     */
    public void undelivered(String cause) {
        if (settled && undeliveredReported.compareAndSet(false, true)) {
            listener.undelivered(path, receipt, cause);
        }
    }

    /** Whether the payment was settled: the payer was charged. */
    public boolean isSettled() {
        return settled;
    }

    private void markSettled(Completion.Deliver d) {
        receipt = receipt.withTransaction(d.transaction());
        settled = true;
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
