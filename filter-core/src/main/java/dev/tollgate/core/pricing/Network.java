package dev.tollgate.core.pricing;

import java.util.Objects;

/**
 * An EVM network as x402 names it in both generations (v1 name, v2 CAIP-2 id) with its default
 * stablecoin: the asset a dollar price is paid in, and the EIP-712 domain its authorizations are signed under.
 */
public record Network(
        String v1Name,
        String caip2,
        long chainId,
        String usdcAddress,
        int decimals,
        String eip712Name,
        String eip712Version) {
    /** A price scaled by more than this many decimal places would be no token anyone issues, and could overflow. */
    public static final int MAX_DECIMALS = 36;

    public Network {
        Objects.requireNonNull(v1Name, "v1Name");
        Objects.requireNonNull(caip2, "caip2");
        Objects.requireNonNull(usdcAddress, "usdcAddress");
        Objects.requireNonNull(eip712Name, "eip712Name");
        Objects.requireNonNull(eip712Version, "eip712Version");
        if (decimals < 0 || decimals > MAX_DECIMALS) {
            throw new IllegalArgumentException("decimals out of range: " + decimals);
        }
    }
}
