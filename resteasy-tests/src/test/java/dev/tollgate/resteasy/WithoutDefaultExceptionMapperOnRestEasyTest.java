package dev.tollgate.resteasy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RESTEasy with its default exception mapper turned off ({@code dev.resteasy.exception.mapper=false}, its way back to
 * the behaviour before Jakarta REST 3.1): an exception no mapper handles leaves RESTEasy for the servlet container,
 * and no response filter runs. Jersey has a request-event listener that ends the payment session then; RESTEasy has
 * no such portable hook, so the proof stays claimed until its claim lapses. Nothing is charged either way.
 */
class WithoutDefaultExceptionMapperOnRestEasyTest {
    private static FacilitatorDouble facilitator;
    private static RestEasyOnJetty server;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        ShopApplication.facilitatorUrl = facilitator.url();
        ShopApplication.listenerClass = null;
        server = RestEasyOnJetty.start(ShopApplication.class, Map.of("dev.resteasy.exception.mapper", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            server.close();
        } finally {
            ShopApplication.lastFeature.close();
            facilitator.close();
        }
    }

    @BeforeEach
    void reset() {
        facilitator.settleRequests().clear();
    }

    @Test
    void anUnmappedExceptionIsNotChargedButItsProofStaysClaimedUntilTheClaimLapses() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> crashed = server.get("crash", "X-PAYMENT", proof);
        assertEquals(500, crashed.statusCode());
        assertFalse(crashed.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertTrue(facilitator.settleRequests().isEmpty());

        HttpResponse<String> again = server.get("report", "X-PAYMENT", proof);
        assertEquals(402, again.statusCode(), again.body());
        assertEquals("payment_already_used", PaidResourceOnRestEasyTest.JSON.readTree(again.body()).path("error").asText());
        assertTrue(facilitator.settleRequests().isEmpty(), "never charged");

        HttpResponse<String> fresh = server.get("report", "X-PAYMENT", Proofs.proof().v1());
        assertEquals(200, fresh.statusCode(), "a new proof pays");
    }

    @Test
    void anUnmappedExceptionAfterASettlementBeforeTheMethodGoesOutWithoutTheReceiptButIsChargedOnce()
            throws Exception {
        // Without PaymentSessionJanitor as a filter (README): no response filter runs and RESTEasy offers no writer to
        // hook, so the servlet container's 500 carries no receipt. The charge stands, once, and the proof stays used.
        String proof = Proofs.proof().v2();
        HttpResponse<String> crashed = server.get("prepaid-crash", "PAYMENT-SIGNATURE", proof);
        assertEquals(500, crashed.statusCode());
        assertFalse(crashed.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(1, facilitator.settleRequests().size());

        HttpResponse<String> again = server.get("prepaid-crash", "PAYMENT-SIGNATURE", proof);
        assertEquals(402, again.statusCode(), again.body());
        assertEquals("payment_already_used", PaidResourceOnRestEasyTest.JSON.readTree(again.body()).path("error").asText());
        assertEquals(1, facilitator.settleRequests().size(), "settled once");
    }

    @Test
    void anExceptionTheApplicationMapsStillEndsTheSession() throws Exception {
        String proof = Proofs.proof().v1();
        assertEquals(409, server.get("out-of-stock", "X-PAYMENT", proof).statusCode());
        assertEquals(200, server.get("report", "X-PAYMENT", proof).statusCode(), "the proof was released");
    }
}
