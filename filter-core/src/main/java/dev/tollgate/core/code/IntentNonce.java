package dev.tollgate.core.code;

import dev.tollgate.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The 11-byte nonce at the end of the scan-code payload. Its base58 form is the {@code clientSecret} handed to
 * the browser, which is all the browser needs (with amount and currency) to rebuild the same intent.
 */
public final class IntentNonce {

    public static final int LENGTH = 11;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] value;

    private IntentNonce(byte[] value) {
        if (value.length != LENGTH) {
            throw new IllegalArgumentException("nonce must be " + LENGTH + " bytes, got " + value.length);
        }
        this.value = value.clone();
    }

    /**
     * Deterministic nonce from a merchant idempotency key, so retrying a create yields the same intent id:
     * the first 11 bytes of SHA-256 over the key's UTF-8 bytes (what the SDK does with a JS string).
     */
    public static IntentNonce fromIdempotencyKey(String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isEmpty()) {
            throw new IllegalArgumentException("idempotency key must not be empty");
        }
        return new IntentNonce(Arrays.copyOf(sha256(idempotencyKey.getBytes(StandardCharsets.UTF_8)), LENGTH));
    }

    /** Re-creates the nonce of an intent from the client secret the browser holds. */
    public static IntentNonce fromClientSecret(String clientSecret) {
        if (clientSecret == null || clientSecret.isEmpty()) {
            throw new IllegalArgumentException("client secret must not be empty");
        }
        return new IntentNonce(Base58.decode(clientSecret, LENGTH, "client secret"));
    }

    public static IntentNonce random() {
        byte[] bytes = new byte[LENGTH];
        RANDOM.nextBytes(bytes);
        return new IntentNonce(bytes);
    }

    public static IntentNonce of(byte[] value) {
        return new IntentNonce(value);
    }

    public byte[] bytes() {
        return value.clone();
    }

    public String clientSecret() {
        return Base58.encode(value);
    }

    static byte[] sha256(byte[] input) {
        return Sha256.of(input);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IntentNonce that && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    /** Deliberately not the secret itself: logs must not leak what lets anyone rebuild the rendezvous key. */
    @Override
    public String toString() {
        return "IntentNonce[redacted]";
    }
}
