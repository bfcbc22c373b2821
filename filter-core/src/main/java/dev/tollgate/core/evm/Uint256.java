package dev.tollgate.core.evm;

import java.math.BigInteger;

/** EVM uint256 values: range checks, ABI words, and the text forms the x402 exact payload allows. */
public final class Uint256 {

    public static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private Uint256() {
    }

    /**
     * Parses a uint256 as the exact-EVM spec encodes it: hex when prefixed with 0x/0X, decimal
     * otherwise, leading zeros allowed. Signs, spaces, exponents and fractions are errors.
     */
    public static BigInteger parse(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        BigInteger value;
        if (text.length() >= 2 && text.charAt(0) == '0' && (text.charAt(1) == 'x' || text.charAt(1) == 'X')) {
            String digits = text.substring(2);
            if (digits.isEmpty() || digits.length() > 64 || !allDigits(digits, 16)) {
                throw new IllegalArgumentException(field + " is not a uint256 hex number: '" + Hex.abbreviate(text) + "'");
            }
            value = new BigInteger(digits, 16);
        } else {
            if (text.length() > 78 || !allDigits(text, 10)) {
                throw new IllegalArgumentException(field + " is not a uint256 decimal number: '" + Hex.abbreviate(text) + "'");
            }
            value = new BigInteger(text);
        }
        return check(field, value);
    }

    /** Returns {@code value} if 0 <= value < 2^256, else throws naming {@code field}. */
    public static BigInteger check(String field, BigInteger value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (value.signum() < 0 || value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(field + " is outside the uint256 range: " + value);
        }
        return value;
    }

    /** The 32-byte big-endian ABI word of a value already known to be in range. */
    public static byte[] word(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        // toByteArray may carry one leading sign byte (0x00) beyond 32 bytes; copy only the low 32.
        int length = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - length, out, 32 - length, length);
        return out;
    }

    private static boolean allDigits(String s, int radix) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 'f' || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }
}
