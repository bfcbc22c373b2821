package dev.tollgate.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CodeSequencerClientTest {

    private static final String DESTINATION = "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR";

    private CodeSequencerDouble sequencer;
    private CodeSequencerClient client;

    @BeforeEach
    void startSequencer() {
        sequencer = CodeSequencerDouble.start();
        client = clientFor(sequencer.endpoint(), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterEach
    void stopSequencer() {
        sequencer.close();
    }

    private static CodeSequencerClient clientFor(URI endpoint, Duration connect, Duration request) {
        return new CodeSequencerClient(CodeSequencerClient.Config.defaults()
                .withEndpoint(endpoint)
                .withTimeouts(connect, request));
    }

    private static PaymentIntent intent() {
        return PaymentIntents.random(DESTINATION, 0.25, "usd");
    }

    @Test
    void createdIntentIsPendingUntilSubmittedThenConfirmed() {
        PaymentIntent intent = client.createIntent(intent());

        IntentStatus pending = client.getStatus(intent.id());
        assertTrue(pending.exists());
        assertEquals(IntentStatus.State.PENDING, pending.state());

        sequencer.markSubmitted(intent.id());

        IntentStatus confirmed = client.getStatus(intent.id());
        assertEquals(IntentStatus.State.CONFIRMED, confirmed.state());
        assertTrue(confirmed.codeScanned());
    }

    @Test
    void scannedButNotSubmittedIsStillPending() {
        PaymentIntent intent = client.createIntent(intent());
        sequencer.markScanned(intent.id());

        IntentStatus status = client.getStatus(intent.id());
        assertTrue(status.codeScanned());
        assertFalse(status.isConfirmed());
    }

    @Test
    void sequencerStoresTheAmountCurrencyAndDestinationItWasSent() {
        PaymentIntent intent = client.createIntent(PaymentIntents.random(DESTINATION, 1.5, "eur"));

        CodeSequencerDouble.StoredIntent stored = sequencer.intent(intent.id()).orElseThrow();
        assertEquals(1.5, stored.amount());
        assertEquals("eur", stored.currency());
        assertEquals(DESTINATION, stored.destination());
    }

    @Test
    void creatingTheSameIntentTwiceIsAccepted() {
        PaymentIntent intent = PaymentIntents.withIdempotencyKey(DESTINATION, 0.25, "usd", "order-17");
        client.createIntent(intent);
        assertSame(intent, client.createIntent(intent));
    }

    @Test
    void badSignatureIsRefused() {
        PaymentIntent good = intent();
        byte[] signature = good.signature().toByteArray();
        signature[0] ^= 1;
        PaymentIntent forged = new PaymentIntent(good.id(), good.clientSecret(), good.amount(), good.currency(),
                good.destination(), good.nonce(), good.payload(), good.rendezvousPublicKey(), good.message(),
                ByteString.copyFrom(signature));

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.createIntent(forged));
        assertEquals(CodeApiException.Kind.REJECTED, e.kind());
        assertTrue(e.getMessage().contains("invalid signature"), e.getMessage());
        assertTrue(sequencer.intent(good.id()).isEmpty());
    }

    @Test
    void unknownIntentDoesNotExistAndIsPending() {
        IntentStatus status = client.getStatus(intent().id());
        assertFalse(status.exists());
        assertEquals(IntentStatus.State.PENDING, status.state());
    }

    @Test
    void sdkVectorEnvelopeIsAcceptedByTheDoubleAsIs() throws Exception {
        byte[] envelope = CodeVectors.hex(CodeVectors.paymentIntent(), "sendMessageEnvelope");
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(sequencer.endpoint())
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertTrue(SequencerEnvelope.Response.decode(response.body()).isOk());
        assertTrue(sequencer.intent(CodeVectors.text(CodeVectors.paymentIntent(), "intentId")).isPresent());
    }

    @Test
    void stoppedServerIsReportedUnavailableWithinTheConnectTimeout() {
        URI endpoint = sequencer.endpoint();
        sequencer.close();
        CodeSequencerClient down = clientFor(endpoint, Duration.ofMillis(500), Duration.ofSeconds(1));

        long start = System.nanoTime();
        CodeApiException e = assertThrows(CodeApiException.class, () -> down.getStatus(intent().id()));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(CodeApiException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.isRetryable());
        assertTrue(elapsedMillis < 1_500, "took " + elapsedMillis + " ms");
    }

    @Test
    void serverThatNeverAnswersIsReportedUnavailableWithinTheRequestTimeout() {
        sequencer.stall();
        CodeSequencerClient impatient = clientFor(sequencer.endpoint(), Duration.ofSeconds(1), Duration.ofMillis(300));

        long start = System.nanoTime();
        CodeApiException e = assertThrows(CodeApiException.class, () -> impatient.createIntent(intent()));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(CodeApiException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(elapsedMillis < 2_000, "took " + elapsedMillis + " ms");
    }

    @Test
    void garbageResponseIsReportedMalformed() {
        sequencer.respondWith(200, "<html>hello</html>".getBytes());

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.getStatus(intent().id()));
        assertEquals(CodeApiException.Kind.MALFORMED, e.kind());
    }

    @Test
    void garbageInsideAnOkEnvelopeIsReportedMalformed() {
        sequencer.respondWith(200, SequencerEnvelope.Response.ok(new byte[] {(byte) 0xff}).encode());

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.getStatus(intent().id()));
        assertEquals(CodeApiException.Kind.MALFORMED, e.kind());
    }

    @Test
    void oversizedResponseIsReportedMalformed() {
        sequencer.respondWith(200, new byte[SequencerEnvelope.MAX_ENVELOPE_BYTES + 1]);

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.getStatus(intent().id()));
        assertEquals(CodeApiException.Kind.MALFORMED, e.kind());
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void errorEnvelopeIsReportedRejectedWithTheServerMessage() {
        sequencer.respondWith(200, SequencerEnvelope.Response.error("intent expired").encode());

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.createIntent(intent()));
        assertEquals(CodeApiException.Kind.REJECTED, e.kind());
        assertTrue(e.getMessage().contains("intent expired"), e.getMessage());
    }

    @Test
    void innerSendMessageResultIsCheckedEvenWhenTheEnvelopeIsOk() {
        byte[] noActiveStream = new MessagingWire.SendMessageResponse(
                MessagingWire.SEND_RESULT_NO_ACTIVE_STREAM, ByteString.EMPTY).encode();
        sequencer.respondWith(200, SequencerEnvelope.Response.ok(noActiveStream).encode());

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.createIntent(intent()));
        assertEquals(CodeApiException.Kind.REJECTED, e.kind());
        assertTrue(e.getMessage().contains("NO_ACTIVE_STREAM"), e.getMessage());
    }

    @Test
    void serverErrorStatusIsReportedUnavailable() {
        sequencer.respondWith(503, new byte[0]);

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.getStatus(intent().id()));
        assertEquals(CodeApiException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    }

    @Test
    void clientErrorStatusIsReportedRejected() {
        sequencer.respondWith(404, new byte[0]);

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.getStatus(intent().id()));
        assertEquals(CodeApiException.Kind.REJECTED, e.kind());
    }

    @Test
    void malformedIntentIdIsRefusedBeforeAnythingIsSent() {
        assertThrows(IllegalArgumentException.class, () -> client.getStatus("not an id"));
        assertEquals(0, sequencer.requestCount());
    }

    @Test
    void defaultsAreTheSdkEndpointAndTwoAndTenSecondTimeouts() {
        CodeSequencerClient.Config defaults = CodeSequencerClient.Config.defaults();
        assertEquals(URI.create("https://cash.getcode.com/v1/api/"), defaults.endpoint());
        assertEquals(Duration.ofSeconds(2), defaults.connectTimeout());
        assertEquals(Duration.ofSeconds(10), defaults.requestTimeout());
    }
}
