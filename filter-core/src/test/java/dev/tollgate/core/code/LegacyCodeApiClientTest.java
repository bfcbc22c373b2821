package dev.tollgate.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LegacyCodeApiClientTest {

    private static final String DESTINATION = "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR";

    private CodeSequencerDouble sequencer;
    private CodeIntentApi client;

    @BeforeEach
    void startSequencer() {
        sequencer = CodeSequencerDouble.start();
        client = CodeIntentApi.create(CodeIntentApi.Flavor.LEGACY_JSON,
                LegacyCodeApiClient.defaults().withEndpoint(sequencer.legacyEndpoint()));
    }

    @AfterEach
    void stopSequencer() {
        sequencer.close();
    }

    @Test
    void switchSelectsTheLegacyClient() {
        assertInstanceOf(LegacyCodeApiClient.class, client);
        assertEquals(URI.create("https://api.getcode.com/v1/"), LegacyCodeApiClient.defaults().endpoint());
    }

    @Test
    void createdIntentIsPendingUntilSubmittedThenConfirmed() {
        PaymentIntent intent = client.createIntent(PaymentIntents.random(DESTINATION, 0.5, "usd"));
        assertEquals(IntentStatus.State.PENDING, client.getStatus(intent.id()).state());
        assertEquals(0.5, sequencer.intent(intent.id()).orElseThrow().amount());

        sequencer.markSubmitted(intent.id());

        assertTrue(client.getStatus(intent.id()).isConfirmed());
    }

    @Test
    void badSignatureIsRefused() {
        PaymentIntent good = PaymentIntents.random(DESTINATION, 0.5, "usd");
        byte[] signature = good.signature().toByteArray();
        signature[5] ^= 1;
        PaymentIntent forged = new PaymentIntent(good.id(), good.clientSecret(), good.amount(), good.currency(),
                good.destination(), good.nonce(), good.payload(), good.rendezvousPublicKey(), good.message(),
                ByteString.copyFrom(signature));

        CodeApiException e = assertThrows(CodeApiException.class, () -> client.createIntent(forged));
        assertEquals(CodeApiException.Kind.REJECTED, e.kind());
    }

    @Test
    void unknownIntentDoesNotExist() {
        assertFalse(client.getStatus(PaymentIntents.random(DESTINATION, 1, "usd").id()).exists());
    }

    @Test
    void nonJsonReplyIsReportedMalformed() {
        sequencer.respondWith(200, "<html/>".getBytes());

        CodeApiException e = assertThrows(CodeApiException.class,
                () -> client.getStatus(PaymentIntents.random(DESTINATION, 1, "usd").id()));
        assertEquals(CodeApiException.Kind.MALFORMED, e.kind());
    }
}
