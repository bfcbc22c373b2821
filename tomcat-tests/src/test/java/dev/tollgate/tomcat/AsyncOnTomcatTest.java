package dev.tollgate.tomcat;

import static dev.tollgate.tomcat.PaidServlets.PAID;
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

/** A paid servlet that goes asynchronous on Tomcat, its answer written and completed by a thread of its own. */
class AsyncOnTomcatTest {
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

    @Test
    void anAsynchronousPaidAnswerIsSettledWhenItsThreadCompletesAndThenSent() throws Exception {
        HttpResponse<String> r = app.get("/premium/async", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID + " from another thread", r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), r.headers().map().toString());
        assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
        assertEquals(1, PaidServlets.RUNS.get());
    }

    @Test
    void aRefusedSettlementWithholdsWhatTheAsynchronousThreadWrote() throws Exception {
        app.refuseSettlements(true);

        HttpResponse<String> r = app.get("/premium/async", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @Test
    void anAsynchronousHandlerThatTimesOutSendsNothingPaidForAndSettlesNothing() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = app.get("/premium/async-timeout", "X-PAYMENT", proof);

        assertTrue(r.statusCode() >= 500, r.statusCode() + " " + r.body());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(List.of("verify"), app.facilitatorCalls);
        assertEquals(200, app.get("/premium/report", "X-PAYMENT", proof).statusCode(), "the proof was used up");
    }

    @Test
    void anUnpaidRequestToTheAsynchronousServletIsChallengedBeforeItRuns() throws Exception {
        HttpResponse<String> r = app.get("/premium/async");

        assertEquals(402, r.statusCode());
        assertEquals(0, PaidServlets.RUNS.get());
    }
}
