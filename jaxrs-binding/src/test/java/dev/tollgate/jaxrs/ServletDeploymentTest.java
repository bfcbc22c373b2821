package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jersey as a servlet on Jetty 12 ee10, configured only by init-params as in a web.xml: the feature is
 * registered by class name and reads {@code tollgate.*} init-params and the file {@code tollgate.config} names.
 */
class ServletDeploymentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FacilitatorDouble facilitator;
    private static Server server;
    private static String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler("/shop");
        ServletHolder jersey = new ServletHolder("api", ServletContainer.class);
        jersey.setInitParameter("jersey.config.server.provider.classnames",
                TollgateFeature.class.getName() + "," + Resources.Api.class.getName() + ","
                        + Resources.FailingWriterInterceptor.class.getName());
        jersey.setInitParameter("tollgate.config", "classpath:tollgate-jaxrs-test.properties");
        jersey.setInitParameter("tollgate.facilitator.url", facilitator.url());
        jersey.setInitParameter("tollgate.listener", UndeliveredRecorder.class.getName());
        jersey.setInitOrder(1);
        context.addServlet(jersey, "/api/*");
        ServletHolder setStatus = new ServletHolder("api-set-status", ServletContainer.class);
        setStatus.setInitParameters(jersey.getInitParameters());
        setStatus.setInitParameter("jersey.config.server.response.setStatusOverSendError", "true");
        setStatus.setInitOrder(1);
        context.addServlet(setStatus, "/api-set-status/*");
        ServletHolder async = new ServletHolder("api-async", ServletContainer.class);
        async.setInitParameters(jersey.getInitParameters());
        async.setAsyncSupported(true);
        async.setInitOrder(1);
        context.addServlet(async, "/api-async/*");
        ServletHolder asyncSetStatus = new ServletHolder("api-async-set-status", ServletContainer.class);
        asyncSetStatus.setInitParameters(setStatus.getInitParameters());
        asyncSetStatus.setAsyncSupported(true);
        asyncSetStatus.setInitOrder(1);
        context.addServlet(asyncSetStatus, "/api-async-set-status/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + ((org.eclipse.jetty.server.NetworkConnector) server.getConnectors()[0])
                .getLocalPort() + "/shop/api/";
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @BeforeEach
    void reset() {
        facilitator.onVerify(FacilitatorDouble::acceptVerify).onSettle(PaidResourceSpec::settleOk);
        facilitator.settleRequests().clear();
        Resources.PRODUCED.set(0);
        UndeliveredRecorder.EVENTS.clear();
    }

    /** The one payment reported settled and not delivered names its transaction and the payer. */
    private static void assertReportedUndelivered(String tx) {
        assertEquals(1, UndeliveredRecorder.EVENTS.size(), UndeliveredRecorder.EVENTS::toString);
        String event = UndeliveredRecorder.EVENTS.get(0);
        assertTrue(event.contains(tx) && event.contains(PaidResourceSpec.PAYER) && event.contains(" 10000 "), event);
    }

    @Test
    void aPaidResourceAnswersA402NamingItsAbsoluteUrl() throws Exception {
        HttpResponse<String> r = get("weather", null, null);
        assertEquals(402, r.statusCode());
        JsonNode offer = JSON.readTree(r.body()).path("accepts").get(0);
        assertEquals(base + "weather", offer.path("resource").asText());
        assertEquals("1000", offer.path("maxAmountRequired").asText());
        assertEquals(Proofs.PAY_TO, offer.path("payTo").asText(), "from the settings file");
        assertEquals("Current weather", offer.path("description").asText(), "the annotation wins over the file");
        assertTrue(r.headers().firstValue("PAYMENT-REQUIRED").isPresent());
    }

    @Test
    void anUnannotatedResourceIsFree() throws Exception {
        HttpResponse<String> r = get("free", null, null);
        assertEquals(200, r.statusCode());
        assertEquals("free", r.body());
    }

    @Test
    void aPaidRequestGetsTheContentTheReceiptAndBothSettlementHeaders() throws Exception {
        HttpResponse<String> r = get("receipt", "PAYMENT-SIGNATURE", Proofs.proof().v2());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith(PaidResourceSpec.PAYER + " paid 10000 on eip155:84532"), r.body());
        JsonNode settled = JSON.readTree(Base64.getDecoder().decode(r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow()));
        assertTrue(settled.path("success").asBoolean());
        assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
    }

    @Test
    void aFailedSettlementOfAStreamingOutputLeaksNoByteThroughTheServletContainer() throws Exception {
        facilitator.onSettle(PaidResourceSpec.settleFails("insufficient_funds"));
        HttpResponse<String> r = get("stream", "X-PAYMENT", Proofs.proof().v1());
        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(Resources.CONTENT), r.body());
        assertEquals("insufficient_funds", JSON.readTree(r.body()).path("error").asText());
        assertEquals(1, Resources.PRODUCED.get(), "produced into memory, never sent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "1000"})
    void aPaidAnswerDeclaringAWrongContentLengthIsSentWholeWithItsRealLength(String declared) throws Exception {
        // Unfiltered, Jetty would cut the answer short or fail it; here the payment is settled first, so the paid
        // answer must go out whole (as the servlet filter sends a handler's answer, whatever length it declared).
        HttpResponse<String> r = get("declared-length?length=" + declared, "X-PAYMENT", Proofs.proof().v1());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Resources.CONTENT + ": caf\u00e9 cr\u00e8me", r.body());
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(UndeliveredRecorder.EVENTS.isEmpty(), "delivered: " + UndeliveredRecorder.EVENTS);
    }

    @Test
    void aPaidDownloadDeclaringItsRightLengthKeepsIt() throws Exception {
        HttpResponse<String> r = get("download", "X-PAYMENT", Proofs.proof().v1());
        assertEquals(200, r.statusCode());
        assertEquals((Resources.CONTENT + "\n").repeat(2000), r.body());
        assertEquals(String.valueOf(r.body().length()), r.headers().firstValue("Content-Length").orElse("chunked"));
    }

    @Test
    void aCrashingHandlerSettlesNothingAndItsProofStaysUsable() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> crashed = get("crash", "X-PAYMENT", proof);
        assertEquals(500, crashed.statusCode());
        assertFalse(crashed.headers().firstValue("PAYMENT-RESPONSE").isPresent(), "nothing was settled");
        assertFalse(crashed.headers().firstValue("X-PAYMENT-RESPONSE").isPresent(), "nothing was settled");
        assertTrue(facilitator.settleRequests().isEmpty());
        assertEquals(200, get("report", "X-PAYMENT", proof).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PAYMENT-SIGNATURE", "X-PAYMENT"})
    void anUnmappedExceptionAfterASettlementBeforeTheMethodIsA500CarryingTheReceipt(String proofHeader)
            throws Exception {
        // Jersey hands an exception no mapper handles to the servlet container, which answers 500: the payer was
        // charged before the method ran, and that 500 is all the evidence of the payment it gets.
        String tx = settlesAs("0x" + "5e77".repeat(16));
        String proof = "X-PAYMENT".equals(proofHeader) ? Proofs.proof().v1() : Proofs.proof().v2();

        HttpResponse<String> r = get("prepaid-crash", proofHeader, proof);

        assertEquals(500, r.statusCode());
        assertEquals(1, Resources.PRODUCED.get(), "the method ran, and threw");
        JsonNode v2 = decoded(r, "PAYMENT-RESPONSE");
        JsonNode v1 = decoded(r, "X-PAYMENT-RESPONSE");
        assertTrue(v2.path("success").asBoolean());
        assertTrue(v1.path("success").asBoolean());
        assertEquals(tx, v2.path("transaction").asText());
        assertEquals(tx, v1.path("transaction").asText());
        assertEquals("eip155:84532", v2.path("network").asText());
        assertEquals("base-sepolia", v1.path("network").asText());
        assertEquals(1, r.headers().allValues("PAYMENT-RESPONSE").size());
        assertEquals(1, r.headers().allValues("X-PAYMENT-RESPONSE").size());
        assertEquals(1, facilitator.settleRequests().size());

        assertReplayRefusedAsUsed(base + "prepaid-crash", proofHeader, proof);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mapped", "unmapped"})
    void aWriterInterceptorThatFailsAfterTheSettlementLeavesTheReceiptOnThe500(String fails) throws Exception {
        // The application's interceptor runs when the answer is written, after the settlement: the payer was charged
        // and gets no content, so the 500 in its place (the mapper's, or the servlet container's) carries the receipt.
        String tx = settlesAs("0x" + "1a7e".repeat(16));
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = get("intercepted?fails=" + fails, "X-PAYMENT", proof);

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(Resources.CONTENT), r.body());
        assertEquals(tx, decoded(r, "PAYMENT-RESPONSE").path("transaction").asText());
        assertEquals(tx, decoded(r, "X-PAYMENT-RESPONSE").path("transaction").asText());
        assertEquals(1, r.headers().allValues("PAYMENT-RESPONSE").size());
        assertEquals(1, r.headers().allValues("X-PAYMENT-RESPONSE").size());
        assertEquals(1, facilitator.settleRequests().size());
        assertReportedUndelivered(tx);
        assertReplayRefusedAsUsed(base + "intercepted", "X-PAYMENT", proof);
    }

    @Test
    void withJerseysSetStatusOverSendErrorTheUnmappedExceptionsResetStillLeavesTheReceiptOnThe500() throws Exception {
        // This Jersey setting has the servlet writer reset an uncommitted response on failure, the receipt headers with
        // it, and refuse anything written after: the 500 is answered, with the receipt, before the writer's failure.
        String tx = settlesAs("0x" + "5e78".repeat(16));
        String proof = Proofs.proof().v2();
        String target = URI.create(base).resolve("../api-set-status/prepaid-crash").toString();

        HttpResponse<String> r = get(URI.create(target), "PAYMENT-SIGNATURE", proof);

        assertEquals(500, r.statusCode());
        assertTrue(r.body().contains("after the payment was settled; its receipt is in the PAYMENT-RESPONSE header"),
                r.body());
        assertEquals(tx, decoded(r, "PAYMENT-RESPONSE").path("transaction").asText());
        assertEquals(tx, decoded(r, "X-PAYMENT-RESPONSE").path("transaction").asText());
        assertEquals(1, r.headers().allValues("PAYMENT-RESPONSE").size());
        assertEquals(1, r.headers().allValues("X-PAYMENT-RESPONSE").size());
        assertEquals(1, facilitator.settleRequests().size());
        assertReplayRefusedAsUsed(target, "PAYMENT-SIGNATURE", proof);
    }

    @Test
    void withJerseysSetStatusOverSendErrorAWriterInterceptorFailingAfterTheSettlementLeavesTheReceiptOnThe500()
            throws Exception {
        String tx = settlesAs("0x" + "5e79".repeat(16));
        String proof = Proofs.proof().v1();
        String target = URI.create(base).resolve("../api-set-status/intercepted").toString();

        HttpResponse<String> r = get(URI.create(target + "?fails=unmapped"), "X-PAYMENT", proof);

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(Resources.CONTENT), r.body());
        assertEquals(tx, decoded(r, "PAYMENT-RESPONSE").path("transaction").asText());
        assertEquals(1, r.headers().allValues("X-PAYMENT-RESPONSE").size());
        assertEquals(1, facilitator.settleRequests().size());
        assertReportedUndelivered(tx);
        assertReplayRefusedAsUsed(target, "X-PAYMENT", proof);
    }

    private static String settlesAs(String tx) {
        facilitator.onSettle((ex, req) -> FacilitatorDouble.respond(ex, 200, "{\"success\":true,\"transaction\":\""
                + tx + "\",\"network\":\"" + req.path("paymentRequirements").path("network").asText()
                + "\",\"payer\":\"" + PaidResourceSpec.PAYER + "\"}"));
        return tx;
    }

    private void assertReplayRefusedAsUsed(String target, String proofHeader, String proof) throws Exception {
        HttpResponse<String> replay = get(URI.create(target), proofHeader, proof);
        assertEquals(402, replay.statusCode());
        assertEquals("payment_already_used", JSON.readTree(replay.body()).path("error").asText());
        assertEquals(1, facilitator.settleRequests().size(), "settled once");
        assertEquals(1, Resources.PRODUCED.get(), "the method did not run again");
    }

    @Test
    void aPaidAnswerSettledBeforeTheMethodCarriesEachReceiptHeaderOnce() throws Exception {
        HttpResponse<String> r = get("prepaid", "PAYMENT-SIGNATURE", Proofs.proof().v2());
        assertEquals(200, r.statusCode());
        assertEquals(1, r.headers().allValues("PAYMENT-RESPONSE").size());
        assertEquals(1, r.headers().allValues("X-PAYMENT-RESPONSE").size());
        assertEquals("tx=" + decoded(r, "PAYMENT-RESPONSE").path("transaction").asText(), r.body());
    }

    @Test
    void aChallengeSentBeforeTheRequestsBodyWasReadTellsTheClientTheConnectionCloses() throws Exception {
        // The body never comes: the connection cannot carry the client's paid retry, and the answer says so.
        URI target = URI.create(base + "upload");
        String head = RawHttp.head(target.getPort(), "POST " + target.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n");

        assertTrue(head.startsWith("HTTP/1.1 402 "), head);
        assertTrue(head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), head);
        assertEquals(0, Resources.PRODUCED.get());
    }

    @Test
    void aChallengeToAnHttp10KeepAliveRequestWithoutHostSentBeforeItsBodyWasReadSaysTheConnectionCloses()
            throws Exception {
        // HTTP/1.0 needs no Host: the request's own fields do not show its protocol, the servlet request does.
        URI target = URI.create(base + "upload");
        String head = RawHttp.head(target.getPort(), "POST " + target.getRawPath() + " HTTP/1.0\r\n"
                + "Connection: keep-alive\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n");

        assertTrue(head.startsWith("HTTP/1.0 402 ") || head.startsWith("HTTP/1.1 402 "), head);
        assertTrue(head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), head);
        assertFalse(head.toLowerCase(Locale.ROOT).contains("keep-alive"), head);
        assertEquals(0, Resources.PRODUCED.get());
    }

    @Test
    void aPaidSuspendedFailureOfAnHttp10KeepAliveRequestWithoutHostClosesTheConnection() throws Exception {
        URI target = URI.create(base.replace("/api/", "/api-async/") + "suspended-failing");
        String head = RawHttp.head(target.getPort(), "GET " + target.getRawPath() + " HTTP/1.0\r\n"
                + "Connection: keep-alive\r\nX-PAYMENT: " + Proofs.proof().v1() + "\r\n\r\n");

        assertTrue(head.startsWith("HTTP/1.0 500 ") || head.startsWith("HTTP/1.1 500 "), head);
        assertTrue(head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), head);
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void aSuspendedPaidResourceResumedWithAnExceptionIsNotChargedAndLeavesNoTollgateFailureInTheLog() throws Exception {
        java.util.logging.Logger jersey = java.util.logging.Logger.getLogger("org.glassfish.jersey");
        java.util.List<Throwable> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getThrown() != null) {
                    logged.add(record.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jersey.addHandler(capture);
        try {
            String proof = Proofs.proof().v1();
            URI target = URI.create(base.replace("/api/", "/api-async/") + "suspended-failing");
            HttpResponse<String> r = get(target, "X-PAYMENT", proof);
            assertEquals(500, r.statusCode());
            assertFalse(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
            assertEquals(0, facilitator.settleRequests().size());
            assertEquals(200, get(URI.create(base.replace("/api/", "/api-async/") + "suspended"), "X-PAYMENT", proof)
                    .statusCode(), "the proof was released");
            // Jersey's FINISHED comes after the answer, on the thread that resumed it, and nothing marks its end from
            // outside: a failure there is given two seconds to show in the log.
            long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until && logged.stream().allMatch(t -> "back end gone".equals(t.getMessage()))) {
                Thread.sleep(20);
            }
            assertFalse(logged.isEmpty(), "Jersey logs the application's own failure");
            for (Throwable t : logged) {
                assertEquals("back end gone", t.getMessage(), "nothing but the application's failure: " + t);
            }
        } finally {
            jersey.removeHandler(capture);
        }
    }

    @Test
    void aPaidSuspendedRequestsFailureClosesTheConnectionSoThePayersNextRequestIsServed() throws Exception {
        // Jersey's servlet writer ends a resumed request's failure on the resuming thread; on Jetty 12 that request's
        // teardown may then run after its 500 reached the client and the next request on the keep-alive connection
        // was admitted, emptying that request's attributes under it (a 500 of its own, or no answer at all). The race
        // is won only now and then, so each round is one failed paid request and the payer's next one.
        URI failing = URI.create(base.replace("/api/", "/api-async/") + "suspended-failing");
        URI paid = URI.create(base.replace("/api/", "/api-async/") + "suspended");
        for (int round = 0; round < 60; round++) {
            facilitator.settleRequests().clear();
            HttpResponse<String> failed = get(failing, "X-PAYMENT", Proofs.proof().v1());
            assertEquals(500, failed.statusCode());
            assertEquals("close", failed.headers().firstValue("Connection").orElse("kept alive"));
            HttpResponse<String> r = get(paid, "X-PAYMENT", Proofs.proof().v1());
            assertEquals(200, r.statusCode(), "round " + round + ": " + r.body());
            assertEquals(Resources.CONTENT, r.body());
            assertTrue(decoded(r, "X-PAYMENT-RESPONSE").path("success").asBoolean());
            assertEquals(1, facilitator.settleRequests().size(), "round " + round);
        }
    }

    @Test
    void withJerseysSetStatusOverSendErrorAnUnsettledSuspendedFailureStillClosesTheConnection() throws Exception {
        // The setting has the container writer's failure reset the response, the Connection: close that keeps the
        // payer's next request off the torn-down connection with it (see the test above).
        URI failing = URI.create(base.replace("/api/", "/api-async-set-status/") + "suspended-failing");
        String proof = Proofs.proof().v1();
        HttpResponse<String> failed = get(failing, "X-PAYMENT", proof);
        assertEquals(500, failed.statusCode());
        assertEquals("close", failed.headers().firstValue("Connection").orElse("kept alive"),
                failed.headers().map() + " " + failed.body());
        assertFalse(failed.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(0, facilitator.settleRequests().size());
        HttpResponse<String> r = get(URI.create(base.replace("/api/", "/api-async-set-status/") + "suspended"),
                "X-PAYMENT", proof);
        assertEquals(200, r.statusCode(), "the proof was released: " + r.body());
        assertEquals(Resources.CONTENT, r.body());
    }

    private static JsonNode decoded(HttpResponse<String> r, String header) throws IOException {
        return JSON.readTree(Base64.getDecoder().decode(r.headers().firstValue(header).orElseThrow(
                () -> new AssertionError("no " + header + " in " + r.headers().map()))));
    }

    private HttpResponse<String> get(String path, String header, String value) throws IOException, InterruptedException {
        return get(URI.create(base + path), header, value);
    }

    private HttpResponse<String> get(URI target, String header, String value) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10));
        if (header != null) {
            b.header(header, value);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
