package dev.tollgate.core.evm;

/** Why a 65-byte r||s||v signature was refused before or during public-key recovery. */
public enum SignatureDefect {
    /** Not 0x-prefixed hex. */
    MALFORMED_HEX("signature is not 0x-prefixed hex"),
    /** Not 65 bytes: not an externally owned account's; a smart wallet's (ERC-1271/ERC-6492) may be any length. */
    WRONG_LENGTH("signature must be 65 bytes r||s||v"),
    /** v is neither 27/28 nor the bare y-parity 0/1. */
    INVALID_V("signature v must be 27, 28, 0 or 1"),
    /** r is zero or not below the group order n. */
    R_OUT_OF_RANGE("signature r must be in [1, n-1]"),
    /** s is zero or not below the group order n. */
    S_OUT_OF_RANGE("signature s must be in [1, n-1]"),
    /**
     * s above n/2. EIP-2 made such signatures invalid for transactions, and USDC's EIP-3009 recovery
     * rejects them too: accepting one would approve a payment the token contract will refuse to settle.
     */
    HIGH_S("signature s is above n/2 (malleable high-s form, EIP-2)"),
    /** r is not the x-coordinate of a curve point, or the recovered key is the point at infinity. */
    NOT_RECOVERABLE("no public key can be recovered from this signature");

    private final String message;

    SignatureDefect(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}
