package dev.tollgate.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.testing.HandClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BoundedCodeIntentStoreTest {
    private final HandClock clock = new HandClock(Instant.parse("2026-12-03T12:00:00Z"));

    private CreatedIntent intent(String id) {
        return new CreatedIntent(id, "premium", new BigDecimal("0.05"), CodeCurrency.of("usd"),
                "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR", clock.instant().plus(Duration.ofMinutes(60)));
    }

    @Test
    void beyondItsBoundThisInstanceCreatesNoMoreUntilItsOwnIntentsExpire() throws Exception {
        InMemoryCodeIntentStore shared = new InMemoryCodeIntentStore(100, clock);
        BoundedCodeIntentStore bounded = new BoundedCodeIntentStore(shared, 2, clock);
        assertTrue(bounded.remember(intent("a")));
        assertTrue(bounded.remember(intent("b")));
        assertFalse(bounded.remember(intent("c")), "refused, and nothing open is dropped");
        assertEquals(Optional.empty(), shared.find("c"));
        assertTrue(bounded.find("a").isPresent());

        clock.advance(Duration.ofMinutes(61));
        assertTrue(bounded.remember(intent("d")));
        assertEquals(1, bounded.openHere());
    }

    @Test
    void aForgottenIntentFreesItsPlaceAndLeavesTheSharedStore() throws Exception {
        InMemoryCodeIntentStore shared = new InMemoryCodeIntentStore(100, clock);
        BoundedCodeIntentStore bounded = new BoundedCodeIntentStore(shared, 1, clock);
        CreatedIntent failed = intent("a");
        assertTrue(bounded.remember(failed));

        bounded.forget(failed);

        assertEquals(0, bounded.openHere());
        assertEquals(Optional.empty(), shared.find("a"));
        assertTrue(bounded.remember(intent("b")));
    }

    @Test
    void aWriteTheSharedStoreRefusedOrFailedIsNotCounted() {
        BoundedCodeIntentStore bounded = new BoundedCodeIntentStore(new CodeIntentStore() {
            @Override
            public boolean remember(CreatedIntent intent) throws LedgerUnavailableException {
                throw new LedgerUnavailableException("down", null);
            }

            @Override
            public Optional<CreatedIntent> find(String intentId) {
                return Optional.empty();
            }

            @Override
            public void forget(CreatedIntent intent) {
            }
        }, 1, clock);
        assertThrows(LedgerUnavailableException.class, () -> bounded.remember(intent("a")));
        assertEquals(0, bounded.openHere());
    }
}
