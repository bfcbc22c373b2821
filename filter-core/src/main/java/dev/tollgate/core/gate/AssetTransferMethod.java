package dev.tollgate.core.gate;

import java.util.Optional;

/**
 * How an exact-EVM payment moves the asset, as x402 v2's exact scheme on EVM names it in a requirement's
 * {@code extra.assetTransferMethod}: the token's own EIP-3009 {@code transferWithAuthorization} (the default), or
 * a Permit2 {@code permitWitnessTransferFrom} through the x402 Permit2 proxy, for tokens without EIP-3009.
 */
public enum AssetTransferMethod {
    EIP3009("eip3009", "authorization"),
    PERMIT2("permit2", "permit2Authorization");

    private final String word;
    private final String payloadField;

    AssetTransferMethod(String word, String payloadField) {
        this.word = word;
        this.payloadField = payloadField;
    }

    /** The value of {@code extra.assetTransferMethod}. */
    public String word() {
        return word;
    }

    /** The field of the payment payload that carries what this method's signature signs. */
    public String payloadField() {
        return payloadField;
    }

    /** The method a setting or a requirement names, in any case. */
    public static Optional<AssetTransferMethod> named(String word) {
        for (AssetTransferMethod m : values()) {
            if (word != null && m.word.equalsIgnoreCase(word.trim())) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return word;
    }
}
