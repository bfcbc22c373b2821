package dev.tollgate.core.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.Proofs;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LocalExactEvmVerifierTest {

    private static final long NOW = GoldenVector.INSIDE_WINDOW_EPOCH_SECOND;
    private static final EvmPrivateKey PAYER = EvmPrivateKey.fromHex(Secp256k1Test.TEST_KEY);

    private static LocalExactEvmVerifier verifierAt(long epochSecond) {
        return new LocalExactEvmVerifier(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    private static ExactEvmVerification verify(ExactEvmRequirement requirement, ExactEvmPayment payment) {
        return verifierAt(NOW).verify(requirement, payment);
    }

    private static ExactEvmPayment golden(ExactEvmAuthorization authorization) {
        return new ExactEvmPayment("exact", "eip155:84532", authorization, GoldenVector.SIGNATURE);
    }

    /** A payment freshly signed by the test payer, so that non-signature fields can be varied validly. */
    private static ExactEvmPayment signedByPayer(String to, BigInteger value, long validAfter, long validBefore) {
        ExactEvmAuthorization authorization = new ExactEvmAuthorization(PAYER.address(), EvmAddress.parse(to),
                value, BigInteger.valueOf(validAfter), BigInteger.valueOf(validBefore),
                Hex.decode(GoldenVector.NONCE));
        String signature = Eip3009Signer.sign(PAYER, GoldenVector.domain(), authorization);
        return new ExactEvmPayment("exact", "eip155:84532", authorization, signature);
    }

    private static ExactEvmPayment signedByPayer(long validAfter, long validBefore) {
        return signedByPayer(GoldenVector.TO, new BigInteger(GoldenVector.VALUE), validAfter, validBefore);
    }

    private static void assertRefused(ExactEvmInvalidReason reason, ExactEvmVerification result) {
        assertFalse(result.valid(), "expected refusal with " + reason.code());
        assertEquals(reason.code(), result.invalidReason(), result.invalidMessage());
    }

    @Test
    void goldenPaymentInsideItsWindowIsValidAndNamesThePayer() {
        ExactEvmVerification result = verify(GoldenVector.requirement(), GoldenVector.payment());

        assertTrue(result.valid(), result.invalidMessage());
        assertNull(result.invalidReason());
        assertEquals(GoldenVector.FROM, result.payer());
    }

    @Test
    void everyResultSaysOnChainStateWasNotChecked() {
        assertFalse(verify(GoldenVector.requirement(), GoldenVector.payment()).onChainStateChecked());
        assertFalse(verifierAt(0).verify(GoldenVector.requirement(), GoldenVector.payment()).onChainStateChecked());
    }

    @Test
    void requirementSchemeOtherThanExactIsUnsupported() {
        ExactEvmRequirement r = GoldenVector.requirement();
        ExactEvmRequirement upto = new ExactEvmRequirement("upto", r.network(), r.chainId(), r.asset(), r.name(),
                r.version(), r.payTo(), r.amount());

        assertRefused(ExactEvmInvalidReason.UNSUPPORTED_SCHEME, verify(upto, GoldenVector.payment()));
    }

    @Test
    void payloadSchemeOtherThanExactIsUnsupported() {
        ExactEvmPayment p = GoldenVector.payment();
        ExactEvmPayment upto = new ExactEvmPayment("upto", p.network(), p.authorization(), p.signature());

        assertRefused(ExactEvmInvalidReason.UNSUPPORTED_SCHEME, verify(GoldenVector.requirement(), upto));
    }

    @Test
    void requirementWithoutTokenNameIsMissingItsDomain() {
        ExactEvmRequirement r = GoldenVector.requirement();
        ExactEvmRequirement noName = new ExactEvmRequirement(r.scheme(), r.network(), r.chainId(), r.asset(), null,
                r.version(), r.payTo(), r.amount());

        assertRefused(ExactEvmInvalidReason.MISSING_EIP712_DOMAIN, verify(noName, GoldenVector.payment()));
    }

    @Test
    void requirementWithoutTokenVersionIsMissingItsDomain() {
        ExactEvmRequirement r = GoldenVector.requirement();
        ExactEvmRequirement noVersion = new ExactEvmRequirement(r.scheme(), r.network(), r.chainId(), r.asset(),
                r.name(), "", r.payTo(), r.amount());

        assertRefused(ExactEvmInvalidReason.MISSING_EIP712_DOMAIN, verify(noVersion, GoldenVector.payment()));
    }

    @Test
    void payloadOnAnotherNetworkIsInvalidNetwork() {
        ExactEvmPayment p = GoldenVector.payment();
        ExactEvmPayment base = new ExactEvmPayment(p.scheme(), "eip155:8453", p.authorization(), p.signature());

        assertRefused(ExactEvmInvalidReason.INVALID_NETWORK, verify(GoldenVector.requirement(), base));
    }

    @Test
    void networkIsCheckedBeforeTheSignature() {
        ExactEvmPayment p = GoldenVector.payment();
        ExactEvmPayment wrongTwice = new ExactEvmPayment(p.scheme(), "base", p.authorization(), "0x00");

        assertRefused(ExactEvmInvalidReason.INVALID_NETWORK, verify(GoldenVector.requirement(), wrongTwice));
    }

    @Test
    void tamperedValueBreaksTheSignature() {
        ExactEvmAuthorization a = GoldenVector.authorization();
        ExactEvmAuthorization more = new ExactEvmAuthorization(a.from(), a.to(), BigInteger.valueOf(10001),
                a.validAfter(), a.validBefore(), a.nonce());

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, verify(GoldenVector.requirement(), golden(more)));
    }

    @Test
    void tamperedRecipientBreaksTheSignature() {
        ExactEvmAuthorization a = GoldenVector.authorization();
        ExactEvmAuthorization elsewhere = new ExactEvmAuthorization(a.from(), PAYER.address(), a.value(),
                a.validAfter(), a.validBefore(), a.nonce());

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, verify(GoldenVector.requirement(), golden(elsewhere)));
    }

    @Test
    void tamperedNonceBreaksTheSignature() {
        byte[] nonce = Hex.decode(GoldenVector.NONCE);
        nonce[31] ^= 1;

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE,
                verify(GoldenVector.requirement(), golden(GoldenVector.authorization().withNonce(nonce))));
    }

    @Test
    void extendedValidBeforeBreaksTheSignature() {
        ExactEvmAuthorization a = GoldenVector.authorization();
        ExactEvmAuthorization longer = new ExactEvmAuthorization(a.from(), a.to(), a.value(), a.validAfter(),
                a.validBefore().add(BigInteger.valueOf(3600)), a.nonce());

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, verify(GoldenVector.requirement(), golden(longer)));
    }

    @Test
    void tamperedSignatureIsRefused() {
        byte[] signature = Hex.decode(GoldenVector.SIGNATURE);
        signature[10] ^= 1;
        ExactEvmPayment p = GoldenVector.payment();
        ExactEvmPayment tampered = new ExactEvmPayment(p.scheme(), p.network(), p.authorization(),
                Hex.encode(signature));

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, verify(GoldenVector.requirement(), tampered));
    }

    @Test
    void highSSignatureIsRefusedAsAnInvalidSignatureThatSaysHighS() {
        byte[] signature = Hex.decode(GoldenVector.SIGNATURE);
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
        System.arraycopy(Uint256.word(Secp256k1.N.subtract(s)), 0, signature, 32, 32);
        signature[64] = (byte) (signature[64] == 27 ? 28 : 27);
        ExactEvmPayment p = GoldenVector.payment();
        ExactEvmPayment highS = new ExactEvmPayment(p.scheme(), p.network(), p.authorization(), Hex.encode(signature));

        ExactEvmVerification result = verify(GoldenVector.requirement(), highS);

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, result);
        assertTrue(result.invalidMessage().contains("n/2"), result.invalidMessage());
    }

    @Test
    void missingSignatureIsRefused() {
        ExactEvmPayment p = GoldenVector.payment();
        ExactEvmPayment unsigned = new ExactEvmPayment(p.scheme(), p.network(), p.authorization(), null);

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, verify(GoldenVector.requirement(), unsigned));
    }

    /** The golden authorization as a smart wallet not yet deployed would sign it (ERC-6492). */
    private static ExactEvmPayment smartWallet(ExactEvmAuthorization authorization) {
        return new ExactEvmPayment("exact", "eip155:84532", authorization,
                Proofs.erc6492(Proofs.SMART_WALLET_FACTORY, Hex.decode("0x5fbfb9cf"), GoldenVector.SIGNATURE));
    }

    @Test
    void aSmartWalletsSignatureIsLeftToTheChainOnceEveryOtherCheckPasses() {
        ExactEvmVerification result = verify(GoldenVector.requirement(), smartWallet(GoldenVector.payment().authorization()));

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, result);
        assertTrue(result.contractSignature());
        assertTrue(result.invalidMessage().contains("ERC-1271"), result.invalidMessage());
        assertEquals(GoldenVector.FROM, result.payer());
    }

    @Test
    void aSmartWalletsProofStillGetsEveryFieldCheck() {
        ExactEvmPayment payment = smartWallet(GoldenVector.payment().authorization());

        ExactEvmVerification expired = verifierAt(Long.parseLong(GoldenVector.VALID_BEFORE)).verify(
                GoldenVector.requirement(), payment);
        ExactEvmRequirement r = GoldenVector.requirement();
        ExactEvmVerification elsewhere = verify(new ExactEvmRequirement(r.scheme(), r.network(), r.chainId(), r.asset(),
                r.name(), r.version(), EvmAddress.parse(Secp256k1Test.TEST_KEY_ADDRESS), r.amount()), payment);

        assertRefused(ExactEvmInvalidReason.VALID_BEFORE, expired);
        assertFalse(expired.contractSignature());
        assertRefused(ExactEvmInvalidReason.RECIPIENT_MISMATCH, elsewhere);
        assertFalse(elsewhere.contractSignature());
    }

    @Test
    void sixtyFiveBytesAreJudgedAsAnAccountsSignatureAndNeverLeftToTheChain() {
        byte[] signature = Hex.decode(GoldenVector.SIGNATURE);
        signature[10] ^= 1;
        ExactEvmPayment p = GoldenVector.payment();

        ExactEvmVerification result = verify(GoldenVector.requirement(),
                new ExactEvmPayment(p.scheme(), p.network(), p.authorization(), Hex.encode(signature)));

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, result);
        assertFalse(result.contractSignature());
    }

    @Test
    void anEmptyOrHalfByteSignatureIsRefusedNotLeftToTheChain() {
        ExactEvmPayment p = GoldenVector.payment();
        for (String signature : new String[] {"0x", GoldenVector.SIGNATURE + "0"}) {
            ExactEvmVerification result = verify(GoldenVector.requirement(),
                    new ExactEvmPayment(p.scheme(), p.network(), p.authorization(), signature));

            assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, result);
            assertFalse(result.contractSignature(), signature);
        }
    }

    @Test
    void goldenSignatureIsRefusedUnderTheBaseMainnetTokenName() {
        ExactEvmRequirement r = GoldenVector.requirement();
        ExactEvmRequirement usdCoin = new ExactEvmRequirement(r.scheme(), r.network(), r.chainId(), r.asset(),
                "USD Coin", r.version(), r.payTo(), r.amount());

        assertRefused(ExactEvmInvalidReason.INVALID_SIGNATURE, verify(usdCoin, GoldenVector.payment()));
    }

    @Test
    void validlySignedPaymentToAnotherAddressIsARecipientMismatch() {
        ExactEvmPayment payment = signedByPayer(Secp256k1Test.TEST_KEY_ADDRESS, new BigInteger(GoldenVector.VALUE),
                NOW - 60, NOW + 60);

        assertRefused(ExactEvmInvalidReason.RECIPIENT_MISMATCH, verify(GoldenVector.requirement(), payment));
    }

    @Test
    void recipientComparisonIgnoresAddressCase() {
        ExactEvmPayment payment = signedByPayer(GoldenVector.TO.toLowerCase(java.util.Locale.ROOT),
                new BigInteger(GoldenVector.VALUE), NOW - 60, NOW + 60);

        assertTrue(verify(GoldenVector.requirement(), payment).valid());
    }

    @Test
    void validBeforeExactlySixSecondsAheadIsAccepted() {
        assertTrue(verify(GoldenVector.requirement(), signedByPayer(NOW - 60, NOW + 6)).valid());
    }

    @Test
    void validBeforeFiveSecondsAheadIsRefusedAsExpiringTooSoon() {
        assertRefused(ExactEvmInvalidReason.VALID_BEFORE,
                verify(GoldenVector.requirement(), signedByPayer(NOW - 60, NOW + 5)));
    }

    @Test
    void goldenPaymentAfterItsExpiryIsRefusedByValidBeforeNotBySignature() {
        ExactEvmVerification result = verifierAt(Long.parseLong(GoldenVector.VALID_BEFORE))
                .verify(GoldenVector.requirement(), GoldenVector.payment());

        assertRefused(ExactEvmInvalidReason.VALID_BEFORE, result);
    }

    @Test
    void validAfterEqualToNowIsAccepted() {
        assertTrue(verify(GoldenVector.requirement(), signedByPayer(NOW, NOW + 60)).valid());
    }

    @Test
    void validAfterOneSecondAheadIsRefusedAsNotYetValid() {
        assertRefused(ExactEvmInvalidReason.VALID_AFTER,
                verify(GoldenVector.requirement(), signedByPayer(NOW + 1, NOW + 60)));
    }

    @Test
    void expiryIsCheckedBeforeNotYetValid() {
        assertRefused(ExactEvmInvalidReason.VALID_BEFORE,
                verify(GoldenVector.requirement(), signedByPayer(NOW + 1, NOW + 2)));
    }

    /** The v2 specification names this refusal {@code ..._value_mismatch} ("does not exactly match"). */
    @Test
    void valueBelowTheRequiredAmountIsRefusedUnderV2sName() {
        ExactEvmPayment payment = signedByPayer(GoldenVector.TO, BigInteger.valueOf(9999), NOW - 60, NOW + 60);

        ExactEvmVerification result = verify(GoldenVector.requirement(), payment);
        assertFalse(result.valid());
        assertEquals("invalid_exact_evm_payload_authorization_value_mismatch", result.invalidReason());
    }

    @Test
    void valueAboveTheRequiredAmountIsRefusedBecauseTheSchemeIsExact() {
        ExactEvmPayment payment = signedByPayer(GoldenVector.TO, BigInteger.valueOf(10001), NOW - 60, NOW + 60);

        ExactEvmVerification result = verify(GoldenVector.requirement(), payment);
        assertFalse(result.valid());
        assertEquals("invalid_exact_evm_payload_authorization_value_mismatch", result.invalidReason());
    }

    /** A v1 requirement (a network named without CAIP-2) keeps the v1 specification's name for it. */
    @Test
    void aV1PaymentOfAnotherValueIsRefusedUnderV1sName() {
        ExactEvmPayment v2 = signedByPayer(GoldenVector.TO, BigInteger.valueOf(9999), NOW - 60, NOW + 60);
        ExactEvmPayment v1 = new ExactEvmPayment("exact", "base-sepolia", v2.authorization(), v2.signature());
        ExactEvmRequirement r = GoldenVector.requirement();
        ExactEvmRequirement v1Requirement = new ExactEvmRequirement(r.scheme(), "base-sepolia", r.chainId(), r.asset(),
                r.name(), r.version(), r.payTo(), r.amount());

        ExactEvmVerification result = verify(v1Requirement, v1);
        assertFalse(result.valid());
        assertEquals("invalid_exact_evm_payload_authorization_value", result.invalidReason());
    }

    @Test
    void refusalsStillNameThePayer() {
        ExactEvmPayment payment = signedByPayer(GoldenVector.TO, BigInteger.ONE, NOW - 60, NOW + 60);

        assertEquals(Secp256k1Test.TEST_KEY_ADDRESS, verify(GoldenVector.requirement(), payment).payer());
    }
}
