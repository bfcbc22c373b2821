package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * An Ethereum ECDSA signature r||s||v in canonical form: r and s in [1, n-1], s <= n/2, and the
 * y-parity of the nonce point R. Constructing one is the validation step; recovery can then trust it.
 */
public record RecoverableSignature(BigInteger r, BigInteger s, int yParity) {

    public static final int LENGTH = 65;

    public RecoverableSignature {
        if (r.signum() <= 0 || r.compareTo(Secp256k1.N) >= 0) {
            throw new InvalidSignatureException(SignatureDefect.R_OUT_OF_RANGE);
        }
        if (s.signum() <= 0 || s.compareTo(Secp256k1.N) >= 0) {
            throw new InvalidSignatureException(SignatureDefect.S_OUT_OF_RANGE);
        }
        if (s.compareTo(Secp256k1.HALF_N) > 0) {
            throw new InvalidSignatureException(SignatureDefect.HIGH_S);
        }
        if (yParity != 0 && yParity != 1) {
            throw new InvalidSignatureException(SignatureDefect.INVALID_V, "y-parity must be 0 or 1, got " + yParity);
        }
    }

    /** Parses 65 bytes r(32) || s(32) || v(1), v being 27/28 (wallets) or 0/1 (bare y-parity). */
    public static RecoverableSignature fromBytes(byte[] signature) {
        if (signature.length != LENGTH) {
            throw new InvalidSignatureException(SignatureDefect.WRONG_LENGTH,
                    "signature must be 65 bytes r||s||v, got " + signature.length);
        }
        int v = signature[64] & 0xff;
        int yParity;
        if (v == 27 || v == 28) {
            yParity = v - 27;
        } else if (v == 0 || v == 1) {
            yParity = v;
        } else {
            throw new InvalidSignatureException(SignatureDefect.INVALID_V,
                    "signature v must be 27, 28, 0 or 1, got " + v);
        }
        return new RecoverableSignature(
                new BigInteger(1, Arrays.copyOfRange(signature, 0, 32)),
                new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)),
                yParity);
    }

    /** Parses the 0x hex form carried in x402 payloads. */
    public static RecoverableSignature fromHex(String signature) {
        byte[] bytes;
        try {
            bytes = Hex.decode(signature);
        } catch (IllegalArgumentException e) {
            throw new InvalidSignatureException(SignatureDefect.MALFORMED_HEX, "signature: " + e.getMessage());
        }
        return fromBytes(bytes);
    }

    /** r||s||v with v = 27 + yParity, the encoding wallets produce and USDC's contract accepts. */
    public byte[] toBytes() {
        byte[] out = new byte[LENGTH];
        System.arraycopy(Uint256.word(r), 0, out, 0, 32);
        System.arraycopy(Uint256.word(s), 0, out, 32, 32);
        out[64] = (byte) (27 + yParity);
        return out;
    }

    public String toHex() {
        return Hex.encode(toBytes());
    }
}
