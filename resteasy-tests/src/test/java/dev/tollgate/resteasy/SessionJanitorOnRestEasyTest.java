package dev.tollgate.resteasy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.servlet.PaymentSessionJanitor;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two ways an exception escapes RESTEasy without any response filter running (its default exception mapper
 * turned off, an application response filter that throws), with servlet-binding's {@link PaymentSessionJanitor}
 * registered as the web application's request listener: the proof is released, not kept claimed until it lapses
 * (compare {@link WithoutDefaultExceptionMapperOnRestEasyTest} and {@link PaidResourceOnRestEasyTest}, without it).
 */
class SessionJanitorOnRestEasyTest {
    private static FacilitatorDouble facilitator;
    private static RestEasyOnJetty server;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        ShopApplication.facilitatorUrl = facilitator.url();
        ShopApplication.listenerClass = null;
        server = RestEasyOnJetty.start(ShopApplication.class, Map.of("dev.resteasy.exception.mapper", "false"),
                new PaymentSessionJanitor());
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
    void anUnmappedExceptionThatEscapesRestEasyReleasesTheProof() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> crashed = server.get("crash", "X-PAYMENT", proof);
        assertEquals(500, crashed.statusCode());
        assertFalse(crashed.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(200, reportOnceReleased(proof));
        assertEquals(1, facilitator.settleRequests().size(), "charged once, for the report");
    }

    @Test
    void anUnmappedExceptionAfterASettlementBeforeTheMethodIsA500CarryingTheReceipt() throws Exception {
        // Without the filter, RESTEasy hands the exception straight to the container and its 500 has no receipt
        // (WithoutDefaultExceptionMapperOnRestEasyTest): the payer was charged, and that 500 is all it gets.
        String proof = Proofs.proof().v2();
        HttpResponse<String> crashed = server.get("prepaid-crash", "PAYMENT-SIGNATURE", proof);
        assertEquals(500, crashed.statusCode());
        String tx = PaidResourceOnRestEasyTest.JSON.readTree(java.util.Base64.getDecoder().decode(
                crashed.headers().firstValue("PAYMENT-RESPONSE").orElseThrow(
                        () -> new AssertionError("no receipt in " + crashed.headers().map())))).path("transaction")
                .asText();
        assertTrue(tx.startsWith("0x"), tx);
        assertEquals(1, crashed.headers().allValues("PAYMENT-RESPONSE").size());
        assertEquals(1, crashed.headers().allValues("X-PAYMENT-RESPONSE").size());
        assertEquals(1, facilitator.settleRequests().size());

        HttpResponse<String> again = server.get("prepaid-crash", "PAYMENT-SIGNATURE", proof);
        assertEquals(402, again.statusCode(), again.body());
        assertEquals("payment_already_used", PaidResourceOnRestEasyTest.JSON.readTree(again.body()).path("error").asText());
        assertEquals(1, facilitator.settleRequests().size(), "settled once");
    }

    @Test
    void aWriterInterceptorThatFailsUnmappedAfterTheSettlementLeavesTheReceiptOnTheContainers500() throws Exception {
        // With the default mapper off the interceptor's exception leaves RESTEasy for the servlet container after the
        // response filter settled: the janitor, in front of RESTEasy, puts the receipt on the container's 500.
        String proof = Proofs.proof().v1();
        HttpResponse<String> failed = server.get("intercepted?fails=unmapped", "X-PAYMENT", proof);
        assertEquals(500, failed.statusCode());
        assertFalse(failed.body().contains(Shop.CONTENT), failed.body());
        PaidResourceOnRestEasyTest.assertSettled(failed);
        assertEquals(1, failed.headers().allValues("PAYMENT-RESPONSE").size());
        assertEquals(1, failed.headers().allValues("X-PAYMENT-RESPONSE").size());
        assertEquals(1, facilitator.settleRequests().size());

        HttpResponse<String> again = server.get("intercepted", "X-PAYMENT", proof);
        assertEquals(402, again.statusCode(), again.body());
        assertEquals("payment_already_used", PaidResourceOnRestEasyTest.JSON.readTree(again.body()).path("error").asText());
        assertEquals(1, facilitator.settleRequests().size(), "settled once");
    }

    @Test
    void anApplicationResponseFilterThatThrowsReleasesTheProof() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> failed = server.send("GET", "report", "X-PAYMENT", proof, "X-Test-Filter-Fails", "1");
        assertEquals(500, failed.statusCode());
        assertFalse(failed.body().contains(Shop.CONTENT), failed.body());
        assertTrue(facilitator.settleRequests().isEmpty());
        assertEquals(200, reportOnceReleased(proof));
        assertEquals(1, facilitator.settleRequests().size());
    }

    /**
     * The status of a paid request with {@code proof}, tried a bounded number of times: the listener runs when the
     * request is over, which may be just after its answer reached the client.
     */
    private static int reportOnceReleased(String proof) throws Exception {
        int status = 0;
        for (int i = 0; i < 40 && status != 200; i++) {
            status = server.get("report", "X-PAYMENT", proof).statusCode();
            if (status != 200) {
                Thread.sleep(50);
            }
        }
        return status;
    }
}
