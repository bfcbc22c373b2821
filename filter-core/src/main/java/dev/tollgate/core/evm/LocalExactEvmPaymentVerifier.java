package dev.tollgate.core.evm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.gate.AssetTransferMethod;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.ExactEvmPermit2Payload;
import dev.tollgate.core.wire.WireJson;
import java.time.Clock;
import java.util.Objects;

/**
 * A {@link PaymentVerifier} that runs {@link LocalExactEvmVerifier} in-process: no network round trip, no
 * facilitator. It vouches for the signature and the fields only, never for the chain (balance, unused
 * nonce, a Permit2 payer's allowance), and every {@link VerifyOutcome.Valid} it answers says so in its detail.
 * Both asset transfer methods are checked: EIP-3009 and, for an option that offers it, Permit2.
 *
 * <p>Alone it suits development; in production pair it with a settler that re-checks on chain, which is what
 * hybrid mode is: {@code TollgateConfig.builder().verifier(new LocalExactEvmPaymentVerifier(clock))
 * .facilitatorUrl(url)} verifies here and settles through the facilitator.
 *
 * <p>A smart wallet's signature (not 65 bytes: ERC-1271, or ERC-6492 before the wallet is deployed) can only
 * be checked on chain. Alone, this verifier refuses it and says why; given the facilitator's verifier
 * ({@link #withContractSignaturesFrom}, which a {@code Tollgate} with a facilitator does for it), it hands such
 * a proof, once every other check has passed, to the facilitator's {@code /verify}.
 */
public final class LocalExactEvmPaymentVerifier implements PaymentVerifier {

    /** The detail of every Valid outcome. */
    public static final String NOT_CHECKED_ON_CHAIN =
            "verified locally: signature and fields only; balance and nonce state on chain were not checked";

    /** A proof this verifier cannot read (another scheme, malformed authorization). */
    public static final String REASON_INVALID_PAYLOAD = "invalid_exact_evm_payload";

    private final LocalExactEvmVerifier verifier;
    private final Clock clock;
    private final PaymentVerifier contractSignatures;

    public LocalExactEvmPaymentVerifier(Clock clock) {
        this(clock, null);
    }

    private LocalExactEvmPaymentVerifier(Clock clock, PaymentVerifier contractSignatures) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.verifier = new LocalExactEvmVerifier(clock);
        this.contractSignatures = contractSignatures;
    }

    /**
     * This verifier, handing smart-wallet signatures to {@code onChain} (a facilitator's verifier) instead of
     * refusing them; itself when it already hands them to one.
     */
    public LocalExactEvmPaymentVerifier withContractSignaturesFrom(PaymentVerifier onChain) {
        Objects.requireNonNull(onChain, "onChain");
        return contractSignatures != null ? this : new LocalExactEvmPaymentVerifier(clock, onChain);
    }

    @Override
    public VerifyOutcome verify(PaymentAttempt attempt) {
        ExactEvmVerification result = check(attempt);
        if (result.valid()) {
            return new VerifyOutcome.Valid(result.payer(), null, NOT_CHECKED_ON_CHAIN);
        }
        if (result.contractSignature() && contractSignatures != null) {
            return contractSignatures.verify(attempt);
        }
        return new VerifyOutcome.Invalid(result.invalidReason(), result.invalidMessage());
    }

    /** {@link #check} of a payment by the asset transfer method permit2, against the option's terms. */
    private ExactEvmVerification checkPermit2(PaymentAttempt attempt) {
        PaymentOption option = attempt.option();
        ExactEvmPermit2Payload payload = attempt.permit2();
        Permit2Authorization authorization;
        try {
            if (payload == null) {
                // An attempt made elsewhere than the gate, from the proof's JSON alone.
                JsonNode p = attempt.paymentPayload().path("payload");
                if (!p.path("permit2Authorization").isObject()) {
                    throw new IllegalArgumentException(
                            "paymentPayload.payload.permit2Authorization must be an object");
                }
                payload = WireJson.mapper().treeToValue(p, ExactEvmPermit2Payload.class);
            }
            authorization = Permit2Authorization.parse(payload.permit2Authorization());
        } catch (IllegalArgumentException | JsonProcessingException e) {
            return new ExactEvmVerification(false, REASON_INVALID_PAYLOAD, e.getMessage(), null, false);
        }
        ExactEvmRequirement requirement = new ExactEvmRequirement(option.scheme(), option.network().caip2(),
                option.network().chainId(), EvmAddress.parse(option.asset()), option.eip712Name(),
                option.eip712Version(), EvmAddress.parse(option.payTo()), option.amount());
        return verifier.verifyPermit2(requirement, payload.signature(), authorization);
    }

    /** The full local result, {@link ExactEvmVerification#onChainStateChecked()} included. */
    public ExactEvmVerification check(PaymentAttempt attempt) {
        PaymentOption option = attempt.option();
        if (!LocalExactEvmVerifier.SCHEME.equals(option.scheme())) {
            return new ExactEvmVerification(false, ExactEvmInvalidReason.UNSUPPORTED_SCHEME.code(),
                    "only the exact scheme on EVM is verified locally, not " + option.scheme(), null, false);
        }
        if (option.assetTransferMethod() == AssetTransferMethod.PERMIT2) {
            return checkPermit2(attempt);
        }
        // The option's network under the name the attempt's protocol version uses.
        String network = attempt.x402Version() == 1 ? option.network().v1Name() : option.network().caip2();
        ExactEvmPayment payment;
        try {
            // The gate's reading of the payload when it made the attempt: no JSON tree per paid request. It matched
            // the proof to the option first, so the scheme and network the proof states are the option's.
            payment = attempt.evm() != null
                    ? ExactEvmJson.payment(option.scheme(), network, attempt.evm())
                    : ExactEvmJson.payment(attempt.paymentPayload());
        } catch (IllegalArgumentException e) {
            return new ExactEvmVerification(false, REASON_INVALID_PAYLOAD, e.getMessage(), null, false);
        }
        // The server's own terms, never the client's copy of them: the option is what the route charges.
        ExactEvmRequirement requirement = new ExactEvmRequirement(
                option.scheme(),
                network,
                option.network().chainId(),
                EvmAddress.parse(option.asset()),
                option.eip712Name(),
                option.eip712Version(),
                EvmAddress.parse(option.payTo()),
                option.amount());
        return verifier.verify(requirement, payment);
    }
}
