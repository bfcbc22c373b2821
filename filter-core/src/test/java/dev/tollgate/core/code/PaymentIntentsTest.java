package dev.tollgate.core.code;

import static dev.tollgate.core.code.CodeVectors.hex;
import static dev.tollgate.core.code.CodeVectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PaymentIntentsTest {

    private static final JsonNode VECTOR = CodeVectors.paymentIntent();
    private static final String DESTINATION = text(VECTOR, "destination");

    /** The signature from the SDK's own "sign" test; it is also the tail of the sendMessage envelope vector. */
    private static final String SDK_SIGNATURE = "6767c3f20942e23062b65eacff54a65d8aaff5a27944ec108e2edda0a146e031"
            + "32424a2bf72745b3820f8cb23bff2f68384b4bc1e202fb34b70829ecdacd150e";

    private static PaymentIntent vectorIntent() {
        return PaymentIntents.withIdempotencyKey(DESTINATION, VECTOR.get("amount").asDouble(),
                text(VECTOR, "currency"), text(VECTOR, "idempotencyKey"));
    }

    @Test
    void idempotencyKeyNonceIsTheFirstElevenBytesOfItsSha256() {
        JsonNode vector = CodeVectors.ROOT.path("idempotencyKey");
        assertArrayEquals(hex(vector, "nonce"), IntentNonce.fromIdempotencyKey(text(vector, "key")).bytes());
        assertArrayEquals(hex(VECTOR, "nonce"), IntentNonce.fromIdempotencyKey("1234").bytes());
    }

    @Test
    void clientSecretIsTheBase58Nonce() {
        assertEquals(text(VECTOR, "clientSecret"), vectorIntent().clientSecret());
    }

    @Test
    void clientSecretDecodesBackToTheSameNonce() {
        assertArrayEquals(hex(VECTOR, "nonce"), IntentNonce.fromClientSecret(text(VECTOR, "clientSecret")).bytes());
    }

    @Test
    void payloadMatchesTheVector() {
        assertEquals(text(VECTOR, "payload"), hex(vectorIntent().payload().toByteArray()));
    }

    @Test
    void payloadCarriesKindCurrencyIndexAndLittleEndianCents() {
        byte[] payload = vectorIntent().payload().toByteArray();
        assertEquals(20, payload.length);
        assertEquals(2, payload[0]);
        assertEquals(VECTOR.get("currencyIndex").asInt(), payload[1] & 0xFF);
        assertEquals(1000, (payload[2] & 0xFF) | (payload[3] & 0xFF) << 8);
    }

    @Test
    void rendezvousPublicKeyMatchesTheVector() {
        assertEquals(text(VECTOR, "rendezvousPublicKey"), hex(vectorIntent().rendezvousPublicKey().toByteArray()));
    }

    @Test
    void intentIdIsTheBase58RendezvousPublicKey() {
        assertEquals(text(VECTOR, "intentId"), vectorIntent().id());
        assertEquals(text(VECTOR, "intentId"), Base58.encode(hex(VECTOR, "rendezvousPublicKey")));
    }

    @Test
    void signedMessageMatchesTheVector() {
        assertEquals(text(VECTOR, "message"), hex(vectorIntent().message().toByteArray()));
    }

    @Test
    void signatureMatchesTheSdkSignTest() {
        assertEquals(SDK_SIGNATURE, hex(vectorIntent().signature().toByteArray()));
    }

    @Test
    void signatureVerifiesAgainstTheRendezvousKey() {
        PaymentIntent intent = vectorIntent();
        assertTrue(RendezvousKey.verify(intent.rendezvousPublicKey().toByteArray(),
                intent.message().toByteArray(), intent.signature().toByteArray()));
    }

    @Test
    void rendezvousKeyFromAKnownSeedMatchesTheVector() {
        JsonNode key = CodeVectors.ROOT.path("keys").get(0);
        assertEquals(text(key, "publicKeyBase58"), RendezvousKey.fromSeed(hex(key, "seed")).intentId());
    }

    @Test
    void kinRequestCarriesExactExchangeDataAsInTheSdkTest() {
        // From the SDK's "should return correct protobuf bytes for KIN" test: 54321.6789 kin is sent as
        // 54321.68 at rate 1 with 5432168000 quarks.
        PaymentIntent intent = PaymentIntents.random("2q7pyhPwAwZ3QMfZrnAbDhnh9mDUqycszcpf86VgQxhF", 54321.6789, "kin");
        assertEquals("2a430a220a201b2f49096e3e5dbd0fcfa9c0c0cd92d9ab3b21544b34d5dd4a65d98b878b9922121d0a036b696e"
                + "11000000000000f03f19295c8fc23586ea4020c09ca19e14", hex(intent.message().toByteArray()));
        assertEquals(new BigDecimal("54321.68"), intent.amount());
    }

    @Test
    void sameClientSecretRebuildsTheSameIntent() {
        PaymentIntent original = PaymentIntents.random(DESTINATION, 0.25, "usd");
        PaymentIntent rebuilt = PaymentIntents.withClientSecret(DESTINATION, 0.25, "usd", original.clientSecret());
        assertEquals(original, rebuilt);
    }

    @Test
    void randomNoncesGiveDifferentIntents() {
        assertNotEquals(PaymentIntents.random(DESTINATION, 1, "usd").id(),
                PaymentIntents.random(DESTINATION, 1, "usd").id());
    }

    @Test
    void amountIsRoundedLikeJavaScriptBeforeEncoding() {
        PaymentIntent intent = PaymentIntents.withIdempotencyKey(DESTINATION, 1.005, "usd", "k");
        assertEquals(new BigDecimal("1.00"), intent.amount());
        assertEquals(PaymentIntents.withIdempotencyKey(DESTINATION, 1.00, "usd", "k").id(), intent.id());
        assertEquals(new BigDecimal("2.67"), PaymentIntents.withIdempotencyKey(DESTINATION, 2.675, "usd", "k").amount());
    }

    @Test
    void decimalAmountsWithMoreThanTwoDecimalsAreRefused() {
        IntentNonce nonce = IntentNonce.random();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaymentIntents.create(DESTINATION, new BigDecimal("1.005"), "usd", nonce));
        assertTrue(e.getMessage().contains("more than two decimals"), e.getMessage());
        assertEquals(vectorIntent().id(), PaymentIntents.create(DESTINATION, new BigDecimal("10.00"), "usd",
                IntentNonce.fromIdempotencyKey("1234")).id());
    }

    @Test
    void amountBelowTheMinimumIsRefusedWithTheMinimumInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaymentIntents.random(DESTINATION, 0.04, "usd"));
        assertEquals("amount 0.04 usd is below the minimum of 0.05 usd", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PaymentIntents.random(DESTINATION, 0.044, "eur"));
        assertThrows(IllegalArgumentException.class, () -> PaymentIntents.random(DESTINATION, 0.01, "gbp"));
        assertThrows(IllegalArgumentException.class, () -> PaymentIntents.random(DESTINATION, 0.01, "CAD"));
    }

    @Test
    void minimumAmountItselfIsAccepted() {
        assertEquals(new BigDecimal("0.05"), PaymentIntents.random(DESTINATION, 0.05, "usd").amount());
    }

    @Test
    void minimumIsCheckedAfterRoundingAsTheBrowserWouldRound() {
        assertEquals(new BigDecimal("0.05"), PaymentIntents.random(DESTINATION, 0.049, "eur").amount());
    }

    @Test
    void amountThatRoundsToZeroIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaymentIntents.random(DESTINATION, 0.004, "kin"));
        assertTrue(e.getMessage().startsWith("amount must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PaymentIntents.random(DESTINATION, -1, "kin"));
        assertThrows(IllegalArgumentException.class, () -> PaymentIntents.random(DESTINATION, Double.NaN, "usd"));
    }

    @Test
    void amountTooLargeForSevenBytesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaymentIntents.random(DESTINATION, 1e18, "usd"));
        assertTrue(e.getMessage().endsWith("is too large"), e.getMessage());
    }

    @Test
    void unknownCurrencyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaymentIntents.random(DESTINATION, 1, "doge"));
        assertEquals("unsupported currency: 'doge'", e.getMessage());
    }

    @Test
    void destinationMustBeA32ByteBase58Address() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaymentIntents.random("not-base58!", 1, "usd"));
        assertTrue(e.getMessage().startsWith("invalid destination"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PaymentIntents.random("2", 1, "usd"));
    }

    @Test
    void clientSecretOfTheWrongLengthIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaymentIntents.withClientSecret(DESTINATION, 1, "usd", "2"));
        assertEquals("client secret must decode to 11 bytes, got 1", e.getMessage());
    }

    @Test
    void toStringDoesNotRevealTheClientSecret() {
        PaymentIntent intent = vectorIntent();
        assertTrue(!intent.toString().contains(intent.clientSecret()), intent.toString());
    }
}
