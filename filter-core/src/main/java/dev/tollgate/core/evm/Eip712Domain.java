package dev.tollgate.core.evm;

import java.util.Objects;

/**
 * The EIP-712 domain of an EIP-3009 token: {@code name} and {@code version} come from the
 * requirement's {@code extra}, {@code verifyingContract} is the requirement's {@code asset}.
 */
public record Eip712Domain(String name, String version, long chainId, EvmAddress verifyingContract) {

    public Eip712Domain {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(verifyingContract, "verifyingContract");
        if (chainId <= 0) {
            throw new IllegalArgumentException("chainId must be positive, got " + chainId);
        }
    }

    /** hashStruct(EIP712Domain); cacheable per token, it does not depend on the message. */
    public byte[] separator() {
        return Eip712.domainSeparator(this);
    }
}
