package dev.tollgate.core.wire;

/** The EVM "exact" scheme payload: an EIP-3009 {@code transferWithAuthorization} and its signature. */
public record ExactEvmPayload(String signature, Authorization authorization) {

    /** Integers are decimal strings and {@code nonce} is 32 bytes of hex, exactly as signed. */
    public record Authorization(
            String from, String to, String value, String validAfter, String validBefore, String nonce) {
    }
}
