package dev.tollgate.core.evm;

/**
 * 0x-prefixed hexadecimal, the way EVM values travel in x402 payloads.
 *
 * <p>Parsing is strict on purpose: payloads come from untrusted clients, so a missing prefix, an odd
 * number of digits or a stray character is an error with a message that names the problem, never a
 * silently truncated value.
 */
public final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** Lowercase, 0x-prefixed rendering of {@code bytes}. */
    public static String encode(byte[] bytes) {
        char[] out = new char[2 + bytes.length * 2];
        out[0] = '0';
        out[1] = 'x';
        for (int i = 0; i < bytes.length; i++) {
            out[2 + 2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[3 + 2 * i] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /** Decodes {@code 0x…} (or {@code 0X…}, which the x402 spec also allows) of any even length. */
    public static byte[] decode(String hex) {
        String digits = stripPrefix(hex);
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("hex value has an odd number of digits (" + digits.length() + ")");
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((digit(digits, 2 * i) << 4) | digit(digits, 2 * i + 1));
        }
        return out;
    }

    /** Decodes {@code 0x…} that must hold exactly {@code length} bytes. */
    public static byte[] decode(String hex, int length) {
        byte[] bytes = decode(hex);
        if (bytes.length != length) {
            throw new IllegalArgumentException(
                    "hex value must be " + length + " bytes, got " + bytes.length);
        }
        return bytes;
    }

    /** The digits after a mandatory 0x/0X prefix; package-private for address and integer parsing. */
    static String stripPrefix(String hex) {
        if (hex == null) {
            throw new IllegalArgumentException("hex value is missing");
        }
        if (hex.length() < 2 || hex.charAt(0) != '0' || (hex.charAt(1) != 'x' && hex.charAt(1) != 'X')) {
            throw new IllegalArgumentException("hex value must start with 0x: '" + abbreviate(hex) + "'");
        }
        return hex.substring(2);
    }

    private static int digit(String digits, int index) {
        int value = Character.digit(digits.charAt(index), 16);
        // Character.digit also accepts non-ASCII digits (e.g. fullwidth); only ASCII belongs in hex.
        if (value < 0 || digits.charAt(index) > 'f') {
            throw new IllegalArgumentException(
                    "hex value has a non-hex character '" + digits.charAt(index) + "' at position " + (index + 2));
        }
        return value;
    }

    /** Keeps error messages short when a client sends something huge. */
    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
