package dev.tollgate.core.evm;

import dev.tollgate.core.wire.ExactEvmPermit2Payload;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The {@code permit2Authorization} of an x402 exact-EVM payload (asset transfer method permit2): the Permit2
 * {@code PermitWitnessTransferFrom} message the payer signed, whose witness carries the recipient and the start
 * of the validity window. Integers are uint256.
 */
public record Permit2Authorization(
        EvmAddress token,
        BigInteger amount,
        EvmAddress from,
        EvmAddress spender,
        BigInteger nonce,
        BigInteger deadline,
        EvmAddress to,
        BigInteger validAfter) {

    public Permit2Authorization {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(spender, "spender");
        Objects.requireNonNull(to, "to");
        Uint256.check("amount", amount);
        Uint256.check("nonce", nonce);
        Uint256.check("deadline", deadline);
        Uint256.check("validAfter", validAfter);
    }

    /**
     * From the payload's strings. Throws {@link IllegalArgumentException} naming the field (its path below
     * {@code permit2Authorization}) when one is missing or malformed.
     */
    public static Permit2Authorization parse(ExactEvmPermit2Payload.Permit2Authorization a) {
        if (a == null) {
            throw new IllegalArgumentException("permit2Authorization is missing");
        }
        ExactEvmPermit2Payload.TokenPermissions permitted = a.permitted();
        ExactEvmPermit2Payload.Witness witness = a.witness();
        return new Permit2Authorization(
                address("permitted.token", permitted == null ? null : permitted.token()),
                uint("permitted.amount", permitted == null ? null : permitted.amount()),
                address("from", a.from()),
                address("spender", a.spender()),
                uint("nonce", a.nonce()),
                uint("deadline", a.deadline()),
                address("witness.to", witness == null ? null : witness.to()),
                uint("witness.validAfter", witness == null ? null : witness.validAfter()));
    }

    private static EvmAddress address(String field, String text) {
        if (text == null) {
            throw new IllegalArgumentException("permit2Authorization." + field + " is missing");
        }
        try {
            return EvmAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("permit2Authorization." + field + ": " + e.getMessage(), e);
        }
    }

    private static BigInteger uint(String field, String text) {
        if (text == null) {
            throw new IllegalArgumentException("permit2Authorization." + field + " is missing");
        }
        return Uint256.parse("permit2Authorization." + field, text);
    }
}
