package dev.tollgate.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.code.CodeOption;
import dev.tollgate.core.code.PaymentIntent;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Tollgate instances behind an imaginary load balancer, sharing one store-backed ledger: what every shared
 * ledger must prove. A store module subclasses it with its settings.
 */
public abstract class SharedLedgerClusterSpec {
    private static final int PROOFS = 100;
    private static final int COPIES_PER_INSTANCE = 3;

    private PaidCluster cluster;

    /** Skips the test, with the reason, when the store is not running. */
    protected abstract void assumeStoreReachable();

    /** The ledger settings both instances get, naming a store area of this run's own. */
    protected abstract Map<String, String> ledgerSettings();

    /** Removes what this run left in the store. */
    protected abstract void cleanUp() throws Exception;

    @BeforeEach
    void start() throws Exception {
        assumeStoreReachable();
        cluster = new PaidCluster(2, ledgerSettings());
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
            cleanUp();
        }
    }

    @Test
    void eachProofFiredConcurrentlyAtBothInstancesIsAdmittedSettledAndServedExactlyOnce() throws Exception {
        List<PaidCluster.Proof> proofs = new ArrayList<>();
        for (int i = 0; i < PROOFS; i++) {
            proofs.add(PaidCluster.freshProof(i));
        }
        record Shot(PaidCluster.Proof proof, int instance) {
        }
        List<Shot> shots = new ArrayList<>();
        for (PaidCluster.Proof p : proofs) {
            for (int copy = 0; copy < COPIES_PER_INSTANCE; copy++) {
                for (int instance = 0; instance < cluster.size(); instance++) {
                    shots.add(new Shot(p, instance));
                }
            }
        }
        // Copies of one proof stay close together in the queue, so they race each other on both instances.
        ExecutorService pool = Executors.newFixedThreadPool(48);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (Shot s : shots) {
                answers.add(pool.submit(() -> cluster.get(s.instance(), "/paid/report", s.proof())));
            }
            Map<PaidCluster.Proof, List<Integer>> statuses = new HashMap<>();
            for (int i = 0; i < shots.size(); i++) {
                HttpResponse<String> r = answers.get(i).get();
                statuses.computeIfAbsent(shots.get(i).proof(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(r.statusCode());
                if (r.statusCode() == 200) {
                    assertTrue(r.body().contains(PaidCluster.PAID_MARKER));
                } else {
                    assertEquals(402, r.statusCode(), r.body());
                    assertTrue(r.body().contains("payment_already_used"), r.body());
                    assertTrue(!r.body().contains(PaidCluster.PAID_MARKER));
                }
            }
            for (PaidCluster.Proof p : proofs) {
                assertEquals(1, statuses.get(p).stream().filter(s -> s == 200).count(), "admissions of one proof");
            }
        } finally {
            pool.shutdownNow();
        }

        Map<String, Integer> runs = cluster.handlerRunsByProof();
        Map<String, Long> settled = cluster.settlementsByNonce();
        assertEquals(PROOFS, runs.size());
        assertEquals(PROOFS, settled.size());
        for (PaidCluster.Proof p : proofs) {
            assertEquals(1, runs.get(p.value()), "handler runs for one proof");
            assertEquals(1L, settled.get(p.nonce()), "settlements of one proof");
        }
        // Claimed before verified: a copy that lost the claim never reached the facilitator.
        assertEquals(PROOFS, cluster.facilitator.verifyRequests().size());
        assertTrue(cluster.handlerRuns(0) > 0 && cluster.handlerRuns(1) > 0, "both instances served some proofs");
    }

    @Test
    void aProofServedByOneInstanceIsRefusedByTheOther() throws Exception {
        PaidCluster.Proof proof = PaidCluster.freshProof(0);
        assertEquals(200, cluster.get(0, "/paid/a", proof).statusCode());
        HttpResponse<String> again = cluster.get(1, "/paid/a", proof);
        assertEquals(402, again.statusCode());
        assertTrue(again.body().contains("payment_already_used"), again.body());
        assertEquals(1, cluster.settlementsByNonce().get(proof.nonce()));
    }

    /**
     * An instance is undeployed (its filter's Tollgate closed, and with it the ledger it made from settings) while a
     * paid handler runs, settlement after the handler: the payer gets 503 and is not charged, and the proof, sent
     * again to the other instance, must be served there, not refused as used until its claim lapses.
     */
    @Test
    void aProofWhoseHandlerRanWhileItsInstanceWasUndeployedIsServedByTheOther() throws Exception {
        PaidCluster.Proof proof = PaidCluster.freshProof(0);
        CompletableFuture<HttpResponse<String>> held = asyncGet(0, "/paid/held/report", proof);
        assertTrue(cluster.heldEntered.await(10, TimeUnit.SECONDS), "the paid handler never ran");
        cluster.tollgate(0).close(); // what the filter's destroy does with the Tollgate it made: an undeploy
        cluster.heldRelease.countDown();

        HttpResponse<String> stopped = held.get(30, TimeUnit.SECONDS);
        assertEquals(503, stopped.statusCode(), stopped.body());
        assertTrue(!stopped.body().contains(PaidCluster.PAID_MARKER));
        assertServedOnceByTheOther(proof);
    }

    /**
     * The handler answered before the undeploy, but its settlement reaches the facilitator client after the client
     * closed, so /settle is never sent: the payer gets 503 and is not charged, and the proof must be served by the
     * other instance, not refused as used until its claim lapses because the ledger closed before the release.
     */
    @Test
    void aSettlementThatBeganBeforeTheUndeployAndWasNeverSentLeavesTheProofToTheOther() throws Exception {
        PaidCluster.Proof proof = PaidCluster.freshProof(0);
        cluster.holdSettlements();
        CompletableFuture<HttpResponse<String>> settling = asyncGet(0, "/paid/report", proof);
        assertTrue(cluster.settleReached.await(10, TimeUnit.SECONDS), "the settlement never began");
        cluster.tollgate(0).close();
        cluster.settleGo.countDown();

        HttpResponse<String> stopped = settling.get(30, TimeUnit.SECONDS);
        assertEquals(503, stopped.statusCode(), stopped.body());
        assertTrue(!stopped.body().contains(PaidCluster.PAID_MARKER));
        assertServedOnceByTheOther(proof);
    }

    /**
     * A proof claimed before the undeploy whose verification reaches the closed facilitator client: 503, and the
     * claim released within the check, before the ledger closes.
     */
    @Test
    void aVerificationThatBeganBeforeTheUndeployAndWasNeverSentLeavesTheProofToTheOther() throws Exception {
        PaidCluster.Proof proof = PaidCluster.freshProof(0);
        cluster.holdVerifications();
        CompletableFuture<HttpResponse<String>> checking = asyncGet(0, "/paid/report", proof);
        assertTrue(cluster.verifyReached.await(10, TimeUnit.SECONDS), "the verification never began");
        cluster.tollgate(0).close();
        cluster.verifyGo.countDown();

        HttpResponse<String> stopped = checking.get(30, TimeUnit.SECONDS);
        assertEquals(503, stopped.statusCode(), stopped.body());
        assertTrue(!stopped.body().contains(PaidCluster.PAID_MARKER));
        assertServedOnceByTheOther(proof);
    }

    /**
     * A proof verified before the undeploy and admitted after it: its handler could never be settled (the facilitator
     * client is closed), so it is not run; the payer gets 503, uncharged, and the proof is left to the other instance.
     */
    @Test
    void aProofAdmittedAfterTheUndeployBeganIsNotServedAndIsLeftToTheOther() throws Exception {
        PaidCluster.Proof proof = PaidCluster.freshProof(0);
        cluster.holdAdmissions();
        CompletableFuture<HttpResponse<String>> admitting = asyncGet(0, "/paid/report", proof);
        assertTrue(cluster.admissionReached.await(10, TimeUnit.SECONDS), "the proof was never found valid");
        cluster.tollgate(0).close();
        cluster.admissionGo.countDown();

        HttpResponse<String> stopped = admitting.get(30, TimeUnit.SECONDS);
        assertEquals(503, stopped.statusCode(), stopped.body());
        assertTrue(!stopped.body().contains(PaidCluster.PAID_MARKER));
        assertEquals(0, cluster.handlerRuns(0), "the handler ran for a payment that could not be settled");
        assertServedOnceByTheOther(proof);
    }

    private CompletableFuture<HttpResponse<String>> asyncGet(int instance, String path, PaidCluster.Proof proof) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return cluster.get(instance, path, proof);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void assertServedOnceByTheOther(PaidCluster.Proof proof) throws Exception {
        assertEquals(null, cluster.settlementsByNonce().get(proof.nonce()), "nothing settled");
        HttpResponse<String> elsewhere = cluster.get(1, "/paid/report", proof);
        assertEquals(200, elsewhere.statusCode(), elsewhere.body());
        assertTrue(elsewhere.body().contains(PaidCluster.PAID_MARKER));
        assertEquals(1L, cluster.settlementsByNonce().get(proof.nonce()));
    }

    @Test
    void aCodeIntentCreatedOnOneInstanceIsRedeemedOnTheOtherExactlyOnce() throws Exception {
        // Behind a load balancer the browser's create-intent request and its paid request may reach different
        // instances: the intent (what it was for) must be found where it is presented.
        try (CodeSequencerDouble sequencer = CodeSequencerDouble.start()) {
            Map<String, String> settings = new HashMap<>(ledgerSettings());
            settings.put("code.destination", "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR");
            settings.put("code.amount", "0.05");
            settings.put("code.sequencerUrl", sequencer.endpoint().toString());
            try (PaidCluster code = new PaidCluster(2, settings)) {
                Tollgate creator = code.tollgate(0);
                PaymentIntent intent = creator.codeIntents().orElseThrow()
                        .create(creator.termsFor("GET", "/paid/report").orElseThrow().code());
                sequencer.markSubmitted(intent.id());
                PaidCluster.Proof paid = new PaidCluster.Proof(CodeOption.PROOF_HEADER, intent.id());

                HttpResponse<String> elsewhere = code.get(1, "/paid/report", paid);

                assertEquals(200, elsewhere.statusCode(), elsewhere.body());
                assertTrue(elsewhere.body().contains(PaidCluster.PAID_MARKER));
                assertEquals(402, code.get(0, "/paid/report", paid).statusCode(), "redeemed once, on any instance");
                assertEquals(402, code.get(1, "/paid/report", paid).statusCode());
            }
        }
    }
}
