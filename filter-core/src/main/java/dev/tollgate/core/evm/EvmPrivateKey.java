package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A secp256k1 private key for a payer (demo clients, tests). {@link #toString()} shows only the
 * address, so a key that ends up in a log line does not leak.
 */
public final class EvmPrivateKey {

    private final BigInteger secret;
    private final ECPoint publicKey;
    private final EvmAddress address;

    private EvmPrivateKey(BigInteger secret) {
        if (secret.signum() <= 0 || secret.compareTo(Secp256k1.N) >= 0) {
            throw new IllegalArgumentException("private key must be in [1, n-1]");
        }
        this.secret = secret;
        this.publicKey = Secp256k1.publicKey(secret);
        this.address = Secp256k1.address(publicKey);
    }

    /** Parses 0x + 64 hex digits. The error message never repeats the input. */
    public static EvmPrivateKey fromHex(String hex) {
        byte[] bytes;
        try {
            bytes = Hex.decode(hex, 32);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("private key must be 0x followed by 64 hex digits");
        }
        return new EvmPrivateKey(new BigInteger(1, bytes));
    }

    /** A fresh random key. */
    public static EvmPrivateKey generate(SecureRandom random) {
        while (true) {
            BigInteger candidate = new BigInteger(256, random);
            if (candidate.signum() > 0 && candidate.compareTo(Secp256k1.N) < 0) {
                return new EvmPrivateKey(candidate);
            }
        }
    }

    public EvmAddress address() {
        return address;
    }

    public ECPoint publicKey() {
        return publicKey;
    }

    /** Package-private: only the signer needs the scalar. */
    BigInteger secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "EvmPrivateKey[address=" + address + "]";
    }
}
