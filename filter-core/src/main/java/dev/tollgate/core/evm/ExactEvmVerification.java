package dev.tollgate.core.evm;

/**
 * Outcome of the local exact-EVM checks, shaped like a facilitator's /verify answer.
 *
 * @param valid               all local checks passed
 * @param invalidReason       snake_case reason of the first failed check, null when valid
 * @param invalidMessage      human-readable detail, null when valid
 * @param payer               authorization.from (EIP-55), also on failure, as reference facilitators do
 * @param onChainStateChecked always false here: payer balance, nonce state ({@code authorizationState})
 *                            and a settlement simulation were NOT checked; a valid result is not a
 *                            guarantee that settlement will succeed
 * @param contractSignature   every other check passed, but the signature is a smart wallet's (not the 65
 *                            bytes an externally owned account signs with): only the payer's contract can
 *                            judge it, on chain (ERC-1271, or ERC-6492 before the wallet is deployed). The
 *                            result is not valid, with the signature's reason; a facilitator can settle the
 *                            question
 */
public record ExactEvmVerification(boolean valid, String invalidReason, String invalidMessage, String payer,
                                   boolean onChainStateChecked, boolean contractSignature) {

    /** A result whose signature, if refused, is refused for good (not a smart wallet's). */
    public ExactEvmVerification(boolean valid, String invalidReason, String invalidMessage, String payer,
                                boolean onChainStateChecked) {
        this(valid, invalidReason, invalidMessage, payer, onChainStateChecked, false);
    }

    static ExactEvmVerification accepted(String payer) {
        return new ExactEvmVerification(true, null, null, payer, false, false);
    }

    static ExactEvmVerification refused(ExactEvmInvalidReason reason, String message, String payer) {
        return new ExactEvmVerification(false, reason.code(), message, payer, false, false);
    }

    static ExactEvmVerification contractSignature(String message, String payer) {
        return new ExactEvmVerification(false, ExactEvmInvalidReason.INVALID_SIGNATURE.code(), message, payer, false,
                true);
    }
}
