package dev.tollgate.tomcat;

import static dev.tollgate.tomcat.PaidServlets.PAID;
import static dev.tollgate.tomcat.TomcatApp.RELAXED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.CapturedLog;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.servlet.PaymentFilter;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forwards, includes and error pages on Tomcat, expected to behave as servlet-binding's tests have them on Jetty
 * (PaymentFilterTest, PaidForwardTest, PaidIncludeTest): what a paid servlet wrote before a forward is dropped, a
 * forward or include of a paid page from a free one is charged or refused, an include is part of the paid answer,
 * and an error answer is the container's, with nothing settled. A paid servlet's forwards to {@code /free/}, which
 * the filter is not mapped to, need the deployment at {@link TomcatApp#RELAXED}: under Tomcat 11's defaults they
 * cannot be delivered, and are not charged. (A forward the filter sees is settled as it ends, under the defaults
 * too: ForwardToViewOnTomcatTest.)
 */
class DispatchOnTomcatTest {
    private static TomcatApp app;
    private CapturedLog log;

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
        log = CapturedLog.warningsOf(PaymentFilter.class.getName());
    }

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    private static HttpResponse<String> paid(String path) throws Exception {
        return app.get(path, "X-PAYMENT", Proofs.proof().v1());
    }

    @Test
    void aForwardToAPageThatSucceedsIsChargedAndSendsThatPageAlone() throws Exception {
        HttpResponse<String> r = paid(RELAXED + "/premium/forward?to=/free/page");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("free page", r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @Test
    void aForwardThroughTheServletContextsDispatcherSendsTheForwardedPageAlone() throws Exception {
        // On Jetty, a forward the filter does not see sends what was written before it ahead of the page (README);
        // Tomcat clears the buffer through the response it is handed, Tollgate's, before every forward.
        HttpResponse<String> r = paid(RELAXED + "/premium/forward?to=/free/page&via=context");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("free page", r.body());
        assertEquals(1, app.settlements());
    }

    @ParameterizedTest
    @ValueSource(strings = {"request", "context"})
    void whatAPaidServletWroteBeforeForwardingToAFailingPageIsDiscardedAndNothingIsSettled(String via)
            throws Exception {
        HttpResponse<String> r = paid(RELAXED + "/premium/forward?to=/free/failing-page&via=" + via);

        assertEquals(500, r.statusCode());
        assertEquals("failing page", r.body());
        assertEquals(0, app.settlements());
    }

    @Test
    void aForwardAfterThePaidContentWasFlushedFailsAsInTheContainerAndChargesNothing() throws Exception {
        HttpResponse<String> r = paid(RELAXED + "/premium/forward?to=/free/page&flush=yes");

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(0, app.settlements());
    }

    @ParameterizedTest
    @ValueSource(strings = {"request", "context"})
    void underTomcat11sDefaultAForwardedPaidAnswerThatCannotBeSentIsNotChargedAndIsLogged(String via)
            throws Exception {
        // Tomcat 11 suspends its own response at the end of a forward, under any wrapper: the page a forward the filter
        // does not see produced can no longer follow the settlement. The client gets Tomcat's 500 rather than an empty
        // 200, and the payer is not charged for an answer that never reaches them.
        HttpResponse<String> r = paid("/premium/forward?to=/free/page&via=" + via);

        assertEquals(List.of("verify"), app.facilitatorCalls, "status " + r.statusCode() + ", body " + r.body());
        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains("free page"), r.body());
        List<LogRecord> logged = log.records();
        assertEquals(1, logged.size(), log.warnings().toString());
        assertEquals(java.util.logging.Level.SEVERE, logged.get(0).getLevel());
        assertTrue(logged.get(0).getMessage().contains("suspendWrappedResponseAfterForward"), logged.get(0).getMessage());
        assertTrue(logged.get(0).getMessage().contains("Nothing was charged"), logged.get(0).getMessage());
        assertTrue(logged.get(0).getMessage().contains("FORWARD dispatcher type on the forward's target"),
                logged.get(0).getMessage());
    }

    @Test
    void aForwardFromAFreePageToAPaidOneIsChallenged() throws Exception {
        HttpResponse<String> r = app.get("/free/dispatch?how=forward");

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID));
        assertTrue(r.headers().firstValue("PAYMENT-REQUIRED").isPresent());
        assertEquals(0, PaidServlets.RUNS.get());
    }

    @Test
    void aForwardFromAFreePageToAPaidOneIsServedForAPayment() throws Exception {
        HttpResponse<String> r = paid("/free/dispatch?how=forward");

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith(PAID), r.body());
        assertEquals(1, app.settlements());
    }

    @Test
    void anIncludeOfAPaidPageIntoAFreeOneIsRefused() throws Exception {
        HttpResponse<String> r = app.get("/free/dispatch?how=include");

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(0, PaidServlets.RUNS.get());
    }

    @ParameterizedTest
    @CsvSource({"request, nothing", "context, nothing", "request, status", "request, error", "request, redirect",
            "request, reset", "context, status", "context, error", "context, redirect", "context, reset"})
    void aFragmentIncludedInAPaidPageIsPartOfItsAnswerAndCannotChangeItsStatus(String via, String then)
            throws Exception {
        // Servlet 6.1, 9.3: an included servlet "cannot change the response status code or set headers; any attempt
        // to make a change is ignored". Tomcat slips its include wrapper in beneath the application's wrappers, so it
        // is the buffer that hears those calls first.
        HttpResponse<String> r = paid("/premium/include?via=" + via + "&then=" + then);

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID + " [fragment]", r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty(), r.headers().map().toString());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @Test
    void aSendErrorGetsWebXmlsErrorPageWithoutThePaidContentAndNothingIsSettled() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = app.get("/premium/failing?how=send-error", "X-PAYMENT", proof);

        assertEquals(503, r.statusCode());
        assertEquals("error page for 503: backend down", r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty());
        assertEquals(List.of("verify"), app.facilitatorCalls);
        assertEquals(200, app.get("/premium/report", "X-PAYMENT", proof).statusCode());
        assertEquals(1, app.settlements());
    }
}
