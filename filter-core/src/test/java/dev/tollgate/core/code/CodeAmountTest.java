package dev.tollgate.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CodeAmountTest {

    @Test
    void roundsTheBinaryValueLikeJavaScriptToFixed() {
        // 1.005 and 2.675 are stored just below the half, so toFixed(2) rounds them down.
        assertEquals(new BigDecimal("1.00"), CodeAmount.toFixed2(1.005));
        assertEquals(new BigDecimal("2.67"), CodeAmount.toFixed2(2.675));
        assertEquals(new BigDecimal("1.01"), CodeAmount.toFixed2(1.0051));
        assertEquals(new BigDecimal("0.13"), CodeAmount.toFixed2(0.125));
    }

    @Test
    void centsSurviveFloatingPointMultiplication() {
        // 0.29 * 100 is 28.999999999999996 and 0.14 * 100 is 14.000000000000002 in IEEE-754.
        assertEquals(29, CodeAmount.cents(0.29));
        assertEquals(14, CodeAmount.cents(0.14));
        assertEquals(1000, CodeAmount.cents(10));
    }

    @Test
    void kinQuarksAreTheRoundedAmountTimesOneHundredThousand() {
        assertEquals(5_432_168_000L, CodeAmount.kinQuarks(54321.68));
    }

    @Test
    void nonFiniteAmountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CodeAmount.toFixed2(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> CodeAmount.toFixed2(Double.POSITIVE_INFINITY));
    }
}
