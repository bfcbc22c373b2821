package dev.tollgate.core.gate;

import dev.tollgate.core.code.CodeOption;
import java.util.List;
import java.util.Objects;

/**
 * What a protected route sells and how: the accepted options (any one pays), description and settlement mode.
 * {@code code}, when not null, also accepts a Code payment intent (see {@link CodeOption}).
 */
public record PaymentTerms(List<PaymentOption> options, String description, String mimeType,
                           SettlementMode settlement, CodeOption code) {
    public PaymentTerms {
        options = List.copyOf(options);
        if (options.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one payment option");
        }
        description = description == null ? "" : description;
        Objects.requireNonNull(settlement, "settlement");
    }

    /** Terms paid with x402 only. */
    public PaymentTerms(List<PaymentOption> options, String description, String mimeType, SettlementMode settlement) {
        this(options, description, mimeType, settlement, null);
    }

    /** These terms, also payable with a Code intent (or no longer, with null). */
    public PaymentTerms withCode(CodeOption option) {
        return new PaymentTerms(options, description, mimeType, settlement, option);
    }
}
