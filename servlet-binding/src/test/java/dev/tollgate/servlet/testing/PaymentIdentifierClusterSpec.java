package dev.tollgate.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.testing.Proofs;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The x402 v2 payment-identifier extension across two Tollgate instances sharing one store-backed ledger: what
 * every store that keeps payment identifiers must prove. A store module subclasses it with its settings.
 */
public abstract class PaymentIdentifierClusterSpec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROOFS = 20;

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
        Map<String, String> settings = new HashMap<>(ledgerSettings());
        settings.put("paymentIdentifier", "optional");
        cluster = new PaidCluster(2, settings);
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
            cleanUp();
        }
    }

    static PaidCluster.Proof withId(String id) throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(Base64.getDecoder().decode(Proofs.proof().v2()));
        tree.putObject("extensions").putObject("payment-identifier").putObject("info").put("id", id);
        return new PaidCluster.Proof("PAYMENT-SIGNATURE",
                Base64.getEncoder().encodeToString(tree.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void concurrentCopiesSettleOnceAndARetryAtTheOtherInstanceGetsTheSameSettlement() throws Exception {
        List<PaidCluster.Proof> proofs = new ArrayList<>();
        for (int i = 0; i < PROOFS; i++) {
            proofs.add(withId("pay_" + UUID.randomUUID().toString().replace("-", "")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<String>>> shots = new ArrayList<>();
        try {
            for (PaidCluster.Proof p : proofs) {
                for (int copy = 0; copy < 4; copy++) {
                    int instance = copy % 2;
                    shots.add(pool.submit(() -> cluster.get(instance, "/paid/x", p)));
                }
            }
            for (Future<HttpResponse<String>> f : shots) {
                int status = f.get().statusCode();
                // The first copy pays; the others are in-progress conflicts or (once it is over) retries.
                assertTrue(status == 200 || status == 409, "status " + status);
            }
        } finally {
            pool.shutdownNow();
        }
        for (PaidCluster.Proof p : proofs) {
            assertEquals(1L, cluster.settlementsByNonce().get(p.nonce()), "settlements of " + p.nonce());
            HttpResponse<String> a = cluster.get(0, "/paid/x", p);
            HttpResponse<String> b = cluster.get(1, "/paid/x", p);
            assertEquals(200, a.statusCode());
            assertEquals(200, b.statusCode());
            assertTrue(b.body().contains(PaidCluster.PAID_MARKER));
            String response = a.headers().firstValue("PAYMENT-RESPONSE").orElse(null);
            assertNotNull(response);
            assertEquals(response, b.headers().firstValue("PAYMENT-RESPONSE").orElse(null));
        }
        assertEquals(PROOFS, cluster.settlementsByNonce().size());
        assertEquals(PROOFS, cluster.facilitator.settleRequests().size());
    }

    @Test
    void theSameIdentifierWithAnotherPayloadIsRefusedAtEitherInstance() throws Exception {
        String id = "pay_" + UUID.randomUUID().toString().replace("-", "");
        assertEquals(200, cluster.get(0, "/paid/x", withId(id)).statusCode());
        HttpResponse<String> conflict = cluster.get(1, "/paid/x", withId(id));
        assertEquals(409, conflict.statusCode());
        assertTrue(conflict.body().contains("payment_identifier_conflict"), conflict.body());
        assertEquals(1, cluster.facilitator.settleRequests().size());
    }
}
