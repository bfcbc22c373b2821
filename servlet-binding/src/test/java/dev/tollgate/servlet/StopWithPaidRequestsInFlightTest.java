package dev.tollgate.servlet;

import static dev.tollgate.servlet.PaidServer.PAID_MARKER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web application stopped (undeployed, or its server stopping) while a paid request is between admission and
 * settlement: the request completes with its receipt, or is not charged.
 */
class StopWithPaidRequestsInFlightTest {
    /** Tells when the container begins and ends destroying it. */
    private static final class ObservedFilter extends PaymentFilter {
        final CountDownLatch destroying = new CountDownLatch(1);
        final CountDownLatch destroyed = new CountDownLatch(1);

        @Override
        public void destroy() {
            destroying.countDown();
            super.destroy();
            destroyed.countDown();
        }
    }

    @Test
    void aSettlementUnderWayWhenTheApplicationStopsIsFinishedAndTheAnswerDeliveredWithItsReceipt() throws Exception {
        ObservedFilter filter = new ObservedFilter();
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            facilitator.onSettle((exchange, request) -> {
                try {
                    // The facilitator has the settlement (it may already be on chain) when the application stops;
                    // it answers once the filter is destroyed, or once destroying it waits for this answer.
                    filter.destroying.await(10, TimeUnit.SECONDS);
                    filter.destroyed.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                FacilitatorDouble.respond(exchange, 200, "{\"success\":true,\"transaction\":\"0x" + "ab".repeat(32)
                        + "\",\"network\":\"base-sepolia\",\"payer\":\"" + Proofs.PAYER.address() + "\"}");
            });
            try (PaidServer server = new PaidServer(filter, Map.of("facilitator.url", facilitator.url(),
                    "payTo", Proofs.PAY_TO, "price", "$0.01", "routes", "premium",
                    "route.premium.path", "/premium/*"))) {
                CompletableFuture<HttpResponse<String>> paid = CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                while (facilitator.settleRequests().isEmpty() && !paid.isDone()) {
                    Thread.onSpinWait();
                }
                server.stopContext();

                HttpResponse<String> r = paid.get(30, TimeUnit.SECONDS);
                assertEquals(1, facilitator.settleRequests().size());
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().contains(PAID_MARKER), r.body());
                assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), "the receipt of the settlement");
                assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
            }
        }
    }
}
