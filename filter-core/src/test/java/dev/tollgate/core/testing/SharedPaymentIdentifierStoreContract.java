package dev.tollgate.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import dev.tollgate.core.ledger.ReplayLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What the payment-identifier store of a shared ledger must do, whatever stores it: run against two
 * instances over one store. A store's test extends it and opens both ledgers before each test (the store
 * absent: skipped, with the reason).
 */
public abstract class SharedPaymentIdentifierStoreContract<L extends ReplayLedger> {
    /** The first instance, whose identifier store is {@link #store()}. */
    protected L ledger;
    /** A second instance over the same storage. */
    protected L otherLedger;

    protected PaymentIdentifierStore store() {
        return ledger.paymentIdentifiers();
    }

    protected PaymentIdentifierStore other() {
        return otherLedger.paymentIdentifiers();
    }

    protected static Instant in(long ms) {
        return Instant.now().plusMillis(ms);
    }

    @Test
    void theFirstBeginTakesTheIdAndEveryInstanceThenSeesIt() throws Exception {
        assertNull(store().begin("pay_0123456789abcdef", "fp1", in(60_000)));
        assertEquals(new IdentifierRecord("fp1", null), other().begin("pay_0123456789abcdef", "fp1", in(60_000)));
        assertEquals(new IdentifierRecord("fp1", null), other().begin("pay_0123456789abcdef", "fp2", in(60_000)));
        // An outcome is the settled response's JSON; a line break in it must come back as it went in.
        store().finish("pay_0123456789abcdef", "fp1", "{\"settled\":true}\nwith a line", in(60_000));
        assertEquals(new IdentifierRecord("fp1", "{\"settled\":true}\nwith a line"),
                other().begin("pay_0123456789abcdef", "fp2", in(60_000)));
    }

    @Test
    void anInProgressIdLapsesAtItsUntilAndAFinishedOneAtItsOwn() throws Exception {
        store().begin("a", "fp", in(300));
        store().begin("b", "fp", in(300));
        store().finish("b", "fp", "done", in(1_500));
        Thread.sleep(450);
        assertNull(other().begin("a", "fp2", in(60_000)));
        assertEquals("done", other().begin("b", "fp2", in(60_000)).outcome());
        Thread.sleep(1_200);
        assertNull(other().begin("b", "fp2", in(60_000)));
    }

    @Test
    void abandonFreesOnlyThisFingerprintsInProgressEntry() throws Exception {
        store().begin("id", "fp", in(60_000));
        other().abandon("id", "other");
        assertTrue(other().begin("id", "fp", in(60_000)).inProgress());
        other().abandon("id", "fp");
        assertNull(store().begin("id", "fp", in(60_000)));
        store().finish("id", "fp", "done", in(60_000));
        store().abandon("id", "fp");
        assertEquals("done", store().begin("id", "fp", in(60_000)).outcome());
    }

    /**
     * A slow request's mark lapsed, and the payer's retry with the same id and payload took the id again on this
     * instance: the slow request's late abandon must not free the retry's mark, or a third try would be admitted as
     * new while the second is still being served.
     */
    @Test
    void aLateAbandonDoesNotFreeTheMarkOfTheRequestThatTookTheIdAfterItLapsed() throws Exception {
        assertNull(store().begin("slow-0123456789ab", "fp", in(200)));
        Thread.sleep(350);
        assertNull(store().begin("slow-0123456789ab", "fp", in(60_000)));
        store().abandon("slow-0123456789ab", "fp");
        IdentifierRecord later = other().begin("slow-0123456789ab", "fp", in(60_000));
        assertNotNull(later, "the late abandon freed the id the later request holds");
        assertTrue(later.inProgress());
        store().abandon("slow-0123456789ab", "fp");
        assertNull(other().begin("slow-0123456789ab", "fp", in(60_000)));
    }

    /** The expiries of the two marks of one id: the slow request's, which lapsed, and the retry's, which took the id. */
    private record Marks(Instant slow, Instant retry) {
    }

    /**
     * This instance's slow request marks {@code id} briefly, the mark lapses under it, and the payer's retry takes the
     * id again with the same payload through {@code retaker}.
     */
    private Marks slowMarkLapsedAndRetaken(String id, PaymentIdentifierStore retaker) throws Exception {
        Instant slow = in(200);
        assertNull(store().begin(id, "fp", slow));
        Thread.sleep(350);
        Instant retry = in(60_000);
        assertNull(retaker.begin(id, "fp", retry));
        return new Marks(slow, retry);
    }

    /** The payer's retry took the lapsed id on the same instance; its own abandon must free it. */
    @Test
    void anAbandonFreesTheMarkItNamesThoughAnOlderLapsedMarkOfTheIdIsStillRemembered() throws Exception {
        Marks m = slowMarkLapsedAndRetaken("twice-0123456789ab", store());
        store().abandon("twice-0123456789ab", "fp", m.retry());
        assertNull(other().begin("twice-0123456789ab", "fp", in(60_000)), "the retry's abandon left its mark");
    }

    /** An abandon made twice for the lapsed mark must not free the mark taken since on the same instance. */
    @Test
    void aDuplicateAbandonOfALapsedMarkDoesNotFreeTheMarkTakenSince() throws Exception {
        Instant slow = in(200);
        assertNull(store().begin("dup-0123456789abcd", "fp", slow));
        Thread.sleep(350);
        assertNull(store().begin("dup-0123456789abcd", "fp", in(60_000)));
        store().abandon("dup-0123456789abcd", "fp", slow);
        store().abandon("dup-0123456789abcd", "fp", slow);
        IdentifierRecord later = other().begin("dup-0123456789abcd", "fp", in(60_000));
        assertNotNull(later, "a duplicate abandon freed the later mark");
        assertTrue(later.inProgress());
    }

    private static final String PAID = "{\"settled\":true,\"transaction\":\"0x01\"}";
    private static final String REFUSED =
            "{\"settled\":false,\"reason\":\"invalid_exact_evm_payload_authorization_nonce\"}";

    /**
     * A slow request's mark lapsed and the payer's retry took the id again on the other instance; the slow one
     * settled, the retry's settlement was refused (the nonce is used). In either order of their finishes, the id
     * keeps the payment, and a late refusal never takes the place of a mark still in progress.
     */
    @Test
    void theRetrysLateRefusalDoesNotOverwriteThePaymentThatWentThrough() throws Exception {
        Marks m = slowMarkLapsedAndRetaken("paid-0123456789abc", other());
        store().finish("paid-0123456789abc", "fp", m.slow(), PAID, in(60_000));
        other().finish("paid-0123456789abc", "fp", m.retry(), REFUSED, in(60_000));
        assertEquals(new IdentifierRecord("fp", PAID), other().begin("paid-0123456789abc", "fp", in(60_000)));
        assertEquals(new IdentifierRecord("fp", PAID), store().begin("paid-0123456789abc", "fp", in(60_000)));
    }

    @Test
    void thePaymentThatWentThroughOverwritesTheRetrysEarlierRefusal() throws Exception {
        Marks m = slowMarkLapsedAndRetaken("late-0123456789abc", other());
        other().finish("late-0123456789abc", "fp", m.retry(), REFUSED, in(60_000));
        store().finish("late-0123456789abc", "fp", m.slow(), PAID, in(60_000));
        assertEquals(new IdentifierRecord("fp", PAID), other().begin("late-0123456789abc", "fp", in(60_000)));
    }

    @Test
    void aLateRefusalLeavesTheMarkOfTheRequestThatTookTheIdAfterItLapsed() throws Exception {
        Marks m = slowMarkLapsedAndRetaken("mark-0123456789abc", store());
        store().finish("mark-0123456789abc", "fp", m.slow(), REFUSED, in(60_000));
        assertEquals(new IdentifierRecord("fp", null), other().begin("mark-0123456789abc", "fp", in(60_000)),
                "the slow request's refusal took the place of the retry's mark");
        store().finish("mark-0123456789abc", "fp", m.retry(), REFUSED, in(60_000));
        assertEquals(new IdentifierRecord("fp", REFUSED), other().begin("mark-0123456789abc", "fp", in(60_000)));
    }

    @Test
    void noFinishOverwritesAPaidOutcomeWithARefusal() throws Exception {
        Instant until = in(60_000);
        assertNull(store().begin("keep-0123456789abc", "fp", until));
        store().finish("keep-0123456789abc", "fp", until, PAID, in(60_000));
        other().finish("keep-0123456789abc", "fp", REFUSED, in(60_000));
        store().finish("keep-0123456789abc", "fp", until, REFUSED, in(60_000));
        assertEquals(new IdentifierRecord("fp", PAID), other().begin("keep-0123456789abc", "fp", in(60_000)));
    }

    @Test
    void finishLeavesAnotherFingerprintsEntryAlone() throws Exception {
        store().begin("id", "fp", in(60_000));
        other().finish("id", "other", "theirs", in(60_000));
        assertEquals(new IdentifierRecord("fp", null), store().begin("id", "fp", in(60_000)));
    }

    @Test
    void fortyConcurrentBeginsFromTwoInstancesHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<IdentifierRecord>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                PaymentIdentifierStore s = i % 2 == 0 ? store() : other();
                results.add(pool.submit(() -> {
                    go.await();
                    return s.begin("race", "fp", in(60_000));
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<IdentifierRecord> f : results) {
                if (f.get() == null) {
                    winners++;
                }
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }
}
