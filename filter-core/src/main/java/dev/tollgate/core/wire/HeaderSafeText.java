package dev.tollgate.core.wire;

/**
 * Whether a value a facilitator names can be sent back to the client in a settlement header: short, and printable
 * ASCII only, since it goes out twice, base64 encoded, and a container refuses (with a 500, after the payment was
 * made) headers over its limit.
 */
public final class HeaderSafeText {
    /** Longer than any chain's transaction id (an EVM hash is 66 characters, a Solana signature about 88). */
    public static final int MAX_TRANSACTION_CHARS = 128;

    private HeaderSafeText() {
    }

    /** At most {@code maxLength} characters, each from {@code lowest} to {@code '~'}. */
    public static boolean within(String value, int maxLength, char lowest) {
        if (value.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < lowest || c > '~') {
                return false;
            }
        }
        return true;
    }
}
