package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.time.Clock;
import java.util.Objects;

/**
 * The signature and field checks a reference x402 facilitator makes for the exact scheme on EVM,
 * run locally and in the same order, so that the first failure reported is the one a facilitator
 * would report.
 *
 * <p>Not covered: smart-wallet signatures (ERC-1271/ERC-6492), and everything that needs the chain
 * (balance, unused nonce, simulation). Every result says so via
 * {@link ExactEvmVerification#onChainStateChecked()}.
 */
public final class LocalExactEvmVerifier {

    public static final String SCHEME = "exact";

    /**
     * An authorization must stay valid this long after verification: enough for settlement to be mined
     * before validBefore passes and the token rejects it.
     */
    public static final long VALID_BEFORE_MARGIN_SECONDS = 6;

    private final Clock clock;

    public LocalExactEvmVerifier(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public ExactEvmVerification verify(ExactEvmRequirement requirement, ExactEvmPayment payment) {
        ExactEvmAuthorization authorization = payment.authorization();
        String payer = authorization.from().toChecksumHex();

        if (!SCHEME.equals(requirement.scheme()) || !SCHEME.equals(payment.scheme())) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.UNSUPPORTED_SCHEME,
                    "scheme must be exact, requirement has " + requirement.scheme()
                            + " and payload has " + payment.scheme(), payer);
        }
        if (isBlank(requirement.name()) || isBlank(requirement.version())) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.MISSING_EIP712_DOMAIN,
                    "requirement extra must carry the token's EIP-712 name and version", payer);
        }
        if (!requirement.network().equals(payment.network())) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.INVALID_NETWORK,
                    "payload network " + payment.network() + " is not the requirement's " + requirement.network(),
                    payer);
        }
        String signatureProblem = signatureProblem(requirement, payment);
        if (signatureProblem != null) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.INVALID_SIGNATURE, signatureProblem, payer);
        }
        if (!authorization.to().equals(requirement.payTo())) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.RECIPIENT_MISMATCH,
                    "authorization pays " + authorization.to() + ", requirement payTo is " + requirement.payTo(),
                    payer);
        }
        BigInteger now = BigInteger.valueOf(clock.instant().getEpochSecond());
        BigInteger latestAcceptableExpiry = now.add(BigInteger.valueOf(VALID_BEFORE_MARGIN_SECONDS));
        if (authorization.validBefore().compareTo(latestAcceptableExpiry) < 0) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.VALID_BEFORE,
                    "validBefore " + authorization.validBefore() + " is earlier than now + "
                            + VALID_BEFORE_MARGIN_SECONDS + " s (" + latestAcceptableExpiry + ")", payer);
        }
        if (authorization.validAfter().compareTo(now) > 0) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.VALID_AFTER,
                    "validAfter " + authorization.validAfter() + " is later than now (" + now + ")", payer);
        }
        // Exact means exact: more than asked is refused too, the payer signed a specific amount by mistake.
        if (!authorization.value().equals(requirement.amount())) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.VALUE,
                    "authorization value " + authorization.value() + " is not the required amount "
                            + requirement.amount(), payer);
        }
        return ExactEvmVerification.accepted(payer);
    }

    /** Null when the signature recovers to authorization.from under the requirement's domain. */
    private static String signatureProblem(ExactEvmRequirement requirement, ExactEvmPayment payment) {
        if (payment.signature() == null) {
            return "signature is missing";
        }
        Eip712Domain domain = new Eip712Domain(
                requirement.name(), requirement.version(), requirement.chainId(), requirement.asset());
        try {
            RecoverableSignature signature = RecoverableSignature.fromHex(payment.signature());
            EvmAddress signer = Secp256k1.recoverAddress(
                    TransferWithAuthorization.digest(domain, payment.authorization()), signature);
            if (!signer.equals(payment.authorization().from())) {
                return "signature recovers to " + signer + ", not to authorization.from "
                        + payment.authorization().from();
            }
            return null;
        } catch (InvalidSignatureException e) {
            return e.getMessage();
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
