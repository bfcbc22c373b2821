package dev.tollgate.core.ledger;

import java.time.Instant;

/**
 * Remembers x402 v2 {@code payment-identifier} ids: for each, a fingerprint of the payload first sent with it
 * and, once that request is over, its outcome. A ledger offers one through {@link ReplayLedger#paymentIdentifiers},
 * sharing its store and connection settings, so that every instance that shares the ledger shares the ids.
 *
 * <p>The one operation a backend must make atomic is {@link #begin}: of any number of concurrent begins of the
 * same id, exactly one may get {@code null}. Entries expire on their own at the instant they were given.
 *
 * <p>An outcome is opaque to the store but for one thing: a {@linkplain #paid paid} one, which begins with
 * {@value #PAID}, is never overwritten by one that is not, whoever writes it.
 */
public interface PaymentIdentifierStore {
    /** How the gate's outcome of a delivered settlement begins (its JSON with {@code settled} first). */
    String PAID = "{\"settled\":true";

    /** Whether {@code outcome} records a payment that was made. */
    static boolean paid(String outcome) {
        return outcome != null && outcome.startsWith(PAID);
    }

    /**
     * Takes {@code id} for a request whose payload hashes to {@code fingerprint}, in progress until
     * {@code until}; returns null when taken, or else (without changing anything) what is already recorded.
     */
    IdentifierRecord begin(String id, String fingerprint, Instant until) throws LedgerUnavailableException;

    /**
     * The request that took {@code id} with {@code fingerprint} is over: remember {@code outcome} (an opaque
     * string to the store) until {@code until}. Does nothing if the id now belongs to another fingerprint, or
     * holds a paid outcome and {@code outcome} is not one.
     */
    void finish(String id, String fingerprint, String outcome, Instant until) throws LedgerUnavailableException;

    /**
     * The request whose {@code begin(id, fingerprint, markUntil)} took {@code id} is over: as
     * {@link #finish(String, String, String, Instant)}, but the outcome is written only over that begin's own mark or
     * a free (or lapsed) slot, except that a {@linkplain #paid paid} outcome is written over any entry of its
     * fingerprint that is not paid. A slow request's mark may have lapsed and been taken again, with the same payload,
     * by the payer's retry, whose settlement the facilitator then refuses (the nonce is used): whichever of the two
     * finishes last, the id must keep the payment that was made. The default cannot tell marks apart.
     */
    default void finish(String id, String fingerprint, Instant markUntil, String outcome, Instant until)
            throws LedgerUnavailableException {
        finish(id, fingerprint, outcome, until);
    }

    /** The request ended with nothing to remember: free {@code id} if it is still in progress with {@code fingerprint}. */
    void abandon(String id, String fingerprint) throws LedgerUnavailableException;

    /**
     * The request whose {@code begin(id, fingerprint, until)} took {@code id} ended with nothing to remember: as
     * {@link #abandon(String, String)}, but a store that can tell that begin's mark from a later one of the same id
     * frees only it. A slow request's mark may have lapsed and been taken again, with the same payload, by the
     * payer's retry, whose mark its late abandon must not free (the gate abandons this way). The default cannot tell
     * them apart; the shared stores keep a token per mark instead.
     */
    default void abandon(String id, String fingerprint, Instant until) throws LedgerUnavailableException {
        abandon(id, fingerprint);
    }
}
