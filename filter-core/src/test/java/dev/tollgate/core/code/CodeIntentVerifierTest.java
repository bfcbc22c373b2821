package dev.tollgate.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.code.testing.CodeSequencerDouble;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.Hold;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.HandClock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An intent pays only if this server made it for these terms, the sequencer confirms it, and once. */
class CodeIntentVerifierTest {
    static final String DESTINATION = "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR";
    static final String OTHER_DESTINATION = "11111111111111111111111111111111";

    private final HandClock clock = new HandClock(Instant.parse("2025-01-01T00:00:00Z"));
    private CodeSequencerDouble sequencer;
    private InMemoryCodeIntentStore store;
    private CodeIntentVerifier verifier;
    private final CodeOption option = option("report", "0.05");

    static CodeOption option(String route, String amount) {
        return new CodeOption(route, DESTINATION, new BigDecimal(amount), CodeCurrency.USD, "/create-intent");
    }

    @BeforeEach
    void start() {
        sequencer = CodeSequencerDouble.start();
        store = new InMemoryCodeIntentStore(3, clock);
        verifier = verifierWith(new CodeSequencerClient(CodeSequencerClient.Config.defaults()
                .withEndpoint(sequencer.endpoint()).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))));
    }

    private CodeIntentVerifier verifierWith(CodeIntentApi api) {
        return new CodeIntentVerifier(api, store, new InMemoryReplayLedger(clock), clock, Duration.ofMinutes(30));
    }

    @AfterEach
    void stop() {
        sequencer.close();
    }

    private PaymentIntent paid() throws Exception {
        PaymentIntent intent = verifier.create(option);
        sequencer.markSubmitted(intent.id());
        return intent;
    }

    private CodeIntentVerifier.Refused refused(String id, CodeOption o, CodeIntentVerifier.Reason reason) {
        CodeIntentVerifier.Refused r = assertInstanceOf(CodeIntentVerifier.Refused.class, verifier.redeem(id, o));
        assertEquals(reason, r.reason(), r.message());
        return r;
    }

    @Test
    void createAnnouncesAnIntentWithTheOptionsTermsToTheSequencer() throws Exception {
        PaymentIntent intent = verifier.create(option);

        CodeSequencerDouble.StoredIntent seen = sequencer.intent(intent.id()).orElseThrow();
        assertEquals(DESTINATION, seen.destination());
        assertEquals("usd", seen.currency());
        assertEquals(0.05, seen.amount());
        assertEquals(intent.id(), PaymentIntents.withClientSecret(DESTINATION, 0.05, "usd", intent.clientSecret()).id());
    }

    @Test
    void aConfirmedIntentOfThisServerIsRedeemableOnce() throws Exception {
        PaymentIntent intent = paid();

        CodeIntentVerifier.Redeemable r = assertInstanceOf(CodeIntentVerifier.Redeemable.class,
                verifier.redeem(intent.id(), option));
        assertEquals("report", r.redemption().intent().route());
        r.redemption().settle();

        CodeIntentVerifier.Refused again = refused(intent.id(), option, CodeIntentVerifier.Reason.ALREADY_USED);
        assertTrue(again.message().contains("already used"), again.message());
    }

    @Test
    void aReleasedRedemptionCanBePresentedAgain() throws Exception {
        PaymentIntent intent = paid();
        ((CodeIntentVerifier.Redeemable) verifier.redeem(intent.id(), option)).redemption().release();

        assertInstanceOf(CodeIntentVerifier.Redeemable.class, verifier.redeem(intent.id(), option));
    }

    @Test
    void anUnpaidIntentIsPending() throws Exception {
        PaymentIntent intent = verifier.create(option);
        sequencer.markScanned(intent.id());

        CodeIntentVerifier.Refused r = refused(intent.id(), option, CodeIntentVerifier.Reason.PENDING);
        assertTrue(r.message().startsWith("payment pending"), r.message());
        sequencer.markSubmitted(intent.id());
        assertInstanceOf(CodeIntentVerifier.Redeemable.class, verifier.redeem(intent.id(), option));
    }

    @Test
    void aPaidIntentThisServerDidNotCreateIsUnknown() throws Exception {
        // Someone else's intent to our destination, even for our price, proves nothing about this server's sale.
        PaymentIntent foreign = new CodeSequencerClient(CodeSequencerClient.Config.defaults()
                .withEndpoint(sequencer.endpoint())).createIntent(PaymentIntents.random(DESTINATION, 0.05, "usd"));
        sequencer.markSubmitted(foreign.id());

        CodeIntentVerifier.Refused r = refused(foreign.id(), option, CodeIntentVerifier.Reason.UNKNOWN);
        assertTrue(r.message().contains("did not create"), r.message());
    }

    @Test
    void aTamperedIdIsUnknownAndGarbageIsMalformed() throws Exception {
        PaymentIntent intent = paid();
        char last = intent.id().charAt(intent.id().length() - 1);
        String tampered = intent.id().substring(0, intent.id().length() - 1) + (last == 'A' ? 'B' : 'A');

        refused(tampered, option, CodeIntentVerifier.Reason.UNKNOWN);
        refused("not an id!", option, CodeIntentVerifier.Reason.MALFORMED);
        refused("", option, CodeIntentVerifier.Reason.MALFORMED);
        refused("1".repeat(1000), option, CodeIntentVerifier.Reason.MALFORMED);
    }

    @Test
    void pollingAnUnpaidIntentClaimsNothingSoAFailedReleaseCannotLoseTheLaterPayment() throws Exception {
        // Every release fails, as a ledger blip would: an unpaid poll must have had nothing to release.
        StubbornLedger ledger = new StubbornLedger(new InMemoryReplayLedger(clock), Hold.UNKNOWN);
        CodeIntentVerifier v = new CodeIntentVerifier(new CodeSequencerClient(CodeSequencerClient.Config.defaults()
                .withEndpoint(sequencer.endpoint())), store, ledger, clock, Duration.ofMinutes(30));
        PaymentIntent intent = v.create(option);

        CodeIntentVerifier.Refused r = assertInstanceOf(CodeIntentVerifier.Refused.class, v.redeem(intent.id(), option));
        assertEquals(CodeIntentVerifier.Reason.PENDING, r.reason(), r.message());
        assertEquals(0, ledger.claims.get(), "an unpaid intent is not claimed");
        sequencer.markSubmitted(intent.id());
        assertInstanceOf(CodeIntentVerifier.Redeemable.class, v.redeem(intent.id(), option));
    }

    @Test
    void aPollOverlappingAnotherPollOfAnUnpaidIntentIsPendingNotUsed() throws Exception {
        PaymentIntent intent = verifier.create(option);
        CodeIntentApi api = new CodeSequencerClient(CodeSequencerClient.Config.defaults()
                .withEndpoint(sequencer.endpoint()));
        AtomicReference<CodeIntentVerifier> self = new AtomicReference<>();
        AtomicReference<CodeIntentVerifier.Verdict> overlapping = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        // The second poll arrives while the first waits for the sequencer's answer.
        CodeIntentVerifier v = verifierWith(new CodeIntentApi() {
            @Override
            public PaymentIntent createIntent(PaymentIntent i) {
                return api.createIntent(i);
            }

            @Override
            public IntentStatus getStatus(String id) {
                if (calls.incrementAndGet() == 1) {
                    overlapping.set(self.get().redeem(id, option));
                }
                return api.getStatus(id);
            }
        });
        self.set(v);

        CodeIntentVerifier.Refused first = assertInstanceOf(CodeIntentVerifier.Refused.class, v.redeem(intent.id(), option));
        CodeIntentVerifier.Refused second = assertInstanceOf(CodeIntentVerifier.Refused.class, overlapping.get());
        assertEquals(CodeIntentVerifier.Reason.PENDING, first.reason(), first.message());
        assertEquals(CodeIntentVerifier.Reason.PENDING, second.reason(), second.message());
    }

    @Test
    void aRedemptionOverlappingOneNotYetSettledIsToldToRetryNotThatThePaymentWasUsed() throws Exception {
        PaymentIntent intent = paid();
        CodeIntentVerifier.Redeemable first = assertInstanceOf(CodeIntentVerifier.Redeemable.class,
                verifier.redeem(intent.id(), option));

        CodeIntentVerifier.Unavailable overlapping = assertInstanceOf(CodeIntentVerifier.Unavailable.class,
                verifier.redeem(intent.id(), option));
        assertEquals("payment intent " + intent.id() + " is being redeemed by another request", overlapping.message());
        assertFalse(overlapping.retryAfter().isZero());
        first.redemption().release();
        CodeIntentVerifier.Redeemable retried = assertInstanceOf(CodeIntentVerifier.Redeemable.class,
                verifier.redeem(intent.id(), option));
        retried.redemption().settle();
        refused(intent.id(), option, CodeIntentVerifier.Reason.ALREADY_USED);
    }

    @Test
    void anIntentClaimedByAnotherInstanceIsRetryableUntilThatInstanceSettlesIt() throws Exception {
        // Two instances over one ledger that tells claims from settlements, as Redis and PostgreSQL do.
        StubbornLedger shared = new StubbornLedger(new InMemoryReplayLedger(clock), Hold.CLAIMED);
        CodeIntentApi api = new CodeSequencerClient(CodeSequencerClient.Config.defaults()
                .withEndpoint(sequencer.endpoint()));
        CodeIntentVerifier here = new CodeIntentVerifier(api, store, shared, clock, Duration.ofMinutes(30));
        CodeIntentVerifier there = new CodeIntentVerifier(api, store, shared, clock, Duration.ofMinutes(30));
        PaymentIntent intent = paid();
        CodeIntentVerifier.Redeemable r = assertInstanceOf(CodeIntentVerifier.Redeemable.class,
                there.redeem(intent.id(), option));

        assertInstanceOf(CodeIntentVerifier.Unavailable.class, here.redeem(intent.id(), option));
        shared.hold = Hold.SETTLED;
        r.redemption().settle();
        CodeIntentVerifier.Refused used = assertInstanceOf(CodeIntentVerifier.Refused.class,
                here.redeem(intent.id(), option));
        assertEquals(CodeIntentVerifier.Reason.ALREADY_USED, used.reason(), used.message());
    }

    @Test
    void ofConcurrentRedemptionsOfAPaidIntentExactlyOneWinsAndNoneIsToldItWasUsed() throws Exception {
        PaymentIntent intent = paid();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CodeIntentVerifier.Verdict>> verdicts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                verdicts.add(pool.submit(() -> {
                    go.await();
                    return verifier.redeem(intent.id(), option);
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<CodeIntentVerifier.Verdict> f : verdicts) {
                CodeIntentVerifier.Verdict v = f.get();
                if (v instanceof CodeIntentVerifier.Redeemable) {
                    won++;
                } else {
                    assertInstanceOf(CodeIntentVerifier.Unavailable.class, v);
                }
            }
            assertEquals(1, won);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anIntentForAnotherAmountOrRouteDoesNotPay() throws Exception {
        PaymentIntent intent = paid();

        CodeIntentVerifier.Refused amount = refused(intent.id(), option("report", "0.10"),
                CodeIntentVerifier.Reason.FOREIGN_TERMS);
        assertTrue(amount.message().contains("0.05 usd") && amount.message().contains("0.10 usd"), amount.message());
        refused(intent.id(), new CodeOption("report", OTHER_DESTINATION, new BigDecimal("0.05"), CodeCurrency.USD,
                "/x"), CodeIntentVerifier.Reason.FOREIGN_TERMS);
        refused(intent.id(), new CodeOption("report", DESTINATION, new BigDecimal("0.05"), CodeCurrency.EUR,
                "/x"), CodeIntentVerifier.Reason.FOREIGN_TERMS);
        CodeIntentVerifier.Refused route = refused(intent.id(), option("other", "0.05"),
                CodeIntentVerifier.Reason.FOREIGN_TERMS);
        assertTrue(route.message().contains("another route"), route.message());
    }

    @Test
    void anExpiredIntentIsForgotten() throws Exception {
        PaymentIntent intent = paid();
        clock.advance(Duration.ofMinutes(31));

        refused(intent.id(), option, CodeIntentVerifier.Reason.UNKNOWN);
    }

    @Test
    void aSequencerThatIsDownMakesTheVerdictUnavailableAndLeavesTheIntentUnused() throws Exception {
        PaymentIntent intent = paid();
        sequencer.respondWith(503, new byte[0]);

        CodeIntentVerifier.Unavailable u = assertInstanceOf(CodeIntentVerifier.Unavailable.class,
                verifier.redeem(intent.id(), option));
        assertFalse(u.retryAfter().isZero());
        sequencer.behaveNormally();
        assertInstanceOf(CodeIntentVerifier.Redeemable.class, verifier.redeem(intent.id(), option));
    }

    @Test
    void aSequencerAnsweringNonsenseIsAMalfunction() throws Exception {
        PaymentIntent intent = paid();
        sequencer.respondWith(200, "<html>".getBytes(StandardCharsets.UTF_8));

        assertInstanceOf(CodeIntentVerifier.Malfunction.class, verifier.redeem(intent.id(), option));
    }

    @Test
    void aFullStoreRefusesNewIntentsInsteadOfForgettingOpenOnes() throws Exception {
        PaymentIntent first = verifier.create(option);
        verifier.create(option);
        verifier.create(option);

        CodeIntentVerifier.CreationException e = assertThrows(CodeIntentVerifier.CreationException.class,
                () -> verifier.create(option));
        assertTrue(e.retryable());
        sequencer.markSubmitted(first.id());
        assertInstanceOf(CodeIntentVerifier.Redeemable.class, verifier.redeem(first.id(), option));

        clock.advance(Duration.ofMinutes(31));
        verifier.create(option);
        assertEquals(1, store.size());
    }

    @Test
    void anUnreachableIntentStoreFailsCreationAsRetryableAndSaysWhy() {
        CodeIntentStore down = new CodeIntentStore() {
            @Override
            public boolean remember(CreatedIntent intent) throws LedgerUnavailableException {
                throw new LedgerUnavailableException("Redis ledger at 127.0.0.1:6379 unavailable (remember Code intent)",
                        null);
            }

            @Override
            public Optional<CreatedIntent> find(String intentId) {
                return Optional.empty();
            }

            @Override
            public void forget(CreatedIntent intent) {
            }
        };
        CodeIntentVerifier unreachable = new CodeIntentVerifier(new CodeSequencerClient(CodeSequencerClient.Config
                .defaults().withEndpoint(sequencer.endpoint())), down, new InMemoryReplayLedger(clock), clock,
                Duration.ofMinutes(30));

        CodeIntentVerifier.CreationException e = assertThrows(CodeIntentVerifier.CreationException.class,
                () -> unreachable.create(option));

        assertTrue(e.retryable());
        assertEquals("the intent store is unavailable: Redis ledger at 127.0.0.1:6379 unavailable "
                + "(remember Code intent)", e.getMessage());
        assertEquals(0, sequencer.requestCount(), "an intent nobody could redeem is not announced");
    }

    @Test
    void anUnreachableSequencerFailsCreationAsRetryable() {
        sequencer.respondWith(502, new byte[0]);

        CodeIntentVerifier.CreationException e = assertThrows(CodeIntentVerifier.CreationException.class,
                () -> verifier.create(option));
        assertTrue(e.retryable(), e.getMessage());
    }

    @Test
    void anIntentTheSequencerDidNotAcceptIsForgottenAndTakesNoPlaceAmongTheOpenOnes() throws Exception {
        sequencer.respondWith(503, new byte[0]);
        for (int i = 0; i < 3; i++) {
            assertThrows(CodeIntentVerifier.CreationException.class, () -> verifier.create(option));
        }
        assertEquals(0, store.size());

        sequencer.behaveNormally();
        PaymentIntent intent = verifier.create(option);
        assertEquals(intent.id(), store.find(intent.id()).orElseThrow().id());
    }

    @Test
    void optionsRefuseTermsTheBrowserCouldNotPay() {
        assertThrows(IllegalArgumentException.class, () -> option("r", "0.04"));
        assertThrows(IllegalArgumentException.class, () -> option("r", "0.055"));
        assertThrows(IllegalArgumentException.class, () -> new CodeOption("r", "nope", new BigDecimal("1"),
                CodeCurrency.USD, "/c"));
        assertEquals("0.50", option("r", "0.5").amount().toPlainString());
    }


    /** A ledger whose releases always fail, reporting a fixed hold for any duplicate; it counts claims. */
    private static final class StubbornLedger implements ReplayLedger {
        private final InMemoryReplayLedger inner;
        final AtomicInteger claims = new AtomicInteger();
        volatile Hold hold;

        StubbornLedger(InMemoryReplayLedger inner, Hold hold) {
            this.inner = inner;
            this.hold = hold;
        }

        @Override
        public ClaimResult claim(String key, Instant until) {
            claims.incrementAndGet();
            return inner.claim(key, until);
        }

        @Override
        public void settled(String key, Instant until) {
            inner.settled(key, until);
        }

        @Override
        public void release(String key) throws LedgerUnavailableException {
            throw new LedgerUnavailableException("ledger at 127.0.0.1 unavailable (release)", null);
        }

        @Override
        public Hold hold(String key) {
            return hold;
        }
    }
}
