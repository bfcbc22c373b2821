package dev.tollgate.core.evm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Secp256k1Test {

    /** Hardhat/Anvil test account #0: a public, well-known key with a known address. */
    static final String TEST_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    static final String TEST_KEY_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    private static final byte[] DIGEST = Hex.decode(GoldenVector.DIGEST);

    private static byte[] goldenSignature() {
        return Hex.decode(GoldenVector.SIGNATURE);
    }

    private static EvmAddress recover(byte[] digest, byte[] signature) {
        return Secp256k1.recoverAddress(digest, RecoverableSignature.fromBytes(signature));
    }

    @Test
    void goldenSignatureRecoversToItsFromAddress() {
        assertEquals(EvmAddress.parse(GoldenVector.FROM), recover(DIGEST, goldenSignature()));
    }

    @Test
    void goldenSignatureUnderDomainNameUsdCoinRecoversToAnotherAddress() {
        Eip712Domain usdCoin = new Eip712Domain("USD Coin", "2", GoldenVector.CHAIN_ID,
                EvmAddress.parse(GoldenVector.VERIFYING_CONTRACT));
        byte[] digest = TransferWithAuthorization.digest(usdCoin, GoldenVector.authorization());

        EvmAddress recovered = recover(digest, goldenSignature());

        assertEquals(EvmAddress.parse(GoldenVector.RECOVERS_UNDER_USD_COIN), recovered);
        assertNotEquals(EvmAddress.parse(GoldenVector.FROM), recovered);
    }

    @Test
    void goldenSignatureUnderChain8453DoesNotRecoverToItsFromAddress() {
        Eip712Domain base = new Eip712Domain(GoldenVector.NAME, GoldenVector.VERSION, 8453,
                EvmAddress.parse(GoldenVector.VERIFYING_CONTRACT));
        byte[] digest = TransferWithAuthorization.digest(base, GoldenVector.authorization());

        assertNotEquals(EvmAddress.parse(GoldenVector.FROM), recover(digest, goldenSignature()));
    }

    @Test
    void yParityEncodingZeroOneIsAcceptedLikeTwentySevenTwentyEight() {
        byte[] signature = goldenSignature();
        signature[64] = (byte) (signature[64] - 27);

        assertEquals(EvmAddress.parse(GoldenVector.FROM), recover(DIGEST, signature));
    }

    @Test
    void highSFormOfTheGoldenSignatureIsRefusedAsHighS() {
        byte[] signature = goldenSignature();
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        System.arraycopy(Uint256.word(Secp256k1.N.subtract(s)), 0, signature, 32, 32);
        signature[64] = (byte) (signature[64] == 27 ? 28 : 27);

        InvalidSignatureException e =
                assertThrows(InvalidSignatureException.class, () -> RecoverableSignature.fromBytes(signature));
        assertEquals(SignatureDefect.HIGH_S, e.defect());
    }

    @Test
    void vOtherThanTwentySevenTwentyEightZeroOrOneIsRefused() {
        byte[] signature = goldenSignature();
        signature[64] = 29;

        assertEquals(SignatureDefect.INVALID_V, defectOf(signature));
    }

    @Test
    void signatureOfSixtyFourBytesIsRefusedForItsLength() {
        assertEquals(SignatureDefect.WRONG_LENGTH, defectOf(Arrays.copyOf(goldenSignature(), 64)));
    }

    @Test
    void signatureOfSixtySixBytesIsRefusedForItsLength() {
        assertEquals(SignatureDefect.WRONG_LENGTH, defectOf(Arrays.copyOf(goldenSignature(), 66)));
    }

    @Test
    void zeroRIsRefusedAsOutOfRange() {
        byte[] signature = goldenSignature();
        Arrays.fill(signature, 0, 32, (byte) 0);

        assertEquals(SignatureDefect.R_OUT_OF_RANGE, defectOf(signature));
    }

    @Test
    void rEqualToTheGroupOrderIsRefusedAsOutOfRange() {
        byte[] signature = goldenSignature();
        System.arraycopy(Uint256.word(Secp256k1.N), 0, signature, 0, 32);

        assertEquals(SignatureDefect.R_OUT_OF_RANGE, defectOf(signature));
    }

    @Test
    void zeroSIsRefusedAsOutOfRange() {
        byte[] signature = goldenSignature();
        Arrays.fill(signature, 32, 64, (byte) 0);

        assertEquals(SignatureDefect.S_OUT_OF_RANGE, defectOf(signature));
    }

    @Test
    void sEqualToTheGroupOrderIsRefusedAsOutOfRangeNotAsHighS() {
        byte[] signature = goldenSignature();
        System.arraycopy(Uint256.word(Secp256k1.N), 0, signature, 32, 32);

        assertEquals(SignatureDefect.S_OUT_OF_RANGE, defectOf(signature));
    }

    @Test
    void rThatIsNoCurveXCoordinateIsRefusedAsNotRecoverable() {
        // x = 5: 125 + 7 = 132 is not a square mod p, so no curve point has this x.
        RecoverableSignature signature = new RecoverableSignature(BigInteger.valueOf(5), BigInteger.ONE, 0);

        InvalidSignatureException e = assertThrows(InvalidSignatureException.class,
                () -> Secp256k1.recoverAddress(DIGEST, signature));
        assertEquals(SignatureDefect.NOT_RECOVERABLE, e.defect());
    }

    @Test
    void nonHexSignatureIsRefusedAsMalformed() {
        InvalidSignatureException e = assertThrows(InvalidSignatureException.class,
                () -> RecoverableSignature.fromHex("2d6a75"));
        assertEquals(SignatureDefect.MALFORMED_HEX, e.defect());
    }

    @Test
    void privateKeyDerivesItsKnownAddress() {
        assertEquals(TEST_KEY_ADDRESS, EvmPrivateKey.fromHex(TEST_KEY).address().toChecksumHex());
    }

    @Test
    void signatureRecoversToTheSigningKeysAddress() {
        EvmPrivateKey key = EvmPrivateKey.fromHex(TEST_KEY);

        RecoverableSignature signature = Secp256k1.sign(DIGEST, key);

        assertEquals(key.address(), Secp256k1.recoverAddress(DIGEST, signature));
    }

    @Test
    void signaturesAreLowSWithVTwentySevenOrTwentyEight() {
        EvmPrivateKey key = EvmPrivateKey.fromHex(TEST_KEY);
        for (int i = 0; i < 32; i++) {
            byte[] digest = Keccak256.hash(new byte[] {(byte) i});

            byte[] signature = Secp256k1.sign(digest, key).toBytes();

            BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
            assertTrue(s.compareTo(Secp256k1.HALF_N) <= 0, "s must be in the low half");
            assertTrue(signature[64] == 27 || signature[64] == 28, "v must be 27 or 28");
            assertEquals(key.address(), recover(digest, signature));
        }
    }

    @Test
    void signingIsDeterministic() {
        EvmPrivateKey key = EvmPrivateKey.fromHex(TEST_KEY);

        assertArrayEquals(Secp256k1.sign(DIGEST, key).toBytes(), Secp256k1.sign(DIGEST, key).toBytes());
    }

    @Test
    void privateKeyToStringShowsTheAddressButNotTheKey() {
        String text = EvmPrivateKey.fromHex(TEST_KEY).toString();

        assertFalse(text.contains(TEST_KEY.substring(2)));
        assertTrue(text.contains(TEST_KEY_ADDRESS));
    }

    @Test
    void privateKeyOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EvmPrivateKey.fromHex("0x" + "0".repeat(64)));
    }

    @Test
    void privateKeyParseErrorDoesNotEchoTheInput() {
        String almostKey = TEST_KEY.substring(0, 65);

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> EvmPrivateKey.fromHex(almostKey));
        assertFalse(e.getMessage().contains(almostKey.substring(2, 20)));
    }

    private static SignatureDefect defectOf(byte[] signature) {
        return assertThrows(InvalidSignatureException.class,
                () -> recover(DIGEST, signature)).defect();
    }
}
