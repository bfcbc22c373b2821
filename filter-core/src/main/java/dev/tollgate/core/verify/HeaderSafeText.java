package dev.tollgate.core.verify;

/**
 * Whether a value a facilitator names can be sent back to the client in a settlement header: short, and printable
 * ASCII only, since it goes out twice, base64 encoded, and a container refuses (with a 500, after the payment was
 * made) headers over its limit.
 */
final class HeaderSafeText {
    private HeaderSafeText() {
    }

    /** At most {@code maxLength} characters, each from {@code lowest} to {@code '~'}. */
    static boolean within(String value, int maxLength, char lowest) {
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
