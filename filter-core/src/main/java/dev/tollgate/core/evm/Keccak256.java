package dev.tollgate.core.evm;

import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Ethereum's keccak256: the original Keccak padding, not the NIST SHA3-256 one, so
 * {@code MessageDigest.getInstance("SHA3-256")} would give different (wrong) hashes.
 */
public final class Keccak256 {

    private Keccak256() {
    }

    /** keccak256 of the concatenation of {@code parts}, without copying them into one array. */
    public static byte[] hash(byte[]... parts) {
        KeccakDigest digest = new KeccakDigest(256);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }
}
