package dev.tollgate.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.HandClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryPaymentIdentifierStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private final HandClock clock = new HandClock(T0);
    private final InMemoryPaymentIdentifierStore store = new InMemoryReplayLedger(clock).paymentIdentifiers();

    @Test
    void theFirstBeginTakesTheIdAndLaterOnesSeeIt() {
        assertNull(store.begin("id", "fp", T0.plusSeconds(60)));
        assertEquals(new IdentifierRecord("fp", null), store.begin("id", "fp", T0.plusSeconds(60)));
        assertEquals(new IdentifierRecord("fp", null), store.begin("id", "other", T0.plusSeconds(60)));
        store.finish("id", "fp", "done", T0.plusSeconds(3600));
        assertEquals(new IdentifierRecord("fp", "done"), store.begin("id", "other", T0.plusSeconds(60)));
    }

    @Test
    void abandonFreesOnlyAnInProgressEntryOfTheSameFingerprint() {
        store.begin("id", "fp", T0.plusSeconds(60));
        store.abandon("id", "other");
        assertTrue(store.begin("id", "fp", T0.plusSeconds(60)).inProgress());
        store.abandon("id", "fp");
        assertNull(store.begin("id", "fp", T0.plusSeconds(60)));
        store.finish("id", "fp", "done", T0.plusSeconds(3600));
        store.abandon("id", "fp");
        assertEquals("done", store.begin("id", "fp", T0.plusSeconds(60)).outcome());
    }

    @Test
    void aLateAbandonDoesNotFreeTheMarkOfTheRequestThatTookTheIdAfterItLapsed() throws Exception {
        Instant slowUntil = T0.plusSeconds(60);
        assertNull(store.begin("id", "fp", slowUntil));
        clock.advance(Duration.ofSeconds(61));
        Instant retryUntil = T0.plusSeconds(121);
        assertNull(store.begin("id", "fp", retryUntil), "the lapsed mark is taken again by the payer's retry");
        store.abandon("id", "fp", slowUntil);
        store.abandon("id", "fp", slowUntil);
        IdentifierRecord held = store.begin("id", "fp", T0.plusSeconds(121));
        assertEquals(new IdentifierRecord("fp", null), held, "the late abandon freed the retry's mark");
        store.abandon("id", "fp", retryUntil);
        assertNull(store.begin("id", "fp", T0.plusSeconds(121)), "the retry's own abandon frees its mark");
    }

    @Test
    void finishLeavesAnotherFingerprintsLiveEntryAlone() {
        store.begin("id", "fp", T0.plusSeconds(60));
        store.finish("id", "other", "theirs", T0.plusSeconds(3600));
        assertEquals(new IdentifierRecord("fp", null), store.begin("id", "fp", T0.plusSeconds(60)));
    }

    @Test
    void entriesExpireAndAreSwept() {
        store.begin("a", "fp", T0.plusSeconds(60));
        store.begin("b", "fp", T0.plusSeconds(60));
        store.finish("b", "fp", "done", T0.plusSeconds(600));
        clock.advance(Duration.ofSeconds(61));
        assertNull(store.begin("a", "new", T0.plusSeconds(120)));
        assertEquals("done", store.begin("b", "x", T0.plusSeconds(120)).outcome());
        clock.advance(Duration.ofSeconds(540));
        store.sweep();
        assertEquals(0, store.size());
        assertNull(store.begin("b", "x", T0.plusSeconds(700)));
    }

    private static final String PAID = "{\"settled\":true,\"transaction\":\"0x01\"}";
    private static final String REFUSED =
            "{\"settled\":false,\"reason\":\"invalid_exact_evm_payload_authorization_nonce\"}";

    /** The expiries of the two marks of one id: the slow request's, which lapsed, and the retry's, which took the id. */
    private record Marks(Instant slow, Instant retry) {
    }

    /** The slow request's mark lapses under it, and the payer's retry takes the id again with the same payload. */
    private Marks slowMarkLapsedAndRetaken() {
        Marks m = new Marks(T0.plusSeconds(60), T0.plusSeconds(121));
        assertNull(store.begin("id", "fp", m.slow()));
        clock.advance(Duration.ofSeconds(61));
        assertNull(store.begin("id", "fp", m.retry()));
        return m;
    }

    /** The slow request's mark lapsed under it, the payer's retry took the id again; the slow one settled. */
    @Test
    void theRetrysLateRefusalDoesNotOverwriteThePaymentThatWentThrough() {
        Marks m = slowMarkLapsedAndRetaken();
        store.finish("id", "fp", m.slow(), PAID, T0.plusSeconds(3600));
        store.finish("id", "fp", m.retry(), REFUSED, T0.plusSeconds(3600));
        assertEquals(new IdentifierRecord("fp", PAID), store.begin("id", "fp", T0.plusSeconds(180)));
    }

    @Test
    void thePaymentThatWentThroughOverwritesTheRetrysEarlierRefusal() {
        Marks m = slowMarkLapsedAndRetaken();
        store.finish("id", "fp", m.retry(), REFUSED, T0.plusSeconds(3600));
        store.finish("id", "fp", m.slow(), PAID, T0.plusSeconds(3600));
        assertEquals(new IdentifierRecord("fp", PAID), store.begin("id", "fp", T0.plusSeconds(180)));
    }

    @Test
    void aLateRefusalLeavesTheMarkOfTheRequestThatTookTheIdAfterItLapsed() {
        Marks m = slowMarkLapsedAndRetaken();
        store.finish("id", "fp", m.slow(), REFUSED, T0.plusSeconds(3600));
        assertEquals(new IdentifierRecord("fp", null), store.begin("id", "fp", T0.plusSeconds(180)),
                "the slow request's refusal took the place of the retry's mark");
        store.finish("id", "fp", m.retry(), REFUSED, T0.plusSeconds(3600));
        assertEquals(new IdentifierRecord("fp", REFUSED), store.begin("id", "fp", T0.plusSeconds(180)));
    }

    @Test
    void noFinishOverwritesAPaidOutcomeWithARefusal() {
        Instant until = T0.plusSeconds(60);
        assertNull(store.begin("id", "fp", until));
        store.finish("id", "fp", until, PAID, T0.plusSeconds(3600));
        store.finish("id", "fp", REFUSED, T0.plusSeconds(3600));
        store.finish("id", "fp", until, REFUSED, T0.plusSeconds(3600));
        assertEquals(new IdentifierRecord("fp", PAID), store.begin("id", "fp", T0.plusSeconds(180)));
    }
}
