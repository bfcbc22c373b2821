package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.filter.HttpMethodOverrideFilter;
import org.glassfish.jersey.test.JerseyTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a paid JAX-RS resource does, whatever container runs it. Subclasses pick the container. The
 * facilitator is a real HTTP server on the loopback interface; the proofs are really signed.
 */
abstract class PaidResourceSpec extends JerseyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String V1 = "X-PAYMENT";
    static final String V2 = "PAYMENT-SIGNATURE";
    static final String PAYER = Proofs.PAYER.address().toChecksumHex();

    private static FacilitatorDouble facilitator;

    /** What the gate reported as settled and not delivered: path, payer, amount, transaction and cause. */
    static final List<String> UNDELIVERED = new CopyOnWriteArrayList<>();
    /** What the gate reported as rejected: path, status and reason. */
    static final List<String> REJECTED = new CopyOnWriteArrayList<>();
    private static final PaymentListener UNDELIVERED_RECORDER = new PaymentListener() {
        @Override
        public void undelivered(String path, PaymentReceipt receipt, String cause) {
            UNDELIVERED.add(path + " " + receipt.payer() + " " + receipt.amount() + " " + receipt.transaction() + " "
                    + cause);
        }

        @Override
        public void rejected(String path, int status, String reason) {
            REJECTED.add(path + " " + status + " " + reason);
        }
    };

    /** JerseyTest configures the application from its constructor, before any instance field exists. */
    static synchronized FacilitatorDouble facilitator() {
        if (facilitator == null) {
            try {
                facilitator = new FacilitatorDouble();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return facilitator;
    }

    @AfterAll
    static synchronized void stopFacilitator() {
        if (facilitator != null) {
            facilitator.close();
            facilitator = null;
        }
    }

    @Override
    protected Application configure() {
        // A free port each time: the default fixed port collides with any other build on the machine.
        forceSet(org.glassfish.jersey.test.TestProperties.CONTAINER_PORT, "0");
        TollgateConfig config = TollgateConfig.builder().withoutRoutes()
                .facilitatorUrl(facilitator().url())
                .payTo(Proofs.PAY_TO)
                .set("accept.sepolia.network", "base-sepolia")
                .set("accept.mainnet.network", "base")
                .listener(UNDELIVERED_RECORDER)
                .build();
        return new ResourceConfig(Resources.Api.class, Resources.Reports.class, Resources.Locators.class,
                Resources.PaidLocators.class, Resources.MaintenanceFilter.class, Resources.Repriced.class,
                Resources.RepricedImpl.class, Resources.InheritedPrice.class, Resources.PaidApiImpl.class,
                Resources.FailingWriterInterceptor.class)
                .register(TollgateFeature.from(config))
                .register(HttpMethodOverrideFilter.class);
    }

    @BeforeEach
    void resetFacilitator() {
        facilitator().onVerify(FacilitatorDouble::acceptVerify).onSettle(PaidResourceSpec::settleOk);
        facilitator().verifyRequests().clear();
        facilitator().settleRequests().clear();
        Resources.PRODUCED.set(0);
        UNDELIVERED.clear();
        REJECTED.clear();
    }

    /** Exactly one payment reported settled and not delivered, on {@code path}, naming the payer and a transaction. */
    static String assertOneUndelivered(String path, String causeHolds) {
        assertEquals(1, UNDELIVERED.size(), UNDELIVERED::toString);
        String event = UNDELIVERED.get(0);
        assertTrue(event.startsWith(path + " ") && event.toLowerCase(java.util.Locale.ROOT).contains(
                PAYER.toLowerCase(java.util.Locale.ROOT)) && event.matches("(?s).* 0x[0-9a-f]{64} .*")
                && event.contains(causeHolds), event);
        return event;
    }

    // --- the challenge

    @Test
    void aPaidMethodWithoutAProofAnswers402WithTheV1BodyAndTheV2Header() throws IOException {
        Response r = get("weather", null, null);
        assertEquals(402, r.getStatus());
        assertEquals("no-store", r.getHeaderString("Cache-Control"));
        JsonNode v1 = body(r);
        assertEquals(1, v1.path("x402Version").asInt());
        JsonNode offer = v1.path("accepts").get(0);
        assertEquals("1000", offer.path("maxAmountRequired").asText());
        assertEquals("base-sepolia", offer.path("network").asText());
        assertEquals(Proofs.PAY_TO, offer.path("payTo").asText());
        assertEquals("Current weather", offer.path("description").asText());
        assertEquals("application/json", offer.path("mimeType").asText());
        assertEquals(getBaseUri().resolve("weather").toString(), offer.path("resource").asText());
        JsonNode v2 = header(r, "PAYMENT-REQUIRED");
        assertEquals(2, v2.path("x402Version").asInt());
        assertEquals("1000", v2.path("accepts").get(0).path("amount").asText());
        assertEquals("eip155:84532", v2.path("accepts").get(0).path("network").asText());
        assertEquals(0, Resources.PRODUCED.get());
    }

    @Test
    void anUnannotatedMethodIsFreeAndUntouched() {
        Response r = get("free", null, null);
        assertEquals(200, r.getStatus());
        assertEquals("free", r.readEntity(String.class));
        assertNull(r.getHeaderString("PAYMENT-REQUIRED"));
        assertNull(r.getHeaderString("PAYMENT-RESPONSE"));
        assertTrue(facilitator().verifyRequests().isEmpty());
    }

    @Test
    void aClassAnnotationProtectsEveryMethodOfTheClass() throws IOException {
        Response r = get("reports/daily", null, null);
        assertEquals(402, r.getStatus());
        JsonNode offer = body(r).path("accepts").get(0);
        assertEquals("50000", offer.path("maxAmountRequired").asText());
        assertEquals("Reports", offer.path("description").asText());
    }

    @Test
    void aMethodAnnotationWinsOverItsClassAnnotationAttributeByAttribute() throws IOException {
        Response r = get("reports/special", null, null);
        assertEquals(402, r.getStatus());
        JsonNode offer = body(r).path("accepts").get(0);
        assertEquals("20000", offer.path("maxAmountRequired").asText());
        assertEquals("Reports", offer.path("description").asText(), "unset on the method: the class's value");
    }

    @Test
    void anOverridingMethodsOwnPriceWinsOverTheOverriddenMethodsWhoseJaxRsAnnotationsItInherits() throws IOException {
        // JAX-RS reports the overridden method (it carries @GET and @Path), but the override is what runs.
        for (String path : List.of("repriced/report", "repriced-impl/report")) {
            Response r = get(path, null, null);
            assertEquals(402, r.getStatus(), path);
            assertEquals("50000", body(r).path("accepts").get(0).path("maxAmountRequired").asText(), path);
            assertEquals("50000", header(r, "PAYMENT-REQUIRED").path("accepts").get(0).path("amount").asText(), path);
        }
        Response inherited = get("inherited-price/report", null, null);
        assertEquals(402, inherited.getStatus());
        assertEquals("10000", body(inherited).path("accepts").get(0).path("maxAmountRequired").asText(),
                "an override without @PaymentRequired keeps the overridden method's price");
    }

    @Test
    void anInterfacesClassAnnotationProtectsTheMethodsOfItsImplementation() throws IOException {
        Response r = get("paid-api-impl/report", null, null);
        assertEquals(402, r.getStatus());
        assertEquals("20000", body(r).path("accepts").get(0).path("maxAmountRequired").asText());
    }

    @Test
    void everyAcceptedOptionIsOfferedInThe402() throws IOException {
        Response r = get("options", null, null);
        assertEquals(402, r.getStatus());
        assertEquals(List.of("base-sepolia", "base"), texts(body(r).path("accepts"), "network"));
        assertEquals(List.of("eip155:84532", "eip155:8453"),
                texts(header(r, "PAYMENT-REQUIRED").path("accepts"), "network"));
        assertEquals(List.of("10000", "10000"), texts(body(r).path("accepts"), "maxAmountRequired"));
    }

    @Test
    void aProofForAnyOfTheAcceptedOptionsPays() {
        Response r = get("options", V2, Proofs.proof().v2());
        assertEquals(200, r.getStatus());
        assertEquals(Resources.CONTENT, r.readEntity(String.class));
    }

    // --- paying

    @Test
    void aV1ProofIsSettledAndTheAnswerCarriesBothSettlementHeaders() throws IOException {
        Response r = get("report", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        assertEquals(Resources.CONTENT, r.readEntity(String.class));
        assertSettled(r);
        assertEquals(1, facilitator().settleRequests().size());
        assertEquals("42", r.getHeaderString("X-Content-Secret"), "a paid answer keeps its own headers");
    }

    @Test
    void aV2ProofIsSettledAndTheAnswerCarriesBothSettlementHeaders() throws IOException {
        Response r = get("report", V2, Proofs.proof().v2());
        assertEquals(200, r.getStatus());
        assertEquals(Resources.CONTENT, r.readEntity(String.class));
        assertSettled(r);
        assertEquals(2, facilitator().settleRequests().get(0).path("x402Version").asInt(2));
    }

    @Test
    void aPaidAnswerGoesOutPrivateSoNoSharedCacheServesItToClientsWhoDidNotPay() {
        Response r = get("report", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        assertEquals("private", r.getHeaderString("Cache-Control"));
    }

    @Test
    void aPaidAnswerTheMethodMarkedCacheableBySharedCachesIsNarrowedToThePayersOwnCache() {
        Response r = get("cacheable", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        assertEquals("private, no-transform, max-age=600", r.getHeaderString("Cache-Control"));
    }

    @Test
    void aPaidAnswerKeepsNoHeaderByWhichACdnWouldStoreItDespitePrivate() {
        Response r = get("cacheable", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        // RFC 9213's CDN-Cache-Control and Surrogate-Control rule shared caches in place of Cache-Control.
        assertEquals("no-store", r.getHeaderString("CDN-Cache-Control"));
        assertEquals("no-store", r.getHeaderString("Surrogate-Control"));
    }

    @Test
    void aStreamingOutputIsProducedCompletelyBeforeItIsSettledAndDeliveredAfter() {
        AtomicInteger producedWhenSettling = new AtomicInteger(-1);
        facilitator().onSettle((ex, req) -> {
            producedWhenSettling.set(Resources.PRODUCED.get());
            settleOk(ex, req);
        });
        Response r = get("stream", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        assertEquals(Resources.CONTENT, r.readEntity(String.class));
        assertEquals(1, producedWhenSettling.get(), "settled only once the body existed (held in memory)");
        assertNotNull(r.getHeaderString("PAYMENT-RESPONSE"));
    }

    @Test
    void aStreamingOutputThatFailsHalfWayIsNotCharged() {
        String proof = Proofs.proof().v1();
        Response r = get("stream-failing", V1, proof);
        assertEquals(500, r.getStatus());
        assertFalse(r.readEntity(String.class).contains(Resources.CONTENT));
        assertEquals(0, facilitator().settleRequests().size());
        assertEquals(200, get("report", V1, proof).getStatus(), "the proof was released for another try");
    }

    @Test
    void thePaymentReceiptIsInjectableIntoTheResourceMethod() {
        Response r = get("receipt", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        assertEquals(PAYER + " paid 10000 on base-sepolia to " + Proofs.PAY_TO + " tx=null",
                r.readEntity(String.class), "settled after the method: no transaction yet");
    }

    @Test
    void settlingBeforeTheMethodRunsHandsItTheTransaction() {
        Response r = get("prepaid", V2, Proofs.proof().v2());
        assertEquals(200, r.getStatus());
        assertTrue(r.readEntity(String.class).matches("tx=0x[0-9a-f]{64}"));
        assertNotNull(r.getHeaderString("PAYMENT-RESPONSE"));
        assertNotNull(r.getHeaderString("X-PAYMENT-RESPONSE"));
    }

    // --- refused proofs

    @Test
    void aProofTheVerifierRefusesGets402WithTheReason() throws IOException {
        facilitator().onVerify(FacilitatorDouble.invalid("invalid_exact_evm_payload_signature"));
        Response r = get("report", V1, Proofs.proof().v1());
        assertEquals(402, r.getStatus());
        assertEquals("invalid_exact_evm_payload_signature", body(r).path("error").asText());
        assertEquals(0, Resources.PRODUCED.get());
        assertTrue(facilitator().settleRequests().isEmpty());
    }

    @Test
    void aReplayedProofGets402WithTheReason() throws IOException {
        String proof = Proofs.proof().v2();
        assertEquals(200, get("report", V2, proof).getStatus());
        Response again = get("report", V2, proof);
        assertEquals(402, again.getStatus());
        assertEquals("payment_already_used", body(again).path("error").asText());
        assertEquals(1, facilitator().settleRequests().size());
        assertEquals(1, Resources.PRODUCED.get());
    }

    @Test
    void aMalformedProofGets402WithTheError() throws IOException {
        Response r = get("report", V1, "%%% not base64 %%%");
        assertEquals(402, r.getStatus());
        assertFalse(body(r).path("error").asText().isBlank());
        assertTrue(facilitator().verifyRequests().isEmpty());
    }

    @Test
    void aProofOfTooSmallAnAmountGets402() {
        Response r = get("report", V1, Proofs.proof().value(1).v1());
        assertEquals(402, r.getStatus());
        assertEquals(0, Resources.PRODUCED.get());
    }

    @Test
    void anUnavailableFacilitatorGets503WithRetryAfterAndNoContent() {
        facilitator().onVerify(FacilitatorDouble.answer(503, "{}"));
        Response r = get("report", V1, Proofs.proof().v1());
        assertEquals(503, r.getStatus());
        assertNotNull(r.getHeaderString("Retry-After"));
        assertFalse(r.readEntity(String.class).contains(Resources.CONTENT));
    }

    // --- failed settlement

    @Test
    void aFailedSettlementReplacesTheAnswerWithA402AndKeepsNoneOfItsHeaders() throws IOException {
        facilitator().onSettle(settleFails("insufficient_funds"));
        Response r = get("report", V1, Proofs.proof().v1());
        assertEquals(402, r.getStatus());
        String text = r.readEntity(String.class);
        assertFalse(text.contains(Resources.CONTENT), text);
        assertEquals("insufficient_funds", JSON.readTree(text).path("error").asText());
        assertNull(r.getHeaderString("X-Content-Secret"));
        JsonNode settlement = header(r, "PAYMENT-RESPONSE");
        assertFalse(settlement.path("success").asBoolean());
        assertEquals("insufficient_funds", settlement.path("errorReason").asText());
    }

    @Test
    void aFailedSettlementOfAStreamingOutputLeaksNoByte() throws IOException {
        facilitator().onSettle(settleFails("insufficient_funds"));
        Response r = get("stream", V1, Proofs.proof().v1());
        assertEquals(402, r.getStatus());
        String text = r.readEntity(String.class);
        assertFalse(text.contains(Resources.CONTENT), text);
        assertEquals(1, JSON.readTree(text).path("x402Version").asInt(), "the body is the 402 answer");
        assertTrue(r.getHeaderString("X-Content-Secret") == null);
    }

    @Test
    void anUnavailableSettlementAnswers503WithoutTheContent() {
        facilitator().onSettle(FacilitatorDouble.answer(503, "{}"));
        Response r = get("stream", V1, Proofs.proof().v1());
        assertEquals(503, r.getStatus());
        assertFalse(r.readEntity(String.class).contains(Resources.CONTENT));
    }

    // --- failed handlers

    @Test
    void aHandlerAnswering404IsNotChargedAndTheProofStaysUsable() {
        String proof = Proofs.proof().v1();
        Response r = get("not-found", V1, proof);
        assertEquals(404, r.getStatus());
        assertEquals("no such report", r.readEntity(String.class));
        assertNull(r.getHeaderString("PAYMENT-RESPONSE"));
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(200, get("report", V1, proof).getStatus());
    }

    @Test
    void aWebApplicationExceptionWith500SettlesNothingAndTheProofStaysUsable() {
        String proof = Proofs.proof().v2();
        Response r = get("web-error", V2, proof);
        assertEquals(500, r.getStatus());
        assertNull(r.getHeaderString("PAYMENT-RESPONSE"));
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(200, get("report", V2, proof).getStatus());
    }

    @Test
    void anUnmappedRuntimeExceptionSettlesNothingAndTheProofStaysUsable() {
        String proof = Proofs.proof().v1();
        assertCrashed(() -> get("crash", V1, proof));
        assertTrue(facilitator().settleRequests().isEmpty());
        // Grizzly may send its 500 for an unmapped exception before Jersey's response processing releases
        // the claim, so the proof becomes usable again a moment later, not necessarily at once.
        Response again = get("report", V1, proof);
        for (int i = 0; i < 40 && again.getStatus() == 402; i++) {
            sleepBriefly();
            again = get("report", V1, proof);
        }
        Response last = again;
        assertEquals(200, last.getStatus(), () -> last.readEntity(String.class));
        assertEquals(1, facilitator().settleRequests().size());
    }

    @Test
    void aMappedExceptionAfterASettlementBeforeTheMethodKeepsTheReceiptAndTheProofUsedUp() throws IOException {
        String proof = Proofs.proof().v1();
        Response r = get("prepaid-web-error", V1, proof);
        assertEquals(500, r.getStatus());
        assertSettled(r);
        assertEquals(1, facilitator().settleRequests().size());
        assertOneUndelivered("/prepaid-web-error", "settlement=before");
        assertEquals(List.of(), REJECTED, "reported once, as undelivered: the gate rejected nothing");
        Response replay = get("prepaid-web-error", V1, proof);
        assertEquals(402, replay.getStatus());
        assertEquals("payment_already_used", body(replay).path("error").asText());
        assertEquals(1, facilitator().settleRequests().size(), "settled once");
        assertEquals(1, Resources.PRODUCED.get());
    }

    @Test
    void anUnmappedExceptionAfterASettlementBeforeTheMethodKeepsTheReceiptAndTheProofUsedUp() throws IOException {
        String proof = Proofs.proof().v2();
        assertCrashedCarryingTheReceipt(() -> get("prepaid-crash", V2, proof));
        assertEquals(1, Resources.PRODUCED.get());
        assertEquals(1, facilitator().settleRequests().size());
        assertOneUndelivered("/prepaid-crash", "settlement=before");
        assertEquals(List.of(), REJECTED, "reported once, as undelivered: the gate rejected nothing");
        Response replay = get("prepaid-crash", V2, proof);
        assertEquals(402, replay.getStatus());
        assertEquals("payment_already_used", body(replay).path("error").asText());
        assertEquals(1, facilitator().settleRequests().size(), "settled once");
        assertEquals(1, Resources.PRODUCED.get());
    }

    @Test
    void aWriterInterceptorThatFailsAfterTheSettlementLeavesTheReceiptOnTheMappedError() throws IOException {
        String proof = Proofs.proof().v1();
        Response r = target("intercepted").queryParam("fails", "mapped").request().header(V1, proof).get();
        assertEquals(500, r.getStatus());
        assertFalse(r.readEntity(String.class).contains(Resources.CONTENT));
        assertSettled(r);
        assertEquals(1, facilitator().settleRequests().size());
        String event = assertOneUndelivered("/intercepted", "the runtime answered 500");
        assertTrue(event.contains(header(r, "PAYMENT-RESPONSE").path("transaction").asText()), event);
        Response replay = get("intercepted", V1, proof);
        assertEquals(402, replay.getStatus());
        assertEquals("payment_already_used", body(replay).path("error").asText());
        assertEquals(1, facilitator().settleRequests().size(), "settled once");
    }

    @Test
    void aWriterInterceptorThatFailsUnmappedAfterTheSettlementLeavesTheReceiptOnTheContainersError() throws IOException {
        String proof = Proofs.proof().v2();
        assertCrashedCarryingTheReceipt(() -> target("intercepted").queryParam("fails", "unmapped").request()
                .header(V2, proof).get());
        assertEquals(1, facilitator().settleRequests().size());
        assertOneUndelivered("/intercepted", "the application's writer interceptor failed");
        Response replay = get("intercepted", V2, proof);
        assertEquals(402, replay.getStatus());
        assertEquals("payment_already_used", body(replay).path("error").asText());
        assertEquals(1, facilitator().settleRequests().size(), "settled once");
    }

    @Test
    void aWriterInterceptorThatPassesLeavesThePaidAnswerWhole() throws IOException {
        Response r = get("intercepted", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        assertEquals(Resources.CONTENT, r.readEntity(String.class));
        assertSettled(r);
        assertNull(r.getHeaderString(Resources.FailingWriterInterceptor.FAILS));
        assertEquals(List.of(), UNDELIVERED, "delivered");
    }

    // --- what JAX-RS does not route through a paid method's filter

    @Test
    void aResourceReachedThroughAPaidLocatorButNotPaidItselfIsRefusedNotServed() {
        for (String path : List.of("locators/annotated", "paid-locators/dynamic")) {
            Response unpaid = get(path, null, null);
            assertEquals(500, unpaid.getStatus(), path);
            assertFalse(unpaid.readEntity(String.class).contains(Resources.CONTENT), path);
            Response paid = get(path, V1, Proofs.proof().v1());
            assertEquals(500, paid.getStatus(), path);
            assertTrue(paid.readEntity(String.class).contains("nothing was charged"), path);
        }
        assertEquals(0, Resources.PRODUCED.get());
        assertTrue(facilitator().settleRequests().isEmpty());
    }

    @Test
    void aLocatorReturningAPaidClassIsGatedByThatClass() throws IOException {
        assertEquals(402, get("locators/paid-class", null, null).getStatus());
        assertEquals(0, Resources.PRODUCED.get());
        Response r = get("locators/paid-class", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        assertSettled(r);
    }

    @Test
    void aHeadRequestWithAProofIsChallengedUnchargedAndTheProofStillPaysForTheGet() {
        String proof = Proofs.proof().v1();
        Response head = target("report").request().header(V1, proof).head();
        assertEquals(402, head.getStatus());
        assertNull(head.getHeaderString("PAYMENT-RESPONSE"));
        assertTrue(facilitator().verifyRequests().isEmpty());
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(0, Resources.PRODUCED.get());
        assertEquals(200, get("report", V1, proof).getStatus());
        assertEquals(1, facilitator().settleRequests().size());
    }

    @Test
    void aPostThatJerseysMethodOverrideTurnsIntoAHeadIsChallengedUnchargedLikeAHead() {
        // HttpMethodOverrideFilter is itself a pre-matching filter, of a later priority than Tollgate's own: the
        // gate must see the HEAD that Jersey dispatches, not the POST that came, or it charges for no body.
        String proof = Proofs.proof().v1();
        Response overridden = target("report").request().header(V1, proof)
                .header("X-HTTP-Method-Override", "HEAD").post(Entity.text(""));
        assertEquals(402, overridden.getStatus());
        assertNull(overridden.getHeaderString("PAYMENT-RESPONSE"));
        assertTrue(facilitator().verifyRequests().isEmpty());
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(0, Resources.PRODUCED.get());
        assertEquals(200, get("report", V1, proof).getStatus());
        assertEquals(1, facilitator().settleRequests().size());
    }

    @Test
    void anApplicationResponseFilterThatTurnsTheAnswerIntoAnErrorRunsBeforeTheSettlement() {
        String proof = Proofs.proof().v1();
        Response r = target("report").request().header(V1, proof).header("X-Test-Maintenance", "1").get();
        assertEquals(503, r.getStatus());
        assertNull(r.getHeaderString("PAYMENT-RESPONSE"));
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(200, get("report", V1, proof).getStatus(), "the proof was released for another try");
    }

    @Test
    void anApplicationResponseFilterThatFailsRunsBeforeTheSettlement() throws InterruptedException {
        String proof = Proofs.proof().v1();
        try {
            Response r = target("report").request().header(V1, proof).header("X-Test-Filter-Fails", "1").get();
            assertEquals(500, r.getStatus());
            assertFalse(r.readEntity(String.class).contains(Resources.CONTENT));
        } catch (jakarta.ws.rs.ProcessingException e) {
            // the in-memory connector hands the container's failure to the client as is
        }
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(200, reportOnceReleased(proof));
    }

    @Test
    void aMethodSettledBeforeItRanThatThenFailsToRenderSaysSoAndKeepsTheReceipt() throws IOException {
        Response r = get("prepaid-failing", V2, Proofs.proof().v2());
        assertEquals(500, r.getStatus());
        String body = r.readEntity(String.class);
        assertTrue(body.contains("after the payment was settled"), body);
        assertFalse(body.contains("nothing was charged"), body);
        assertSettled(r);
        assertEquals(1, facilitator().settleRequests().size());
    }

    @Test
    void aWriterThatThrowsAnErrorSettlesNothingAndReleasesTheProof() {
        String proof = Proofs.proof().v1();
        int status;
        try {
            status = get("stream-error", V1, proof).getStatus();
        } catch (jakarta.ws.rs.ProcessingException e) {
            status = 500; // the in-memory connector hands the container's failure to the client as is
        }
        assertEquals(500, status);
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(200, get("report", V1, proof).getStatus(), "the proof was released for another try");
    }

    @Test
    void aChunkedOutputEntityOfAPaidMethodIsRefusedAndNotCharged() {
        String proof = Proofs.proof().v1();
        Response r = get("chunked-entity", V1, proof);
        assertEquals(500, r.getStatus());
        assertTrue(r.readEntity(String.class).contains("nothing was charged"));
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(200, get("report", V1, proof).getStatus(), "the proof was released for another try");
    }

    // --- helpers

    /**
     * The status of a paid request with {@code proof}, retried briefly: a session the response side never ended
     * is released when the request finishes, just after its answer reached the client.
     */
    int reportOnceReleased(String proof) throws InterruptedException {
        int status = 0;
        for (int i = 0; i < 40 && status != 200; i++) {
            status = get("report", V1, proof).getStatus();
            if (status != 200) {
                Thread.sleep(50);
            }
        }
        return status;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How the container reports an exception no mapper handled: a 500 without settlement headers. */
    void assertCrashed(java.util.function.Supplier<Response> call) {
        Response r = call.get();
        assertEquals(500, r.getStatus());
        assertNull(r.getHeaderString("PAYMENT-RESPONSE"));
    }

    /** How the container reports an exception no mapper handled, after a settlement: a 500 with the receipt. */
    void assertCrashedCarryingTheReceipt(java.util.function.Supplier<Response> call) throws IOException {
        Response r = call.get();
        assertEquals(500, r.getStatus());
        assertSettled(r);
    }

    Response get(String path, String header, String value) {
        var request = target(path).request();
        if (header != null) {
            request = request.header(header, value);
        }
        return request.get();
    }

    static JsonNode body(Response r) throws IOException {
        r.bufferEntity();
        return JSON.readTree(r.readEntity(String.class));
    }

    static JsonNode header(Response r, String name) throws IOException {
        String value = r.getHeaderString(name);
        assertNotNull(value, name);
        return JSON.readTree(Base64.getDecoder().decode(value));
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    static void assertSettled(Response r) throws IOException {
        JsonNode v2 = header(r, "PAYMENT-RESPONSE");
        JsonNode v1 = header(r, "X-PAYMENT-RESPONSE");
        assertTrue(v2.path("success").asBoolean());
        assertTrue(v1.path("success").asBoolean());
        assertTrue(v2.path("transaction").asText().matches("0x[0-9a-f]{64}"));
        assertEquals(v2.path("transaction").asText(), v1.path("transaction").asText());
        assertEquals("eip155:84532", v2.path("network").asText());
        assertEquals("base-sepolia", v1.path("network").asText());
    }

    private static final AtomicInteger TRANSACTIONS = new AtomicInteger();

    static void settleOk(HttpExchange ex, JsonNode req) throws IOException {
        String payer = req.path("paymentPayload").path("payload").path("authorization").path("from").asText("");
        String network = req.path("paymentRequirements").path("network").asText();
        FacilitatorDouble.respond(ex, 200, "{\"success\":true,\"transaction\":\""
                + String.format("0x%064x", TRANSACTIONS.incrementAndGet()) + "\",\"network\":\"" + network
                + "\",\"payer\":\"" + payer + "\"}");
    }

    static FacilitatorDouble.Behaviour settleFails(String reason) {
        return (ex, req) -> FacilitatorDouble.respond(ex, 200, "{\"success\":false,\"errorReason\":\"" + reason
                + "\",\"transaction\":\"\",\"network\":\"" + req.path("paymentRequirements").path("network").asText()
                + "\"}");
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
