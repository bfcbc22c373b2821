package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.Hold;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import dev.tollgate.core.ledger.ReplayLedgerProvider;
import dev.tollgate.servlet.testing.PaidCluster;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An undeploy while a request still uses the Redis ledger its Tollgate made from settings: the ledger is closed by a
 * thread of its own, after that request or after {@code ledger.closeTimeout}, never on the request's thread, whose
 * answer would wait for the Redis client's shutdown. The real Redis ledger is made by the settings; only its close
 * is held, so that the order is fixed without timing.
 */
class RedisLedgerCloseTest {
    private static final String SERVICE = "META-INF/services/" + ReplayLedgerProvider.class.getName();
    /** The ledgers made for this test, in the order of the cluster's instances. */
    private static final List<HeldClose> MADE = Collections.synchronizedList(new java.util.ArrayList<>());

    private final String prefix = LocalRedis.uniquePrefix();
    private PaidCluster cluster;
    @TempDir
    Path dir;

    /** {@code ledger=held-redis}: the Redis ledger, whose close waits for the test. */
    public static final class HeldRedisProvider implements ReplayLedgerProvider {
        private final RedisLedgerProvider redis = new RedisLedgerProvider();

        @Override
        public String name() {
            return "held-redis";
        }

        @Override
        public Optional<Set<String>> settingKeys() {
            return redis.settingKeys();
        }

        @Override
        public boolean acceptsUrl(String url) {
            return false;
        }

        @Override
        public ReplayLedger create(Map<String, String> settings) {
            HeldClose held = new HeldClose(redis.create(settings));
            MADE.add(held);
            return held;
        }
    }

    /** A Redis ledger whose close says on which thread it was asked, and waits for {@link #mayClose}. */
    static final class HeldClose implements ReplayLedger {
        final RedisReplayLedger redis;
        final CountDownLatch closeAsked = new CountDownLatch(1);
        final CountDownLatch mayClose = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        volatile Thread closingThread;

        HeldClose(ReplayLedger redis) {
            this.redis = (RedisReplayLedger) redis;
        }

        @Override
        public ClaimResult claim(String key, Instant until) throws LedgerUnavailableException {
            return redis.claim(key, until);
        }

        @Override
        public void settled(String key, Instant until) throws LedgerUnavailableException {
            redis.settled(key, until);
        }

        @Override
        public void release(String key) throws LedgerUnavailableException {
            redis.release(key);
        }

        @Override
        public void release(String key, Instant claimedUntil) throws LedgerUnavailableException {
            redis.release(key, claimedUntil);
        }

        @Override
        public Hold hold(String key) throws LedgerUnavailableException {
            return redis.hold(key);
        }

        @Override
        public PaymentIdentifierStore paymentIdentifiers() {
            return redis.paymentIdentifiers();
        }

        @Override
        public CodeIntentStore codeIntents() {
            return redis.codeIntents();
        }

        @Override
        public void close() {
            closingThread = Thread.currentThread();
            closeAsked.countDown();
            try {
                mayClose.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            redis.close();
            closed.countDown();
        }
    }

    @BeforeEach
    void redis() {
        LocalRedis.assumeReachable();
        MADE.clear();
    }

    @AfterEach
    void stop() throws Exception {
        MADE.forEach(l -> l.mayClose.countDown());
        if (cluster != null) {
            cluster.admissionGo.countDown();
            cluster.close();
            LocalRedis.deleteKeys(prefix);
        }
    }

    /** Two instances whose ledgers are made from settings by {@link HeldRedisProvider}. */
    private PaidCluster cluster(Map<String, String> extra) throws Exception {
        Path services = dir.resolve("services");
        Files.writeString(services, HeldRedisProvider.class.getName() + "\n");
        ClassLoader parent = Thread.currentThread().getContextClassLoader();
        ClassLoader withHeldRedis = new ClassLoader(parent) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return SERVICE.equals(name) ? Collections.enumeration(List.of(services.toUri().toURL()))
                        : super.getResources(name);
            }
        };
        Map<String, String> settings = new HashMap<>(LocalRedis.ledgerSettings(prefix));
        settings.put("ledger", "held-redis");
        settings.putAll(extra);
        Thread.currentThread().setContextClassLoader(withHeldRedis); // where the settings look for ledgers
        try {
            cluster = new PaidCluster(2, settings);
        } finally {
            Thread.currentThread().setContextClassLoader(parent);
        }
        assertEquals(2, MADE.size(), "each instance made its ledger from the settings");
        return cluster;
    }

    private CompletableFuture<HttpResponse<String>> asyncGet(int instance, PaidCluster.Proof proof) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return cluster.get(instance, "/paid/report", proof);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aProofAdmittedAfterTheUndeployBeganIsAnsweredWithoutWaitingForTheLedgersShutdown() throws Exception {
        cluster(Map.of());
        HeldClose ledger = MADE.get(0);
        PaidCluster.Proof proof = PaidCluster.freshProof(0);
        cluster.holdAdmissions();
        CompletableFuture<HttpResponse<String>> admitting = asyncGet(0, proof);
        assertTrue(cluster.admissionReached.await(10, TimeUnit.SECONDS), "the proof was never found valid");
        cluster.tollgate(0).close();
        assertEquals(1, ledger.closeAsked.getCount(), "closed under the check still using it");
        cluster.admissionGo.countDown();

        // The ledger's close is held: the answer comes all the same, so nothing on the request's way waits for it.
        HttpResponse<String> stopped = admitting.get(20, TimeUnit.SECONDS);
        assertEquals(503, stopped.statusCode(), stopped.body());
        assertFalse(stopped.body().contains(PaidCluster.PAID_MARKER));
        assertEquals(0, cluster.handlerRuns(0), "the handler ran for a payment that could not be settled");
        assertTrue(ledger.closeAsked.await(20, TimeUnit.SECONDS), "the ledger was never closed");
        assertEquals("tollgate-ledger-close", ledger.closingThread.getName());
        ledger.mayClose.countDown();
        assertTrue(ledger.closed.await(20, TimeUnit.SECONDS));

        // The check released the claim before the ledger closed: the other instance serves the proof.
        assertEquals(null, cluster.settlementsByNonce().get(proof.nonce()), "nothing settled");
        HttpResponse<String> elsewhere = cluster.get(1, "/paid/report", proof);
        assertEquals(200, elsewhere.statusCode(), elsewhere.body());
        assertTrue(elsewhere.body().contains(PaidCluster.PAID_MARKER));
    }

    @Test
    void aCheckThatNeverEndsKeepsTheLedgerOpenOnlyUntilTheCloseTimeoutAndIsNamed() throws Exception {
        cluster(Map.of("ledger.closeTimeout", "200ms"));
        HeldClose ledger = MADE.get(0);
        ledger.mayClose.countDown();
        List<String> warnings = Collections.synchronizedList(new java.util.ArrayList<>());
        CountDownLatch warned = new CountDownLatch(1);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getMessage());
                    warned.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("dev.tollgate.ledger");
        log.addHandler(capture);
        try {
            cluster.holdAdmissions(); // a listener that blocks: the check does not end until the test says so
            CompletableFuture<HttpResponse<String>> admitting = asyncGet(0, PaidCluster.freshProof(0));
            assertTrue(cluster.admissionReached.await(10, TimeUnit.SECONDS), "the proof was never found valid");
            cluster.tollgate(0).close();

            assertTrue(ledger.closed.await(20, TimeUnit.SECONDS), "the ledger stayed open past its close timeout");
            assertFalse(admitting.isDone(), "the check still runs");
            assertEquals("tollgate-ledger-close", ledger.closingThread.getName());
            assertTrue(warned.await(20, TimeUnit.SECONDS), "no WARNING");
            String warning = warnings.get(0);
            assertTrue(warning.contains("200 ms (ledger.closeTimeout) after the Tollgate closed, although 1 request still uses it")
                    && warning.contains("a check on thread") && warning.contains(".verified("), warning);

            cluster.admissionGo.countDown();
            HttpResponse<String> stopped = admitting.get(20, TimeUnit.SECONDS);
            assertEquals(503, stopped.statusCode(), stopped.body());
            assertEquals(0, cluster.handlerRuns(0));
        } finally {
            log.removeHandler(capture);
        }
    }
}
