package dev.tollgate.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CodeWebhookVerifierTest {

    private static final String TOKEN = CodeVectors.text(CodeVectors.webhookJwt(), "token");
    private static final String[] PARTS = TOKEN.split("\\.");

    /** A key of our own, to sign tokens the Code key never signed. */
    private static final RendezvousKey TEST_KEY = RendezvousKey.fromSeed(new byte[32]);

    private final CodeWebhookVerifier verifier = new CodeWebhookVerifier();

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String signedByTestKey(String headerJson, String payloadJson) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        byte[] signature = TEST_KEY.sign(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static void assertRejected(CodeWebhookVerifier verifier, String token, String reason) {
        WebhookVerificationException e = assertThrows(WebhookVerificationException.class, () -> verifier.verify(token));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void defaultKeyIsCodesPublishedWebhookKey() {
        assertEquals(CodeVectors.text(CodeVectors.webhookJwt(), "issuerKeyBase58"), CodeWebhookVerifier.CODE_WEBHOOK_KEY);
    }

    @Test
    void vectorTokenVerifiesAndYieldsItsClaims() {
        CodeWebhookClaims claims = verifier.verify(TOKEN);

        assertEquals("9joz92rMXnS8NuK9Y3PnukdVi1W7S9cs388CTQxxg6r6", claims.intent());
        assertEquals("USD", claims.currency());
        assertEquals(new BigDecimal("0.01"), claims.amount());
        assertEquals(new BigDecimal("0.00000893"), claims.exchangeRate());
        assertEquals(112_000_000L, claims.quarks());
        assertEquals("E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR", claims.destination());
        assertTrue(claims.isSubmitted());
        assertEquals(7, claims.all().size());
    }

    @Test
    void tamperedPayloadFailsTheSignature() {
        String payload = new String(Base64.getUrlDecoder().decode(PARTS[1]), StandardCharsets.UTF_8)
                .replace("\"amount\":0.01", "\"amount\":100");
        assertRejected(verifier, PARTS[0] + "." + b64(payload) + "." + PARTS[2], "bad signature");
    }

    @Test
    void tamperedSignatureFails() {
        byte[] signature = Base64.getUrlDecoder().decode(PARTS[2]);
        signature[10] ^= 0x01;
        String forged = PARTS[0] + "." + PARTS[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        assertRejected(verifier, forged, "bad signature");
    }

    @Test
    void truncatedSignatureFails() {
        byte[] signature = Arrays.copyOf(Base64.getUrlDecoder().decode(PARTS[2]), 63);
        String forged = PARTS[0] + "." + PARTS[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        assertRejected(verifier, forged, "bad signature");
    }

    @Test
    void tokenSignedByAnotherKeyFails() {
        String token = signedByTestKey("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}", "{\"state\":\"SUBMITTED\"}");
        assertRejected(verifier, token, "bad signature");
    }

    @Test
    void tokenSignedByAConfiguredKeyVerifies() {
        CodeWebhookVerifier own = new CodeWebhookVerifier(TEST_KEY.intentId());
        String token = signedByTestKey("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}", "{\"intent\":\"x\",\"state\":\"SUBMITTED\"}");
        assertEquals("x", own.verify(token).intent());
    }

    @Test
    void algNoneIsRejected() {
        String token = b64("{\"alg\":\"none\"}") + "." + PARTS[1] + "." + PARTS[2];
        assertRejected(verifier, token, "unsupported alg");
    }

    @Test
    void hmacAlgIsRejected() {
        String token = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + PARTS[1] + "." + PARTS[2];
        assertRejected(verifier, token, "unsupported alg");
    }

    @Test
    void missingAlgIsRejected() {
        String token = b64("{\"typ\":\"JWT\"}") + "." + PARTS[1] + "." + PARTS[2];
        assertRejected(verifier, token, "unsupported alg");
    }

    @Test
    void criticalExtensionsAreRejected() {
        CodeWebhookVerifier own = new CodeWebhookVerifier(TEST_KEY.intentId());
        String token = signedByTestKey("{\"alg\":\"EdDSA\",\"crit\":[\"b64\"],\"b64\":false}", "{}");
        assertRejected(own, token, "critical");
    }

    @Test
    void wrongNumberOfPartsIsMalformed() {
        assertRejected(verifier, PARTS[0] + "." + PARTS[1], "expected 3 parts");
        assertRejected(verifier, TOKEN + ".x", "expected 3 parts");
        assertRejected(verifier, "", "malformed");
    }

    @Test
    void emptySignatureIsMalformed() {
        assertRejected(verifier, PARTS[0] + "." + PARTS[1] + ".", "empty signature");
    }

    @Test
    void nonBase64UrlCharactersAreMalformed() {
        assertRejected(verifier, PARTS[0] + "." + PARTS[1] + "." + PARTS[2].replace('_', '/'), "not base64url");
    }

    @Test
    void paddedBase64IsMalformed() {
        assertRejected(verifier, PARTS[0] + "==." + PARTS[1] + "." + PARTS[2], "padded");
    }

    @Test
    void headerThatIsNotJsonIsMalformed() {
        assertRejected(verifier, b64("EdDSA") + "." + PARTS[1] + "." + PARTS[2], "not valid JSON");
    }

    @Test
    void duplicateClaimsAreMalformed() {
        CodeWebhookVerifier own = new CodeWebhookVerifier(TEST_KEY.intentId());
        String token = signedByTestKey("{\"alg\":\"EdDSA\"}", "{\"amount\":1,\"amount\":100}");
        assertRejected(own, token, "not valid JSON");
    }

    @Test
    void oversizedTokenIsMalformed() {
        assertRejected(verifier, "a".repeat(CodeWebhookVerifier.MAX_TOKEN_LENGTH + 1), "longer than");
    }

    @Test
    void expiredTokenIsRejected() {
        Clock now = Clock.fixed(Instant.ofEpochSecond(2_000), ZoneOffset.UTC);
        CodeWebhookVerifier own = new CodeWebhookVerifier(TEST_KEY.intentId(), now);
        assertRejected(own, signedByTestKey("{\"alg\":\"EdDSA\"}", "{\"exp\":1999}"), "expired");
        assertEquals(null, own.verify(signedByTestKey("{\"alg\":\"EdDSA\"}", "{\"exp\":2001}")).intent());
    }

    @Test
    void webhookKeyMustBeThirtyTwoBytes() {
        assertThrows(IllegalArgumentException.class, () -> new CodeWebhookVerifier("2"));
    }
}
