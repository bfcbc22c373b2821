package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * The {@code authorization} of an x402 exact-EVM payload: the EIP-3009 TransferWithAuthorization
 * message the payer signed. Integers are uint256; {@code nonce} is 32 bytes.
 */
public record ExactEvmAuthorization(
        EvmAddress from,
        EvmAddress to,
        BigInteger value,
        BigInteger validAfter,
        BigInteger validBefore,
        byte[] nonce) {

    public static final int NONCE_LENGTH = 32;

    public ExactEvmAuthorization {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Uint256.check("value", value);
        Uint256.check("validAfter", validAfter);
        Uint256.check("validBefore", validBefore);
        Objects.requireNonNull(nonce, "nonce");
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce must be 32 bytes, got " + nonce.length);
        }
        nonce = nonce.clone();
    }

    /**
     * Builds an authorization from the payload's JSON strings. Addresses are 0x hex; integers are decimal
     * or 0x hex; the nonce is 0x + 64 hex digits. Throws {@link IllegalArgumentException} naming the
     * field, which the caller should answer as a malformed payload (HTTP 400).
     */
    public static ExactEvmAuthorization parse(
            String from, String to, String value, String validAfter, String validBefore, String nonce) {
        return new ExactEvmAuthorization(
                address("from", from),
                address("to", to),
                Uint256.parse("value", value),
                Uint256.parse("validAfter", validAfter),
                Uint256.parse("validBefore", validBefore),
                nonceBytes(nonce));
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    public String nonceHex() {
        return Hex.encode(nonce);
    }

    /** A copy with another nonce; handy for payers and tests. */
    public ExactEvmAuthorization withNonce(byte[] otherNonce) {
        return new ExactEvmAuthorization(from, to, value, validAfter, validBefore, otherNonce);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExactEvmAuthorization that
                && from.equals(that.from)
                && to.equals(that.to)
                && value.equals(that.value)
                && validAfter.equals(that.validAfter)
                && validBefore.equals(that.validBefore)
                && Arrays.equals(nonce, that.nonce);
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, to, value, validAfter, validBefore, Arrays.hashCode(nonce));
    }

    @Override
    public String toString() {
        return "ExactEvmAuthorization[from=" + from + ", to=" + to + ", value=" + value
                + ", validAfter=" + validAfter + ", validBefore=" + validBefore + ", nonce=" + nonceHex() + "]";
    }

    private static EvmAddress address(String field, String text) {
        try {
            return EvmAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static byte[] nonceBytes(String text) {
        try {
            return Hex.decode(text, NONCE_LENGTH);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nonce: " + e.getMessage(), e);
        }
    }
}
