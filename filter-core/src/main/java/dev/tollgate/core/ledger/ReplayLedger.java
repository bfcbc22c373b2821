package dev.tollgate.core.ledger;

import java.time.Instant;

/**
 * Remembers which proofs have been admitted, so that each is admitted at most once within the ledger's scope.
 * The one operation a backend must make atomic is {@link #claim}: of any number of concurrent claims of the
 * same key, exactly one may win.
 *
 * <p>A ledger made from settings (see {@link ReplayLedgerProvider}) is closed with the Tollgate that made it.
 */
public interface ReplayLedger extends AutoCloseable {

    /** Atomically claims {@code key} until {@code until}; {@link ClaimResult#DUPLICATE} if it is held. */
    ClaimResult claim(String key, Instant until) throws LedgerUnavailableException;

    /** The payment behind {@code key} was settled: keep it claimed until {@code until}, never release it. */
    void settled(String key, Instant until) throws LedgerUnavailableException;

    /** Nothing was settled (handler failed, settlement refused): the proof may be presented again. */
    void release(String key) throws LedgerUnavailableException;

    /**
     * Nothing was settled for the claim made with {@code claim(key, claimedUntil)}: as {@link #release(String)}, but
     * a ledger that can tell that claim from a later one of the same key frees only it. A slow request's claim may
     * have lapsed and been taken again by another request, whose claim its late release must not free (the gate
     * releases this way). The default cannot tell them apart and releases the key; the shared ledgers keep a token
     * per claim instead.
     */
    default void release(String key, Instant claimedUntil) throws LedgerUnavailableException {
        release(key);
    }

    /**
     * What holds {@code key} now: asked after a {@link ClaimResult#DUPLICATE}, to tell a used proof from one that
     * another request (possibly on another instance) is redeeming. A shared ledger should answer it, or an
     * overlapping redemption elsewhere reads as a used payment; the default cannot tell.
     */
    default Hold hold(String key) throws LedgerUnavailableException {
        return Hold.UNKNOWN;
    }

    /**
     * Where this ledger keeps x402 v2 {@code payment-identifier} ids, in the same store; null if it keeps none
     * (the default), in which case the {@code paymentIdentifier} setting cannot be used with it.
     */
    default PaymentIdentifierStore paymentIdentifiers() {
        return null;
    }

    /**
     * Where this ledger keeps the Code intents a server created, in the same store, so that an intent created on
     * one instance can be redeemed on another; null if it keeps none (the default: each instance then keeps its
     * own in memory, unless one is supplied in code).
     */
    default dev.tollgate.core.code.CodeIntentStore codeIntents() {
        return null;
    }

    /** Lets go of connections and background work; the default holds none. */
    @Override
    default void close() {
    }
}
