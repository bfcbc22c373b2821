package dev.tollgate.core.evm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HexAndAddressTest {

    @Test
    void hexRoundTripsBytesInLowercaseWithPrefix() {
        byte[] bytes = {0x00, 0x0f, (byte) 0xab, (byte) 0xff};

        assertEquals("0x000fabff", Hex.encode(bytes));
        assertArrayEquals(bytes, Hex.decode("0X000FABFF"));
    }

    @Test
    void hexWithoutPrefixIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hex.decode("abcd"));
        assertTrue(e.getMessage().contains("0x"), e.getMessage());
    }

    @Test
    void hexWithAnOddNumberOfDigitsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hex.decode("0xabc"));
        assertTrue(e.getMessage().contains("odd"), e.getMessage());
    }

    @Test
    void hexWithANonHexCharacterIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hex.decode("0xabzd"));
        assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    }

    @Test
    void hexOfTheWrongFixedLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Hex.decode("0xabcd", 32));
    }

    /** The mixed-case examples of EIP-55 itself. */
    @ParameterizedTest
    @ValueSource(strings = {
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
    })
    void checksumRenderingReproducesKnownEip55Addresses(String checksummed) {
        EvmAddress address = EvmAddress.parse(checksummed.toLowerCase(Locale.ROOT));

        assertEquals(checksummed, address.toChecksumHex());
        assertEquals(checksummed.toLowerCase(Locale.ROOT), address.toLowerHex());
    }

    @Test
    void addressesDifferingOnlyInCaseAreEqual() {
        EvmAddress checksummed = EvmAddress.parse(GoldenVector.FROM);
        EvmAddress lower = EvmAddress.parse(GoldenVector.FROM.toLowerCase(Locale.ROOT));
        EvmAddress upper = EvmAddress.parse("0x" + GoldenVector.FROM.substring(2).toUpperCase(Locale.ROOT));

        assertEquals(checksummed, lower);
        assertEquals(checksummed, upper);
        assertEquals(checksummed.hashCode(), lower.hashCode());
    }

    @Test
    void mixedCaseAddressWithABrokenChecksumIsRefused() {
        String broken = GoldenVector.FROM.replace('b', 'B');

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvmAddress.parse(broken));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void addressOfNineteenBytesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvmAddress.parse(GoldenVector.FROM.substring(0, 40)));
        assertTrue(e.getMessage().contains("40 hex digits"), e.getMessage());
    }

    @Test
    void addressWithoutPrefixIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EvmAddress.parse(GoldenVector.FROM.substring(2)));
    }

    @Test
    void authorizationIntegersMayBeDecimalOrHex() {
        ExactEvmAuthorization decimal = GoldenVector.authorization();
        ExactEvmAuthorization hex = ExactEvmAuthorization.parse(GoldenVector.FROM, GoldenVector.TO, "0x2710",
                "0x67C08C59", "0X67c08c9a", GoldenVector.NONCE);

        assertEquals(decimal, hex);
    }

    @Test
    void authorizationWithANegativeValueIsRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExactEvmAuthorization.parse(GoldenVector.FROM, GoldenVector.TO, "-1",
                        GoldenVector.VALID_AFTER, GoldenVector.VALID_BEFORE, GoldenVector.NONCE));
        assertTrue(e.getMessage().startsWith("value"), e.getMessage());
    }

    @Test
    void authorizationWithAValueBeyondUint256IsRefused() {
        String tooBig = BigInteger.ONE.shiftLeft(256).toString();

        assertThrows(IllegalArgumentException.class, () -> ExactEvmAuthorization.parse(GoldenVector.FROM,
                GoldenVector.TO, tooBig, GoldenVector.VALID_AFTER, GoldenVector.VALID_BEFORE, GoldenVector.NONCE));
    }

    @Test
    void authorizationWithAShortNonceIsRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExactEvmAuthorization.parse(GoldenVector.FROM, GoldenVector.TO, GoldenVector.VALUE,
                        GoldenVector.VALID_AFTER, GoldenVector.VALID_BEFORE, "0x1234"));
        assertTrue(e.getMessage().startsWith("nonce"), e.getMessage());
    }
}
