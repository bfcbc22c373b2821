package dev.tollgate.core.verify;

import java.util.Locale;
import java.util.Optional;

/** Which API the configured facilitator speaks ({@code facilitator.dialect}). */
public enum FacilitatorDialect {
    /** The standard x402 facilitator: {@code /verify} and {@code /settle} take the x402 payload. */
    X402("x402"),
    /** The proof-API dialect: {@code x-402-payment} proofs, {@code /verify} with {@code {proof, network}}. */
    PROOF_API("proof-api");

    private final String setting;

    FacilitatorDialect(String setting) {
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }

    public static Optional<FacilitatorDialect> of(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (FacilitatorDialect d : values()) {
            if (d.setting.equals(v)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
