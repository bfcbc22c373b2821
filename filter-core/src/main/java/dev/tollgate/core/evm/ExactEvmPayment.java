package dev.tollgate.core.evm;

import java.util.Objects;

/**
 * What the client sent: the payload's scheme and network (v1: top level; v2: {@code accepted}), the
 * parsed authorization and the signature as it arrived (0x hex).
 */
public record ExactEvmPayment(
        String scheme, String network, ExactEvmAuthorization authorization, String signature) {

    public ExactEvmPayment {
        Objects.requireNonNull(authorization, "authorization");
    }
}
