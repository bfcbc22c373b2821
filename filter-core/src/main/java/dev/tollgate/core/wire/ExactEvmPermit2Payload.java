package dev.tollgate.core.wire;

/**
 * The EVM "exact" scheme payload of the Permit2 asset transfer method: a Permit2 {@code PermitWitnessTransferFrom}
 * whose spender is the x402 Permit2 proxy, and its signature. Integers are decimal strings, as signed.
 */
public record ExactEvmPermit2Payload(String signature, Permit2Authorization permit2Authorization) {

    /** The signed message's fields: {@code witness} binds the recipient and the start of the validity window. */
    public record Permit2Authorization(TokenPermissions permitted, String from, String spender, String nonce,
                                       String deadline, Witness witness) {
    }

    public record TokenPermissions(String token, String amount) {
    }

    public record Witness(String to, String validAfter) {
    }
}
