package dev.tollgate.core.evm;

/**
 * The invalidReason strings of the local exact-EVM checks, one per check and in the order they run (the value
 * check has a name in each protocol generation). Implementations spell some of these differently; callers should
 * treat reasons as open strings.
 */
public enum ExactEvmInvalidReason {
    UNSUPPORTED_SCHEME("unsupported_scheme"),
    /** The requirement's extra lacks the token's EIP-712 name or version, so no digest can be built. */
    MISSING_EIP712_DOMAIN("missing_eip712_domain"),
    INVALID_NETWORK("invalid_network"),
    INVALID_SIGNATURE("invalid_exact_evm_payload_signature"),
    RECIPIENT_MISMATCH("invalid_exact_evm_payload_recipient_mismatch"),
    VALID_BEFORE("invalid_exact_evm_payload_authorization_valid_before"),
    VALID_AFTER("invalid_exact_evm_payload_authorization_valid_after"),
    /** The v1 specification's name for an authorization of another value than the required amount. */
    VALUE("invalid_exact_evm_payload_authorization_value"),
    /** The v2 specification's name for the same check ("does not exactly match the required amount"). */
    VALUE_MISMATCH("invalid_exact_evm_payload_authorization_value_mismatch"),
    // The asset transfer method permit2, in the reference facilitators' words; checked in this order.
    PERMIT2_INVALID_SIGNATURE("invalid_permit2_signature"),
    PERMIT2_INVALID_SPENDER("invalid_permit2_spender"),
    PERMIT2_RECIPIENT_MISMATCH("invalid_permit2_recipient_mismatch"),
    PERMIT2_DEADLINE_EXPIRED("permit2_deadline_expired"),
    PERMIT2_NOT_YET_VALID("permit2_not_yet_valid"),
    PERMIT2_AMOUNT_MISMATCH("permit2_amount_mismatch"),
    PERMIT2_TOKEN_MISMATCH("permit2_token_mismatch");

    private final String code;

    ExactEvmInvalidReason(String code) {
        this.code = code;
    }

    /** The snake_case string put on the wire. */
    public String code() {
        return code;
    }

    /** The refusal of another value than the required amount, as protocol version {@code x402Version} names it. */
    public static ExactEvmInvalidReason value(int x402Version) {
        return x402Version >= 2 ? VALUE_MISMATCH : VALUE;
    }
}
