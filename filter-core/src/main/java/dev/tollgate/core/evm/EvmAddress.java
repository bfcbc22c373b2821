package dev.tollgate.core.evm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A 20-byte EVM account address. Equality compares the bytes, so two spellings that differ only in
 * case (lowercase vs EIP-55 checksum) are the same address.
 */
public final class EvmAddress {

    public static final int LENGTH = 20;

    private final byte[] bytes;

    private EvmAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Parses {@code 0x} + 40 hex digits. All-lowercase and all-uppercase input is taken as is; mixed case
     * claims to be an EIP-55 checksum and must be one, because a wrong checksum usually means a typo in
     * an address that money is about to be sent to.
     */
    public static EvmAddress parse(String text) {
        String digits;
        try {
            digits = Hex.stripPrefix(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("address " + e.getMessage(), e);
        }
        if (digits.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("address must be 0x followed by 40 hex digits, got "
                    + digits.length() + " digits: '" + Hex.abbreviate(text) + "'");
        }
        EvmAddress address;
        try {
            address = new EvmAddress(Hex.decode(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("address " + e.getMessage(), e);
        }
        boolean mixedCase = !digits.equals(digits.toLowerCase(java.util.Locale.ROOT))
                && !digits.equals(digits.toUpperCase(java.util.Locale.ROOT));
        if (mixedCase && !address.toChecksumHex().substring(2).equals(digits)) {
            throw new IllegalArgumentException("address has an invalid EIP-55 checksum: '" + text
                    + "' (expected " + address.toChecksumHex() + ")");
        }
        return address;
    }

    /** Wraps exactly 20 bytes (copied). */
    public static EvmAddress of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("address must be 20 bytes, got " + bytes.length);
        }
        return new EvmAddress(bytes.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Canonical lowercase form, convenient for map keys and logs that get grepped. */
    public String toLowerHex() {
        return Hex.encode(bytes);
    }

    /** EIP-55: uppercase each letter whose nibble in keccak(lowercase hex digits) is >= 8. */
    public String toChecksumHex() {
        String lower = toLowerHex().substring(2);
        byte[] hash = Keccak256.hash(lower.getBytes(StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder(2 + lower.length()).append("0x");
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
            out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EvmAddress that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The EIP-55 form, as wallets and block explorers show it. */
    @Override
    public String toString() {
        return toChecksumHex();
    }
}
