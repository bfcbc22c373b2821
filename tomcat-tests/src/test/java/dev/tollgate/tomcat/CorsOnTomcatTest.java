package dev.tollgate.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.Proofs;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A browser client on another origin, with Tomcat's {@code CorsFilter} in front of Tollgate as README asks (web.xml):
 * a preflight, which can never carry a payment, is answered by the CORS filter and never reaches the gate on a route
 * of all methods, and every answer the browser must read to pay (the challenge, the settled answer, a refused
 * settlement) carries the CORS filter's headers.
 */
class CorsOnTomcatTest {
    private static final String ORIGIN = "https://app.example";
    private static TomcatApp app;

    @BeforeAll
    static void start() throws Exception {
        app = new TomcatApp();
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @BeforeEach
    void reset() {
        app.reset();
    }

    private static String allowedOrigin(HttpResponse<?> r) {
        return r.headers().firstValue("Access-Control-Allow-Origin").orElse(null);
    }

    @Test
    void aPreflightToAPaidRouteOfAllMethodsIsAnsweredByTheCorsFilterInFront() throws Exception {
        HttpResponse<String> r = app.send("OPTIONS", "/premium/report", "Origin", ORIGIN,
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-payment");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(ORIGIN, allowedOrigin(r));
        assertEquals(0, PaidServlets.RUNS.get());
        assertEquals(List.of(), app.facilitatorCalls);
    }

    @Test
    void theChallengeIsReadableByTheOtherOrigin() throws Exception {
        HttpResponse<String> r = app.get("/premium/report", "Origin", ORIGIN);

        assertEquals(402, r.statusCode());
        assertEquals(ORIGIN, allowedOrigin(r));
        assertTrue(r.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("PAYMENT-REQUIRED"),
                r.headers().map().toString());
    }

    @Test
    void theSettledAnswerIsReadableByTheOtherOrigin() throws Exception {
        HttpResponse<String> r = app.get("/premium/report", "Origin", ORIGIN, "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(ORIGIN, allowedOrigin(r));
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    @Test
    void aRefusedSettlementIsReadableByTheOtherOriginAndCarriesNoneOfTheHandlersHeaders() throws Exception {
        app.refuseSettlements(true);

        HttpResponse<String> r = app.get("/premium/report", "Origin", ORIGIN, "X-PAYMENT", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertEquals(ORIGIN, allowedOrigin(r), r.headers().map().toString());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertFalse(r.body().contains(PaidServlets.PAID), r.body());
        assertTrue(r.headers().firstValue("X-Receipt-Payer").isEmpty(), "the handler's header went out");
    }

    @Test
    void anAnswerOverTheBufferLimitIsReadableByTheOtherOrigin() throws Exception {
        HttpResponse<String> r = app.get("/premium/big?bytes=65537", "Origin", ORIGIN, "X-PAYMENT",
                Proofs.proof().v1());

        assertEquals(500, r.statusCode());
        assertEquals(ORIGIN, allowedOrigin(r), r.headers().map().toString());
        assertEquals(List.of("verify"), app.facilitatorCalls);
    }
}
