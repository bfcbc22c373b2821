package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.HandClock;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The circuit breaker, the concurrency bound, the retry policy and the cache, each on its own. */
class FacilitatorResilienceTest {
    private static final PaymentOption OPTION = new PaymentOption("exact",
            NetworkRegistry.defaults().find("base-sepolia").orElseThrow(), BigInteger.valueOf(10_000),
            Proofs.BASE_SEPOLIA_USDC, Proofs.PAY_TO, 60, "USDC", "2");
    private static final PaymentAttempt ATTEMPT = new PaymentAttempt(0,
            com.fasterxml.jackson.databind.node.TextNode.valueOf("p"), OPTION.requirementsV2(), OPTION, null);

    private final HandClock clock = new HandClock(Instant.parse("2025-06-01T00:00:00Z"));

    private void advance(Duration d) {
        clock.advance(d);
    }

    @Test
    void theCircuitOpensAfterTheThresholdOfConsecutiveFailures() {
        CircuitBreaker c = new CircuitBreaker(3, Duration.ofSeconds(10), clock);
        c.failed();
        c.failed();
        c.succeeded();
        c.failed();
        c.failed();
        assertEquals(CircuitBreaker.State.CLOSED, c.state(), "a success resets the count");
        c.failed();
        assertEquals(CircuitBreaker.State.OPEN, c.state());
        assertEquals(Duration.ofSeconds(10), c.refuse().orElseThrow());
    }

    @Test
    void halfOpenLetsOneProbeThroughAndItsFailureOpensAgain() {
        CircuitBreaker c = new CircuitBreaker(1, Duration.ofSeconds(10), clock);
        c.failed();
        advance(Duration.ofSeconds(10));
        assertEquals(CircuitBreaker.State.HALF_OPEN, c.state());
        assertTrue(c.refuse().isEmpty(), "the probe");
        assertTrue(c.refuse().isPresent(), "a second caller while the probe runs");
        c.failed();
        assertEquals(CircuitBreaker.State.OPEN, c.state());
        advance(Duration.ofSeconds(10));
        assertTrue(c.refuse().isEmpty());
        c.succeeded();
        assertEquals(CircuitBreaker.State.CLOSED, c.state());
        assertTrue(c.refuse().isEmpty());
        assertTrue(c.refuse().isEmpty());
    }

    @Test
    void anAnswerOfAnyKindKeepsTheCircuitClosed() {
        CircuitBreaker c = new CircuitBreaker(1, Duration.ofSeconds(10), clock);
        GuardedFacilitator g = guard(a -> new VerifyOutcome.Malfunction("nonsense"), c, 4, false);
        g.verify(ATTEMPT);
        assertEquals(CircuitBreaker.State.CLOSED, c.state());
    }

    @Test
    void aFacilitatorThatAnswers500KeepsTheCircuitClosedWhereAGatewaysWordOpensIt() throws IOException {
        // A bogus proof that makes a facilitator fail must not let its sender shut out every payer for openDuration.
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            HttpFacilitatorClient client = new HttpFacilitatorClient(FacilitatorSettings.of(URI.create(facilitator.url())));
            CircuitBreaker c = new CircuitBreaker(2, Duration.ofSeconds(10), clock);
            GuardedFacilitator g = new GuardedFacilitator(client, client, c, 4, Duration.ofMillis(50), false);
            facilitator.onVerify(FacilitatorDouble.answer(500, "{\"error\":\"cannot parse payload\"}"));
            for (int i = 0; i < 3; i++) {
                VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, g.verify(x402Attempt()));
                assertEquals(false, u.facilitatorDown(), u.detail());
            }
            assertEquals(CircuitBreaker.State.CLOSED, c.state());
            assertEquals(3, facilitator.verifyRequests().size(), "every proof still reached the facilitator");

            for (int status : new int[] {502, 503, 504, 429, 408}) {
                CircuitBreaker down = new CircuitBreaker(2, Duration.ofSeconds(10), clock);
                GuardedFacilitator d = new GuardedFacilitator(client, client, down, 4, Duration.ofMillis(50), false);
                facilitator.onVerify(FacilitatorDouble.answer(status, "{}"));
                d.verify(x402Attempt());
                d.verify(x402Attempt());
                assertEquals(CircuitBreaker.State.OPEN, down.state(), "HTTP " + status);
            }
            facilitator.onSettle(FacilitatorDouble.answer(500, "{}"));
            assertInstanceOf(SettleOutcome.Unavailable.class, g.settle(x402Attempt()));
            assertInstanceOf(SettleOutcome.Unavailable.class, g.settle(x402Attempt()));
            assertEquals(CircuitBreaker.State.CLOSED, c.state(), "nor does a /settle answered 500");
        }
    }

    @Test
    void concurrentCallsBeyondTheBoundAreUnavailableAtOnce() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CircuitBreaker c = new CircuitBreaker(5, Duration.ofSeconds(10), clock);
        GuardedFacilitator g = new GuardedFacilitator(blocking(inside, release), a -> null, c, 1, Duration.ofMillis(50),
                false);
        Thread busy = new Thread(() -> g.verify(ATTEMPT));
        busy.start();
        assertTrue(inside.await(5, TimeUnit.SECONDS));

        VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, g.verify(ATTEMPT));

        assertTrue(u.detail().contains("concurrent"), u.detail());
        assertEquals(CircuitBreaker.State.CLOSED, c.state(), "local saturation is not the facilitator's failure");
        release.countDown();
        busy.join(5000);
    }

    @Test
    void aFloodOfVerificationsLeavesPermitsForSettlements() throws Exception {
        CountDownLatch inside = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger settled = new AtomicInteger();
        GuardedFacilitator g = new GuardedFacilitator(blocking(inside, release), a -> {
            settled.incrementAndGet();
            return new SettleOutcome.Unavailable(null, "answered");
        }, new CircuitBreaker(5, Duration.ofSeconds(10), clock), 4, Duration.ofMillis(50), false);
        Thread[] flood = new Thread[3];
        for (int i = 0; i < flood.length; i++) {
            flood[i] = new Thread(() -> g.verify(ATTEMPT));
            flood[i].start();
        }
        assertTrue(inside.await(5, TimeUnit.SECONDS), "three verifications hold three of the four permits");

        VerifyOutcome.Unavailable fourth = assertInstanceOf(VerifyOutcome.Unavailable.class, g.verify(ATTEMPT));
        g.settle(ATTEMPT);

        assertTrue(fourth.detail().contains("kept for settlements"), fourth.detail());
        assertEquals(1, settled.get(), "the settlement got the permit kept for it");
        release.countDown();
        for (Thread t : flood) {
            t.join(5000);
        }
    }

    /** A verifier that says it is inside, then answers valid once released (or after 5 s). */
    private static PaymentVerifier blocking(CountDownLatch inside, CountDownLatch release) {
        return a -> {
            inside.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new VerifyOutcome.Valid(null);
        };
    }

    @Test
    void verifyIsRetriedOnceAfterATransportFailureWhenEnabled() {
        AtomicInteger calls = new AtomicInteger();
        GuardedFacilitator g = guard(a -> calls.incrementAndGet() == 1
                ? new VerifyOutcome.Unavailable(Duration.ofSeconds(5), FacilitatorFailures.unreachable("/verify", new IOException()))
                : new VerifyOutcome.Valid(null), new CircuitBreaker(5, Duration.ofSeconds(1), clock), 4, true);
        assertInstanceOf(VerifyOutcome.Valid.class, g.verify(ATTEMPT));
        assertEquals(2, calls.get());
    }

    @Test
    void aTimeoutOrRateLimitIsNeverRetried() {
        // In the clients' own words: a request timeout, a connect timeout, an HTTP 429.
        for (String detail : new String[] {FacilitatorFailures.timedOut("/verify", Duration.ofSeconds(5)),
                FacilitatorFailures.timedOut("/verify", Duration.ofSeconds(2)) + " connecting",
                "facilitator /verify answered HTTP 429"}) {
            AtomicInteger calls = new AtomicInteger();
            GuardedFacilitator g = guard(a -> {
                calls.incrementAndGet();
                return new VerifyOutcome.Unavailable(Duration.ofSeconds(7), detail);
            }, new CircuitBreaker(5, Duration.ofSeconds(1), clock), 4, true);
            VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, g.verify(ATTEMPT), detail);
            assertEquals(1, calls.get(), detail);
            assertEquals(detail, u.detail());
            assertEquals(Duration.ofSeconds(7), u.retryAfter(), detail);
        }
    }

    @Test
    void settleIsNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        GuardedFacilitator g = new GuardedFacilitator(a -> null, a -> {
            calls.incrementAndGet();
            return new SettleOutcome.Unavailable(Duration.ofSeconds(1), FacilitatorFailures.unreachable("/settle", new IOException()));
        }, new CircuitBreaker(5, Duration.ofSeconds(1), clock), 4, Duration.ofMillis(50), true);
        assertInstanceOf(SettleOutcome.Unavailable.class, g.settle(ATTEMPT));
        assertEquals(1, calls.get());
    }

    @Test
    void bothClientsWordAConnectionFailureTheWayTheRetryPolicyRecognizes() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        FacilitatorSettings settings = FacilitatorSettings.of(URI.create("http://127.0.0.1:" + closed));
        assertTrue(FacilitatorFailures.isTransportFailure(new HttpFacilitatorClient(settings).verify(x402Attempt())));
        assertTrue(FacilitatorFailures.isTransportFailure(new ProofApiClient(settings, false).verify(ATTEMPT)));
    }

    @Test
    void theX402DialectsAnswersAreCachedToo() throws IOException {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            HttpFacilitatorClient client = new HttpFacilitatorClient(FacilitatorSettings.of(URI.create(facilitator.url())));
            VerificationCache cache = new VerificationCache(client, Duration.ofSeconds(60), 100, Clock.systemUTC());
            PaymentAttempt a = x402Attempt();
            assertInstanceOf(VerifyOutcome.Valid.class, cache.verify(a));
            assertInstanceOf(VerifyOutcome.Valid.class, cache.verify(a));
            assertEquals(1, facilitator.verifyRequests().size());
        }
    }

    @Test
    void theCacheIsBoundedInEntries() {
        AtomicInteger calls = new AtomicInteger();
        VerificationCache cache = new VerificationCache(a -> {
            calls.incrementAndGet();
            return new VerifyOutcome.Invalid("invalid_payment", null);
        }, Duration.ofSeconds(60), 2, clock);
        for (int i = 0; i < 10; i++) {
            cache.verify(new PaymentAttempt(0, com.fasterxml.jackson.databind.node.TextNode.valueOf("p" + i),
                    OPTION.requirementsV2(), OPTION, null));
        }
        assertTrue(cache.size() <= 2, "size " + cache.size());
    }

    @Test
    void aRefusalForInsufficientFundsIsNotCachedInEitherSpellingButAPermanentOneIs() {
        for (String reason : new String[] {"insufficient_funds", "invalid_exact_evm_insufficient_balance",
                "invalid_exact_evm_payload_signature"}) {
            AtomicInteger calls = new AtomicInteger();
            VerificationCache cache = new VerificationCache(a -> {
                calls.incrementAndGet();
                return new VerifyOutcome.Invalid(reason, null);
            }, Duration.ofSeconds(60), 10, clock);
            cache.verify(ATTEMPT);
            cache.verify(ATTEMPT);
            assertEquals(reason.contains("insufficient") ? 2 : 1, calls.get(), reason);
        }
    }

    @Test
    void aMalfunctionIsNotCached() {
        AtomicInteger calls = new AtomicInteger();
        VerificationCache cache = new VerificationCache(a -> {
            calls.incrementAndGet();
            return new VerifyOutcome.Malfunction("x");
        }, Duration.ofSeconds(60), 10, clock);
        cache.verify(ATTEMPT);
        cache.verify(ATTEMPT);
        assertEquals(2, calls.get());
    }

    private static GuardedFacilitator guard(PaymentVerifier v, CircuitBreaker c, int max, boolean retry) {
        return new GuardedFacilitator(v, a -> null, c, max, Duration.ofMillis(50), retry);
    }

    private static PaymentAttempt x402Attempt() {
        try {
            com.fasterxml.jackson.databind.JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(java.util.Base64.getDecoder().decode(Proofs.proof().v1()));
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
            return new PaymentAttempt(1, tree, OPTION.requirementsV1("http://localhost/x", "d", null), OPTION,
                    m.treeToValue(tree.get("payload"), dev.tollgate.core.wire.ExactEvmPayload.class));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
