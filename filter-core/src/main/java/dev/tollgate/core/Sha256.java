package dev.tollgate.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 for the whole core, one digest per thread: the ledger and the verification cache hash on every paid
 * request, where looking the algorithm up each time showed in profiles.
 */
public final class Sha256 {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

    private Sha256() {
    }

    /** This thread's digest, reset: feed it and finish with {@code digest()} before anything else on the thread hashes. */
    public static MessageDigest digest() {
        MessageDigest d = DIGEST.get();
        d.reset();
        return d;
    }

    public static byte[] of(byte[] input) {
        return digest().digest(input);
    }

    public static String hex(byte[] input) {
        return HexFormat.of().formatHex(of(input));
    }
}
