package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What the resource server asked for, reduced to the facts the exact-EVM checks need.
 *
 * @param scheme  requirement scheme; must be "exact"
 * @param network requirement network id as offered ("base-sepolia" or "eip155:84532")
 * @param chainId the chain id of that network, part of the EIP-712 domain
 * @param asset   token contract: the domain's verifyingContract
 * @param name    {@code extra.name}, the token's EIP-712 name; null when absent
 * @param version {@code extra.version}; null when absent
 * @param payTo   the address the authorization must pay
 * @param amount  required amount in atomic units (v1 maxAmountRequired, v2 amount)
 */
public record ExactEvmRequirement(
        String scheme,
        String network,
        long chainId,
        EvmAddress asset,
        String name,
        String version,
        EvmAddress payTo,
        BigInteger amount) {

    public ExactEvmRequirement {
        Objects.requireNonNull(network, "network");
        if (chainId <= 0) {
            throw new IllegalArgumentException("chainId must be positive, got " + chainId);
        }
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(payTo, "payTo");
        Uint256.check("amount", amount);
    }
}
