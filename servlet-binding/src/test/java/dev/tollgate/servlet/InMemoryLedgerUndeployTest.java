package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.servlet.testing.PaidCluster;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The in-memory ledger, supplied in code and shared by two instances in one process, when one instance is undeployed
 * while a paid request's settlement is under way: what {@code SharedLedgerClusterSpec} proves of Redis and PostgreSQL.
 * A ledger supplied in code belongs to its supplier and stays open, so the late settlement's release always reached
 * it; this keeps it so.
 */
class InMemoryLedgerUndeployTest {

    @Test
    void aSettlementThatBeganBeforeTheUndeployAndWasNeverSentLeavesTheProofToTheOther() throws Exception {
        try (PaidCluster cluster = new PaidCluster(2, Map.of(), new InMemoryReplayLedger())) {
            PaidCluster.Proof proof = PaidCluster.freshProof(0);
            cluster.holdSettlements();
            CompletableFuture<HttpResponse<String>> settling = CompletableFuture.supplyAsync(() -> {
                try {
                    return cluster.get(0, "/paid/report", proof);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(cluster.settleReached.await(10, TimeUnit.SECONDS), "the settlement never began");
            cluster.tollgate(0).close();
            cluster.settleGo.countDown();

            HttpResponse<String> stopped = settling.get(30, TimeUnit.SECONDS);
            assertEquals(503, stopped.statusCode(), stopped.body());
            assertTrue(!stopped.body().contains(PaidCluster.PAID_MARKER));
            assertNull(cluster.settlementsByNonce().get(proof.nonce()), "nothing settled");

            HttpResponse<String> elsewhere = cluster.get(1, "/paid/report", proof);
            assertEquals(200, elsewhere.statusCode(), elsewhere.body());
            assertTrue(elsewhere.body().contains(PaidCluster.PAID_MARKER));
            assertEquals(1L, cluster.settlementsByNonce().get(proof.nonce()));
        }
    }
}
