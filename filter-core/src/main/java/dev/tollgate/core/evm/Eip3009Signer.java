package dev.tollgate.core.evm;

import java.security.SecureRandom;

/** Payer side of the exact-EVM scheme: signs a TransferWithAuthorization (demo payer, tests). */
public final class Eip3009Signer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Eip3009Signer() {
    }

    /**
     * The 0x signature (r||s||v, low s, v 27/28) over the authorization in the token's domain.
     * Refuses an authorization whose {@code from} is not the key's address: the token would reject it.
     */
    public static String sign(EvmPrivateKey key, Eip712Domain domain, ExactEvmAuthorization authorization) {
        if (!key.address().equals(authorization.from())) {
            throw new IllegalArgumentException("authorization.from " + authorization.from()
                    + " is not the signing key's address " + key.address());
        }
        return Secp256k1.sign(TransferWithAuthorization.digest(domain, authorization), key).toHex();
    }

    /** A random 32-byte EIP-3009 nonce; uniqueness per payer is what prevents replay on chain. */
    public static byte[] randomNonce() {
        return randomNonce(RANDOM);
    }

    public static byte[] randomNonce(SecureRandom random) {
        byte[] nonce = new byte[ExactEvmAuthorization.NONCE_LENGTH];
        random.nextBytes(nonce);
        return nonce;
    }
}
