package dev.tollgate.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.code.CodeCurrency;
import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.code.CreatedIntent;
import dev.tollgate.core.code.StoredIntent;
import dev.tollgate.core.ledger.ReplayLedger;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the Code intent store of a shared ledger must do, whatever stores it: run against two instances over one
 * store, as a load balancer sends the intent's creation to one and its redemption to another. A store's test
 * extends it and opens both ledgers before each test (the store absent: skipped, with the reason).
 */
public abstract class SharedCodeIntentStoreContract<L extends ReplayLedger> {
    /** The first instance, whose intent store is {@link #store()}. */
    protected L ledger;
    /** A second instance over the same storage. */
    protected L otherLedger;

    protected CodeIntentStore store() {
        return ledger.codeIntents();
    }

    protected CodeIntentStore other() {
        return otherLedger.codeIntents();
    }

    /** Writes {@code text} where the store keeps intent {@code id}, as a foreign or damaged entry would be. */
    protected abstract void storeRaw(String id, String text) throws Exception;

    protected static CreatedIntent intent(long lifetimeMs) {
        // Millisecond precision: what every store keeps of an instant.
        return new CreatedIntent("intent" + UUID.randomUUID().toString().replace("-", ""), "premium",
                new BigDecimal("0.50"), CodeCurrency.of("eur"), "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR",
                Instant.now().plusMillis(lifetimeMs).truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void anIntentCreatedOnOneInstanceIsFoundWholeOnTheOther() throws Exception {
        CreatedIntent created = intent(60_000);
        assertTrue(store().remember(created));
        Optional<CreatedIntent> found = other().find(created.id());
        assertEquals(Optional.of(created), found);
        assertEquals("0.50", found.orElseThrow().amount().toPlainString(), "the amount keeps its scale");
    }

    @Test
    void anIntentForgottenOnOneInstanceIsFoundOnNone() throws Exception {
        CreatedIntent failed = intent(60_000);
        CreatedIntent kept = intent(60_000);
        store().remember(failed);
        store().remember(kept);

        store().forget(failed);

        assertEquals(Optional.empty(), other().find(failed.id()));
        assertEquals(Optional.empty(), store().find(failed.id()));
        assertEquals(Optional.of(kept), other().find(kept.id()));
    }

    @Test
    void anIdNoInstanceCreatedIsNotFound() throws Exception {
        assertEquals(Optional.empty(), other().find("intentNobodyMade"));
    }

    @Test
    void anIntentIsForgottenAtItsExpiry() throws Exception {
        CreatedIntent brief = intent(300);
        CreatedIntent lasting = intent(60_000);
        store().remember(brief);
        store().remember(lasting);
        Thread.sleep(450);
        assertEquals(Optional.empty(), other().find(brief.id()));
        assertEquals(Optional.of(lasting), other().find(lasting.id()));
    }

    @Test
    void anIntentAlreadyExpiredIsNeverFound() throws Exception {
        CreatedIntent expired = intent(-1_000);
        store().remember(expired);
        assertEquals(Optional.empty(), other().find(expired.id()));
    }

    @Test
    void rememberingAnIntentAgainKeepsIt() throws Exception {
        CreatedIntent created = intent(60_000);
        assertTrue(store().remember(created));
        assertTrue(other().remember(created));
        assertEquals(Optional.of(created), store().find(created.id()));
    }

    @Test
    void anIntentStoredUnderAnotherIdIsNotThatId() throws Exception {
        CreatedIntent elsewhere = intent(60_000);
        storeRaw("intentAsked", StoredIntent.encode(elsewhere));
        assertEquals(Optional.empty(), other().find("intentAsked"));
    }

    @Test
    void aLiveEntryForAnExpiredIntentIsNotFound() throws Exception {
        // The store's own expiry has not come, the intent's has (a clock behind, an entry kept too long).
        CreatedIntent expired = intent(-1_000);
        storeRaw(expired.id(), StoredIntent.encode(expired));
        assertEquals(Optional.empty(), other().find(expired.id()));
    }

    @Test
    void anEntryThatIsNotAnIntentIsNoIntent() throws Exception {
        storeRaw("intentDamaged", "not json");
        // Whole but for one field each: a currency Code does not have, no destination.
        CreatedIntent foreign = intent(60_000);
        storeRaw(foreign.id(), StoredIntent.encode(foreign).replace("\"eur\"", "\"xyz\""));
        CreatedIntent nowhere = intent(60_000);
        storeRaw(nowhere.id(), StoredIntent.encode(nowhere).replace("\"destination\"", "\"elsewhere\""));
        assertEquals(Optional.empty(), other().find("intentDamaged"));
        assertEquals(Optional.empty(), other().find(foreign.id()));
        assertEquals(Optional.empty(), other().find(nowhere.id()));
    }
}
