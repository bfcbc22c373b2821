package dev.tollgate.core.code;

import dev.tollgate.core.ledger.LedgerUnavailableException;
import java.util.Optional;

/**
 * The intents this server created, by id, until they expire. Only an intent found here can pay: Code's
 * {@code getStatus} says whether an intent was paid, not what for or to whom, so the terms must come from
 * whoever created it.
 *
 * <p>Why not the {@link dev.tollgate.core.ledger.ReplayLedger}: a ledger only answers "claimed or not" by
 * claiming, so asking it whether an intent exists would itself create the entry, and concurrent probes of a
 * foreign id could see each other's claims. A store needs a value per key and a read that changes nothing.
 *
 * <p>{@link InMemoryCodeIntentStore} serves one instance. Behind a load balancer, where the intent may be
 * created on one node and redeemed on another, the store must be shared: a shared ledger offers one
 * ({@link dev.tollgate.core.ledger.ReplayLedger#codeIntents()}; Redis and PostgreSQL do), or supply your own.
 * Every operation must be a single round trip with a timeout.
 */
public interface CodeIntentStore {

    /**
     * Keeps {@code intent} until its {@link CreatedIntent#expiresAt()}.
     *
     * @return false if the store is full and refuses new intents (the caller should answer "try later")
     * @throws LedgerUnavailableException if a shared store cannot be reached in time
     */
    boolean remember(CreatedIntent intent) throws LedgerUnavailableException;

    /**
     * The intent with this id, if this server created it and it has not expired.
     *
     * @throws LedgerUnavailableException if a shared store cannot be reached in time
     */
    Optional<CreatedIntent> find(String intentId) throws LedgerUnavailableException;

    /**
     * Drops {@code intent}, which its creation failed to hand out: nobody holds its client secret, so nobody can
     * pay it, and kept it would take a place among the open intents until it expired.
     *
     * @throws LedgerUnavailableException if a shared store cannot be reached in time
     */
    void forget(CreatedIntent intent) throws LedgerUnavailableException;
}
