package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The signature and field checks a reference x402 facilitator makes for the exact scheme on EVM,
 * run locally and in the same order, so that the first failure reported is the one a facilitator
 * would report.
 *
 * <p>Not covered: everything that needs the chain (balance, unused nonce, simulation); every result says so
 * via {@link ExactEvmVerification#onChainStateChecked()}. Nor smart-wallet signatures: a signature that is not
 * 65 bytes can only be checked by the payer's contract (ERC-1271, or ERC-6492 before it is deployed). Such a
 * proof gets every other check, and when they pass its result is not valid but marked
 * {@link ExactEvmVerification#contractSignature()}, for a facilitator to judge.
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
        SignatureCheck signature = checkSignature(requirement, payment);
        if (signature.refusal() != null) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.INVALID_SIGNATURE, signature.refusal(), payer);
        }
        ExactEvmVerification fieldRefusal = checkFields(requirement, authorization, payer);
        if (fieldRefusal != null) {
            return fieldRefusal;
        }
        return signature.contractSignature() == null ? ExactEvmVerification.accepted(payer)
                : ExactEvmVerification.contractSignature(signature.contractSignature(), payer);
    }

    /**
     * The checks of the asset transfer method permit2 that need no chain (the payer's Permit2 allowance, balance
     * and unused nonce do): the signature recovers to {@code from} under Permit2's domain on the requirement's chain,
     * then the spender is the x402 proxy, {@code witness.to} is payTo, the deadline leaves the same margin as
     * EIP-3009's validBefore, {@code witness.validAfter} has come, the amount is exactly the required one, and the
     * token is the asset. The scheme and network are the caller's to match, as the gate does.
     */
    public ExactEvmVerification verifyPermit2(ExactEvmRequirement requirement, String signature,
                                              Permit2Authorization a) {
        String payer = a.from().toChecksumHex();
        SignatureCheck check = checkSignature(signature,
                () -> PermitWitnessTransferFrom.digest(requirement.chainId(), a), a.from(), "permit2Authorization.from");
        if (check.refusal() != null) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.PERMIT2_INVALID_SIGNATURE, check.refusal(), payer);
        }
        if (!a.spender().equals(PermitWitnessTransferFrom.X402_EXACT_PERMIT2_PROXY)) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.PERMIT2_INVALID_SPENDER, "spender " + a.spender()
                    + " is not the x402 Permit2 proxy " + PermitWitnessTransferFrom.X402_EXACT_PERMIT2_PROXY, payer);
        }
        if (!a.to().equals(requirement.payTo())) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.PERMIT2_RECIPIENT_MISMATCH,
                    "witness.to " + a.to() + " is not the requirement's payTo " + requirement.payTo(), payer);
        }
        BigInteger now = BigInteger.valueOf(clock.instant().getEpochSecond());
        BigInteger latestAcceptableExpiry = now.add(BigInteger.valueOf(VALID_BEFORE_MARGIN_SECONDS));
        if (a.deadline().compareTo(latestAcceptableExpiry) < 0) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.PERMIT2_DEADLINE_EXPIRED, "deadline "
                    + a.deadline() + " is earlier than now + " + VALID_BEFORE_MARGIN_SECONDS + " s ("
                    + latestAcceptableExpiry + ")", payer);
        }
        if (a.validAfter().compareTo(now) > 0) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.PERMIT2_NOT_YET_VALID,
                    "witness.validAfter " + a.validAfter() + " is later than now (" + now + ")", payer);
        }
        if (!a.amount().equals(requirement.amount())) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.PERMIT2_AMOUNT_MISMATCH, "permitted.amount "
                    + a.amount() + " is not the required amount " + requirement.amount(), payer);
        }
        if (!a.token().equals(requirement.asset())) {
            return ExactEvmVerification.refused(ExactEvmInvalidReason.PERMIT2_TOKEN_MISMATCH,
                    "permitted.token " + a.token() + " is not the requirement's asset " + requirement.asset(), payer);
        }
        return check.contractSignature() == null ? ExactEvmVerification.accepted(payer)
                : new ExactEvmVerification(false, ExactEvmInvalidReason.PERMIT2_INVALID_SIGNATURE.code(),
                        check.contractSignature(), payer, false, true);
    }

    /** The checks after the signature's, in a facilitator's order: the first refusal, or null. */
    private ExactEvmVerification checkFields(ExactEvmRequirement requirement, ExactEvmAuthorization authorization,
                                             String payer) {
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
            return ExactEvmVerification.refused(ExactEvmInvalidReason.value(x402Version(requirement)),
                    "authorization value " + authorization.value() + " is not the required amount "
                            + requirement.amount(), payer);
        }
        return null;
    }

    /**
     * What the signature alone says: refused (why), a smart wallet's (what it is), or neither (it recovers to
     * authorization.from).
     */
    private record SignatureCheck(String refusal, String contractSignature) {
        static final SignatureCheck RECOVERS_TO_PAYER = new SignatureCheck(null, null);
    }

    private static SignatureCheck checkSignature(ExactEvmRequirement requirement, ExactEvmPayment payment) {
        return checkSignature(payment.signature(), () -> TransferWithAuthorization.digest(new Eip712Domain(
                requirement.name(), requirement.version(), requirement.chainId(), requirement.asset()),
                payment.authorization()), payment.authorization().from(), "authorization.from");
    }

    /** {@link #checkSignature(ExactEvmRequirement, ExactEvmPayment)} of any message, by its digest. */
    private static SignatureCheck checkSignature(String signatureHex, Supplier<byte[]> digest, EvmAddress from,
                                                 String fromField) {
        if (signatureHex == null) {
            return new SignatureCheck("signature is missing", null);
        }
        byte[] bytes;
        try {
            bytes = Hex.decode(signatureHex);
        } catch (IllegalArgumentException e) {
            return new SignatureCheck("signature: " + e.getMessage(), null);
        }
        if (bytes.length != RecoverableSignature.LENGTH && bytes.length > 0) {
            return new SignatureCheck(null, "a smart wallet's signature (" + bytes.length + " bytes, not the 65 of an"
                    + " externally owned account): only the payer's contract can check it, on chain (ERC-1271, or"
                    + " ERC-6492 before it is deployed)");
        }
        try {
            RecoverableSignature signature = RecoverableSignature.fromBytes(bytes);
            EvmAddress signer = Secp256k1.recoverAddress(digest.get(), signature);
            if (!signer.equals(from)) {
                // 65 bytes are judged as an externally owned account's signature, and refused when they recover to
                // another address. This saves a broken client a facilitator call; it is no shield against junk (a
                // byte more makes any signature a smart wallet's), and it costs wallets that sign with 65 bytes.
                return new SignatureCheck("signature recovers to " + signer + ", not to " + fromField + " " + from,
                        null);
            }
            return SignatureCheck.RECOVERS_TO_PAYER;
        } catch (InvalidSignatureException e) {
            return new SignatureCheck(e.getMessage(), null);
        }
    }

    /** 2 for a requirement that names its network by CAIP-2 id ("eip155:84532"), as only v2 does; else 1. */
    private static int x402Version(ExactEvmRequirement requirement) {
        return requirement.network().indexOf(':') >= 0 ? 2 : 1;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
