package dev.tollgate.reliability.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentSession;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.RequestView;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.SettleResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 10,000 requests with distinct proofs, 16 at a time, through the gate in-process (Tollgate.check, the
 * in-memory ledger, PaymentSession.complete: exactly what an adapter calls; HTTP would make this minutes in
 * CI) against a settler that fails 10 % of settlements. Every success is settled exactly once, every failure
 * delivered nothing, and the counts reconcile.
 */
class FlakyFacilitatorLoadTest {
    static final int REQUESTS = 10_000;
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tenThousandDistinctProofsThroughAFlakySettlerReconcile() throws Exception {
        Map<String, AtomicInteger> settlements = new ConcurrentHashMap<>();
        AtomicInteger settleCalls = new AtomicInteger();
        AtomicInteger settleFailures = new AtomicInteger();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl("http://127.0.0.1:9")
                .payTo(Proofs.PAY_TO)
                .route("GET", "/premium/*", "$0.01")
                .verifier(attempt -> new VerifyOutcome.Valid(attempt.evm().authorization().from()))
                .settler(attempt -> {
                    settleCalls.incrementAndGet();
                    String nonce = attempt.evm().authorization().nonce();
                    if (ThreadLocalRandom.current().nextInt(10) == 0) {
                        settleFailures.incrementAndGet();
                        return new SettleOutcome.Failed(SettleResponse.failure("insufficient_funds",
                                attempt.option().network().caip2(), null));
                    }
                    settlements.computeIfAbsent(nonce, k -> new AtomicInteger()).incrementAndGet();
                    return new SettleOutcome.Settled(new SettleResponse(true, null, "0x" + nonce.substring(2),
                            attempt.option().network().caip2(), null));
                })
                .build());
        PaymentTerms terms = tollgate.termsFor("GET", "/premium/x").orElseThrow();

        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger withheld = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        Map<String, String> deliveredTx = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                done.add(pool.submit(() -> {
                    String nonce = "0x" + HexFormat.of().formatHex(randomBytes(32));
                    Decision d = tollgate.check(view(proof(nonce)), terms);
                    if (!(d instanceof Decision.Admit admit)) {
                        other.incrementAndGet();
                        return;
                    }
                    PaymentSession session = admit.session();
                    Completion c = session.complete(200);
                    if (c instanceof Completion.Deliver deliver) {
                        delivered.incrementAndGet();
                        // Delivered with this proof's own settlement, not another request's.
                        assertEquals("0x" + nonce.substring(2), deliver.transaction(), nonce);
                        assertTrue(deliver.headers().containsKey("PAYMENT-RESPONSE"), deliver.headers().toString());
                        deliveredTx.put(nonce, deliver.transaction());
                    } else {
                        Completion.Withhold w = assertInstanceOf(Completion.Withhold.class, c);
                        assertEquals(402, w.answer().status());
                        assertEquals("insufficient_funds", w.reason());
                        assertFalse(settledAccordingTo(w.answer().headers().get("PAYMENT-RESPONSE")),
                                "a withheld answer reports a failed settlement");
                        withheld.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "10k flaky: %d delivered, %d withheld, %d other, %d settle calls in %d ms%n",
                delivered.get(), withheld.get(), other.get(), settleCalls.get(), ms);

        assertEquals(0, other.get(), "every distinct proof is admitted");
        assertEquals(REQUESTS, delivered.get() + withheld.get());
        assertEquals(REQUESTS, settleCalls.get(), "one settlement attempt per admitted request");
        assertEquals(settleFailures.get(), withheld.get(), "every failed settlement withheld the content");
        assertEquals(delivered.get(), settlements.size(), "every delivery has its settlement");
        assertTrue(settlements.values().stream().allMatch(n -> n.get() == 1), "a proof settled twice");
        assertEquals(settlements.keySet(), deliveredTx.keySet(), "deliveries and settlements are the same proofs");
        assertTrue(withheld.get() > REQUESTS / 20 && withheld.get() < REQUESTS / 5, "failure rate " + withheld.get());
    }

    /** The {@code success} a PAYMENT-RESPONSE header reports. */
    private static boolean settledAccordingTo(String header) {
        try {
            return JSON.readTree(Base64.getDecoder().decode(header)).path("success").booleanValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** A well-formed v1 proof; its signature is never checked here (the verifier vouches), its nonce is fresh. */
    static String proof(String nonce) {
        String json = "{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"payload\":{"
                + "\"signature\":\"0x" + "11".repeat(65) + "\",\"authorization\":{"
                + "\"from\":\"" + Proofs.PAYER.address().toChecksumHex() + "\",\"to\":\"" + Proofs.PAY_TO + "\","
                + "\"value\":\"10000\",\"validAfter\":\"0\",\"validBefore\":\"" + (System.currentTimeMillis() / 1000 + 600)
                + "\",\"nonce\":\"" + nonce + "\"}}}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static RequestView view(String proof) {
        return new RequestView() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/premium/x";
            }

            @Override
            public String resourceUrl() {
                return "http://127.0.0.1/premium/x";
            }

            @Override
            public List<String> headers(String name) {
                return name.equalsIgnoreCase("X-PAYMENT") ? List.of(proof) : List.of();
            }
        };
    }
}
