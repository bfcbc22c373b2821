package dev.tollgate.core.code;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies the compact JWS a Code webhook carries ({@code Content-Type: application/jwt}): EdDSA over
 * Ed25519, signed by Code's webhook key. Only the signature makes a webhook trustworthy; the caller must
 * still match intent, amount and currency against its own records.
 *
 * <p>Strict on purpose: exactly three base64url parts without padding, {@code alg} exactly {@code EdDSA}
 * (no "none", no HMAC with the public key as secret), no {@code crit} extensions, no duplicate JSON keys, a
 * size limit, and {@code exp}/{@code nbf} honoured when present (Code's tokens carry neither today).
 */
public final class CodeWebhookVerifier {

    /** The key Code signs webhooks with, as published in the SDK documentation. */
    public static final String CODE_WEBHOOK_KEY = "codeHy87wGD5oMRLG75qKqsSi1vWE3oxNyYmXo5F9YR";

    static final int MAX_TOKEN_LENGTH = 8 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final byte[] publicKey;
    private final Clock clock;

    public CodeWebhookVerifier() {
        this(CODE_WEBHOOK_KEY);
    }

    public CodeWebhookVerifier(String base58PublicKey) {
        this(base58PublicKey, Clock.systemUTC());
    }

    public CodeWebhookVerifier(String base58PublicKey, Clock clock) {
        this.publicKey = Base58.decode(Objects.requireNonNull(base58PublicKey, "public key"),
                RendezvousKey.PUBLIC_KEY_LENGTH, "webhook public key");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @return the claims, only if the token is well-formed, EdDSA, and signed by the configured key
     * @throws WebhookVerificationException naming the first problem found
     */
    public CodeWebhookClaims verify(String token) {
        if (token == null || token.isEmpty()) {
            throw new WebhookVerificationException("malformed token: empty");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new WebhookVerificationException("malformed token: longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new WebhookVerificationException("malformed token: expected 3 parts, got " + parts.length);
        }
        JsonNode header = json(base64Url(parts[0], "header"), "header");
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || !"EdDSA".equals(alg.asText())) {
            throw new WebhookVerificationException("unsupported alg: " + (alg == null ? "none given" : alg.toString())
                    + ", expected \"EdDSA\"");
        }
        if (header.has("crit")) {
            throw new WebhookVerificationException("unsupported critical header extensions: " + header.get("crit"));
        }
        byte[] signature = base64Url(parts[2], "signature");
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!Ed25519.verify(publicKey, signingInput, signature)) {
            throw new WebhookVerificationException("bad signature: not signed by " + Base58.encode(publicKey));
        }
        JsonNode claims = json(base64Url(parts[1], "payload"), "payload");
        checkTimes(claims);
        return toClaims(claims);
    }

    private void checkTimes(JsonNode claims) {
        long now = clock.instant().getEpochSecond();
        JsonNode exp = claims.get("exp");
        if (exp != null && (!exp.isNumber() || now >= exp.asLong())) {
            throw new WebhookVerificationException("token expired or has an invalid exp: " + exp);
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && (!nbf.isNumber() || now < nbf.asLong())) {
            throw new WebhookVerificationException("token not valid yet or has an invalid nbf: " + nbf);
        }
    }

    @SuppressWarnings("unchecked")
    private static CodeWebhookClaims toClaims(JsonNode claims) {
        JsonNode quarks = claims.get("quarks");
        if (quarks != null && !quarks.canConvertToExactIntegral()) {
            throw new WebhookVerificationException("malformed claims: quarks is not an integer: " + quarks);
        }
        return new CodeWebhookClaims(
                text(claims, "intent"),
                text(claims, "currency"),
                decimal(claims, "amount"),
                decimal(claims, "exchangeRate"),
                quarks == null ? null : quarks.longValue(),
                text(claims, "destination"),
                text(claims, "state"),
                JSON.convertValue(claims, Map.class));
    }

    private static String text(JsonNode claims, String name) {
        JsonNode value = claims.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new WebhookVerificationException("malformed claims: " + name + " is not a string");
        }
        return value.asText();
    }

    private static BigDecimal decimal(JsonNode claims, String name) {
        JsonNode value = claims.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new WebhookVerificationException("malformed claims: " + name + " is not a number");
        }
        return value.decimalValue();
    }

    private static byte[] base64Url(String part, String what) {
        if (part.isEmpty()) {
            throw new WebhookVerificationException("malformed token: empty " + what);
        }
        // JWS uses unpadded base64url; the JDK decoder would also accept '=' padding, so refuse it here.
        if (part.indexOf('=') >= 0) {
            throw new WebhookVerificationException("malformed token: " + what + " is padded base64");
        }
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new WebhookVerificationException("malformed token: " + what + " is not base64url", e);
        }
    }

    private static JsonNode json(byte[] bytes, String what) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new WebhookVerificationException("malformed token: " + what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new WebhookVerificationException("malformed token: " + what + " is not valid JSON", e);
        } catch (java.io.IOException e) {
            throw new WebhookVerificationException("malformed token: " + what + " could not be read", e);
        }
    }
}
