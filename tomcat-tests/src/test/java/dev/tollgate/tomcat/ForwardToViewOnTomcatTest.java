package dev.tollgate.tomcat;

import static dev.tollgate.tomcat.PaidServlets.PAID;
import static dev.tollgate.tomcat.PaidServlets.VIEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.testing.CapturedLog;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.servlet.PaymentFilter;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The servlet-then-view pattern under Tomcat 11's defaults ({@code suspendWrappedResponseAfterForward} true, which
 * suspends Tomcat's response at the end of every forward, under any wrapper): a paid servlet forwards to a view at
 * {@code /WEB-INF/views/}, which web.xml maps the filter to for FORWARD, as README asks. The paid answer is settled
 * and sent as the forward returns, once; a view that fails settles nothing; a refused settlement sends none of it.
 */
class ForwardToViewOnTomcatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAYER = Proofs.PAYER.address().toChecksumHex();
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

    private static HttpResponse<String> paid(String path, String proof) throws Exception {
        return app.get(path, "X-PAYMENT", proof);
    }

    private static JsonNode decoded(HttpResponse<?> r, String header) throws Exception {
        return JSON.readTree(Base64.getDecoder().decode(r.headers().firstValue(header).orElseThrow(
                () -> new AssertionError("no " + header + " header; headers: " + r.headers().map()))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"request", "context"})
    void aPaidServletThatForwardsToAViewIsSettledOnceAndSendsTheViewAlone(String via) throws Exception {
        HttpResponse<String> r = paid("/premium/forward?to=/WEB-INF/views/report&via=" + via, Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(VIEW + " for " + PAYER, r.body());
        assertTrue(decoded(r, "PAYMENT-RESPONSE").get("success").booleanValue());
        assertTrue(decoded(r, "X-PAYMENT-RESPONSE").get("success").booleanValue());
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").contains("private"), r.headers().map().toString());
        assertEquals(PAYER, r.headers().firstValue("X-View-Payer").orElse(null));
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
        assertEquals(List.of(), log.warnings());
    }

    @Test
    void aViewThatForwardsOnceMoreIsSettledOnce() throws Exception {
        HttpResponse<String> r = paid("/premium/forward?to=/WEB-INF/views/report&view=forward", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(VIEW + " for " + PAYER, r.body());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @Test
    void aViewThatAnswersAnErrorSettlesNothingAndLeavesTheProofUsable() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = paid("/premium/forward?to=/WEB-INF/views/report&view=status", proof);

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty(), r.headers().map().toString());
        assertEquals(List.of("verify"), app.facilitatorCalls);
        assertEquals(200, paid("/premium/report", proof).statusCode());
        assertEquals(1, app.settlements());
    }

    @Test
    void aViewThatThrowsSettlesNothingAndSendsNoneOfIt() throws Exception {
        HttpResponse<String> r = paid("/premium/forward?to=/WEB-INF/views/report&view=throw", Proofs.proof().v1());

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(VIEW), r.body());
        assertFalse(r.body().contains(PAID), r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty(), r.headers().map().toString());
        assertEquals(List.of("verify"), app.facilitatorCalls);
    }

    @Test
    void aRefusedSettlementAnswers402AndSendsNoneOfTheView() throws Exception {
        app.refuseSettlements(true);

        HttpResponse<String> r = paid("/premium/forward?to=/WEB-INF/views/report", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(VIEW), r.body());
        assertFalse(r.body().contains(PAID), r.body());
        assertTrue(r.headers().firstValue("X-View-Payer").isEmpty(), "the view's headers went out");
        JsonNode result = decoded(r, "PAYMENT-RESPONSE");
        assertFalse(result.get("success").booleanValue());
        assertEquals("insufficient_funds", result.get("errorReason").asText());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @ParameterizedTest
    @CsvSource({"render, 200", "empty, 204"})
    void aPaidServletThatThrowsAfterItsForwardKeepsTheSettledView(String view, int status) throws Exception {
        // The forward ended the answer (the Servlet specification has it sent and committed by then), and it was
        // settled: what the servlet does afterwards must not turn it into Tomcat's error page for a paid answer. Tomcat
        // commits a body once its Content-Length is written, but not an empty one.
        HttpResponse<String> r = paid("/premium/forward?to=/WEB-INF/views/report&after=throw&view=" + view,
                Proofs.proof().v1());

        assertEquals(status, r.statusCode(), r.body());
        assertEquals(status == 204 ? "" : VIEW + " for " + PAYER, r.body());
        assertTrue(decoded(r, "PAYMENT-RESPONSE").get("success").booleanValue());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @Test
    void aPaidServletThatThrowsAfterForwardingToAViewThatRedirectsKeepsTheSettledRedirect() throws Exception {
        HttpResponse<String> r = paid("/premium/forward?to=/WEB-INF/views/report&after=throw&view=redirect",
                Proofs.proof().v1());

        assertEquals(302, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/free/page"), r.headers().map().toString());
        assertTrue(decoded(r, "PAYMENT-RESPONSE").get("success").booleanValue());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @Test
    void aForwardToAViewInAnAsynchronousDispatchIsSettledOnceAndSendsTheView() throws Exception {
        HttpResponse<String> r = paid("/premium/async-forward?to=/WEB-INF/views/report", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(VIEW + " for " + PAYER, r.body());
        assertTrue(decoded(r, "PAYMENT-RESPONSE").get("success").booleanValue());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
        assertEquals(List.of(), log.warnings());
    }

    @Test
    void aForwardInAnAsynchronousDispatchToAViewThatFailsSettlesNothing() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = paid("/premium/async-forward?to=/WEB-INF/views/report%3Fview%3Dstatus", proof);

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty(), r.headers().map().toString());
        assertEquals(List.of("verify"), app.facilitatorCalls);
        assertEquals(200, paid("/premium/report", proof).statusCode());
    }

    @Test
    void aPaidServletCannotGoAsynchronousOnceItsForwardEndedTheAnswer() throws Exception {
        HttpResponse<String> r = paid("/premium/forward?to=/WEB-INF/views/report&after=async", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(VIEW + " for " + PAYER, r.body());
        // Tollgate's refusal, not Tomcat's: the servlet and the view both support asynchronous operations.
        assertEquals("refused: the paid answer was already sent: it ended with a RequestDispatcher.forward",
                PaidServlets.asyncAfterForward.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @ParameterizedTest
    @CsvSource({"/premium/report, " + PAID, "/premium/big%3Fbytes%3D0, ''"})
    void aFreePageThatThrowsAfterForwardingToAPaidOneKeepsTheSettledAnswer(String to, String body) throws Exception {
        HttpResponse<String> r = paid("/free/dispatch?how=forward-then-throw&to=" + to, Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith(body), r.body());
        assertEquals(body.isEmpty(), r.body().isEmpty(), r.body());
        assertTrue(decoded(r, "PAYMENT-RESPONSE").get("success").booleanValue());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @Test
    void aFreePageThatForwardsToAViewIsNotCharged() throws Exception {
        HttpResponse<String> r = app.get("/free/dispatch?how=view");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(VIEW + " for none", r.body());
        assertEquals(List.of(), app.facilitatorCalls);
    }
}
