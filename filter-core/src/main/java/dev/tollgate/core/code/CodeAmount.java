package dev.tollgate.core.code;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amount normalisation exactly as the Code SDK performs it in JavaScript, because the browser rebuilds the
 * intent id from the amount: one cent of disagreement yields a different payload and a different id.
 *
 * <p>The SDK does {@code parseFloat(amount.toFixed(2))} and then {@code parseInt((amount * 100).toFixed())}.
 * {@code toFixed} rounds the exact binary value of the double, ties away from zero, which is what
 * {@code new BigDecimal(double).setScale(n, HALF_UP)} does. {@code BigDecimal.valueOf(double)} would round the
 * shortest decimal representation instead and disagree on values such as 1.005 (really 1.00499999...).
 */
public final class CodeAmount {

    /** Seven little-endian bytes hold the cents in the payload. */
    static final long MAX_CENTS = (1L << 56) - 1;

    private static final long QUARKS_PER_KIN = 100_000L;

    private CodeAmount() {
    }

    /** JavaScript {@code x.toFixed(2)} as a decimal. */
    public static BigDecimal toFixed2(double amount) {
        requireFinite(amount);
        return new BigDecimal(amount).setScale(2, RoundingMode.HALF_UP);
    }

    /** JavaScript {@code parseFloat(x.toFixed(2))}: the double the SDK keeps and puts on the wire. */
    public static double normalize(double amount) {
        return toFixed2(amount).doubleValue();
    }

    /**
     * JavaScript {@code parseInt((normalized * 100).toFixed())}: the integer encoded into the payload. The
     * multiplication happens in double arithmetic on purpose (0.29 * 100 is 28.999999999999996 there).
     */
    public static long cents(double normalized) {
        requireFinite(normalized);
        return new BigDecimal(normalized * 100).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** The SDK's {@code Kin.fromDecimal}: {@code Math.round(amount * 100000)} in double arithmetic. */
    public static long kinQuarks(double normalized) {
        requireFinite(normalized);
        return Math.round(normalized * QUARKS_PER_KIN);
    }

    private static void requireFinite(double amount) {
        if (!Double.isFinite(amount)) {
            throw new IllegalArgumentException("amount must be a finite number, got " + amount);
        }
    }
}
