package dev.tollgate.core.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PriceTest {
    private static final int USDC_DECIMALS = 6;

    @ParameterizedTest(name = "\"{0}\" is {1} atomic units of a 6-decimal asset")
    @CsvSource(delimiter = '|', value = {
            "$0.01    | 10000",
            "0.01     | 10000",
            "$1       | 1000000",
            "1        | 1000000",
            "$ 2.50   | 2500000",
            "$0.000001| 1",
            "$1000000 | 1000000000000",
            "0.1      | 100000",
            ".5       | 500000",
            "3.       | 3000000",
    })
    void aDollarPriceBecomesExactAtomicUnits(String text, String atomic) throws InvalidPriceException {
        assertEquals(new BigInteger(atomic), Price.parse(text).atomicUnits(USDC_DECIMALS));
    }

    @Test
    void trailingZerosBeyondTheDecimalsAreNotAFinerPrice() throws InvalidPriceException {
        assertEquals(BigInteger.valueOf(10_000), Price.parse("$0.0100000000").atomicUnits(USDC_DECIMALS));
    }

    @Test
    void theSameDollarPriceScalesWithTheAssetsDecimals() throws InvalidPriceException {
        assertEquals(new BigInteger("10000000000000000"), Price.parse("$0.01").atomicUnits(18));
        assertEquals(BigInteger.ONE, Price.parse("$0.01").atomicUnits(2));
    }

    @ParameterizedTest(name = "\"{0}\" atomic units")
    @ValueSource(strings = {"1", "10000", " 42 ", "115792089237316195423570985008687907853269984665640564039457584007913129639935"})
    void anAtomicAmountIsTakenAsIsWhateverTheDecimals(String units) throws InvalidPriceException {
        BigInteger expected = new BigInteger(units.strip());
        assertEquals(expected, Price.atomic(units).atomicUnits(USDC_DECIMALS));
        assertEquals(expected, Price.atomic(units).atomicUnits(18));
    }

    @ParameterizedTest(name = "\"{0}\" is finer than 6 decimals")
    @ValueSource(strings = {"$0.0000001", "0.0000015", "$1.0000001"})
    void aPriceFinerThanTheAssetsDecimalsIsRefusedNotRounded(String text) throws InvalidPriceException {
        Price price = Price.parse(text);
        InvalidPriceException e = assertThrows(InvalidPriceException.class, () -> price.atomicUnits(USDC_DECIMALS));
        assertTrue(e.getMessage().contains("finer than"), e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\" is zero")
    @ValueSource(strings = {"0", "$0", "0.00", "$0.000000"})
    void aZeroPriceIsRefused(String text) {
        assertThrows(InvalidPriceException.class, () -> Price.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"-0.01", "$-1", "-$1", "-1"})
    void aNegativePriceIsRefused(String text) {
        assertThrows(InvalidPriceException.class, () -> Price.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"abc", "$", ".", "1e3", "1,50", "$$1", "0x10", "1.2.3", "USD 1", "١", "NaN", "Infinity"})
    void garbageIsNotAPrice(String text) {
        assertThrows(InvalidPriceException.class, () -> Price.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullSource
    @ValueSource(strings = {"", "   ", "\t"})
    void aBlankOrMissingPriceIsRefused(String text) {
        assertThrows(InvalidPriceException.class, () -> Price.parse(text));
    }

    @Test
    void anAbsurdlyLongPriceIsRefused() {
        assertThrows(InvalidPriceException.class, () -> Price.parse("1" + "0".repeat(60)));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullSource
    @ValueSource(strings = {"", "0", "000", "-1", "1.5", "1e6", "ten", "0x10"})
    void anAtomicAmountMustBePositiveDigits(String units) {
        assertThrows(InvalidPriceException.class, () -> Price.atomic(units));
    }

    @Test
    void aDollarAmountMustBePositive() {
        assertThrows(InvalidPriceException.class, () -> Price.usd(BigDecimal.ZERO));
        assertThrows(InvalidPriceException.class, () -> Price.usd(new BigDecimal("-0.01")));
    }
}
