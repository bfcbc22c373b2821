package dev.tollgate.core.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Eip3009SignerTest {

    private static final EvmPrivateKey PAYER = EvmPrivateKey.fromHex(Secp256k1Test.TEST_KEY);

    private static ExactEvmAuthorization authorizationFromPayer() {
        return new ExactEvmAuthorization(PAYER.address(), EvmAddress.parse(GoldenVector.TO),
                BigInteger.valueOf(10000), BigInteger.ZERO, BigInteger.valueOf(4_000_000_000L),
                Eip3009Signer.randomNonce());
    }

    @Test
    void signatureRecoversToThePayerUnderTheSameDomain() {
        ExactEvmAuthorization authorization = authorizationFromPayer();

        String signature = Eip3009Signer.sign(PAYER, GoldenVector.domain(), authorization);

        byte[] digest = TransferWithAuthorization.digest(GoldenVector.domain(), authorization);
        assertEquals(PAYER.address(),
                Secp256k1.recoverAddress(digest, RecoverableSignature.fromHex(signature)));
    }

    @Test
    void signatureIsSixtyFiveBytesOfHex() {
        String signature = Eip3009Signer.sign(PAYER, GoldenVector.domain(), authorizationFromPayer());

        assertEquals(2 + 130, signature.length());
    }

    @Test
    void authorizationFromAnotherAddressIsNotSigned() {
        assertThrows(IllegalArgumentException.class,
                () -> Eip3009Signer.sign(PAYER, GoldenVector.domain(), GoldenVector.authorization()));
    }

    @Test
    void randomNoncesAreThirtyTwoBytesAndDiffer() {
        byte[] first = Eip3009Signer.randomNonce();
        byte[] second = Eip3009Signer.randomNonce();

        assertEquals(32, first.length);
        assertFalse(Arrays.equals(first, second));
    }
}
