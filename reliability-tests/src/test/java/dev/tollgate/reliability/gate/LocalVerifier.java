package dev.tollgate.reliability.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.evm.ExactEvmPayment;
import dev.tollgate.core.evm.ExactEvmRequirement;
import dev.tollgate.core.evm.ExactEvmVerification;
import dev.tollgate.core.evm.LocalExactEvmVerifier;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.ExactEvmPayload;
import java.time.Clock;

/**
 * {@link LocalExactEvmVerifier} (real EIP-712 signature recovery and field checks) as a PaymentVerifier.
 * main has no such adapter yet (one is under way elsewhere); this one lives in the tests and maps the
 * server's option, never the client's copy, to the requirement.
 */
final class LocalVerifier implements PaymentVerifier {
    private final LocalExactEvmVerifier verifier;

    LocalVerifier(Clock clock) {
        this.verifier = new LocalExactEvmVerifier(clock);
    }

    @Override
    public VerifyOutcome verify(PaymentAttempt attempt) {
        PaymentOption o = attempt.option();
        ExactEvmPayload evm = attempt.evm();
        if (evm == null) {
            return new VerifyOutcome.Invalid("invalid_exact_evm_payload", "not an exact EVM payload");
        }
        boolean v1 = attempt.x402Version() == 1;
        JsonNode proof = attempt.paymentPayload();
        JsonNode named = v1 ? proof : proof.path("accepted");
        ExactEvmPayload.Authorization a = evm.authorization();
        ExactEvmAuthorization auth;
        try {
            auth = ExactEvmAuthorization.parse(a.from(), a.to(), a.value(), a.validAfter(), a.validBefore(), a.nonce());
        } catch (IllegalArgumentException e) {
            return new VerifyOutcome.Invalid("invalid_exact_evm_payload", e.getMessage());
        }
        ExactEvmPayment payment = new ExactEvmPayment(named.path("scheme").asText(), named.path("network").asText(),
                auth, evm.signature());
        ExactEvmRequirement requirement = new ExactEvmRequirement(o.scheme(),
                v1 ? o.network().v1Name() : o.network().caip2(), o.network().chainId(), EvmAddress.parse(o.asset()),
                o.eip712Name(), o.eip712Version(), EvmAddress.parse(o.payTo()), o.amount());
        ExactEvmVerification r = verifier.verify(requirement, payment);
        return r.valid() ? new VerifyOutcome.Valid(r.payer()) : new VerifyOutcome.Invalid(r.invalidReason(),
                r.invalidMessage());
    }
}
