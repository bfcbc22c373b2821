package dev.tollgate.core.gate;

import java.util.List;
import java.util.Objects;

/** What a protected route sells and how: the accepted options (any one pays), description and settlement mode. */
public record PaymentTerms(List<PaymentOption> options, String description, String mimeType,
                           SettlementMode settlement) {
    public PaymentTerms {
        options = List.copyOf(options);
        if (options.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one payment option");
        }
        description = description == null ? "" : description;
        Objects.requireNonNull(settlement, "settlement");
    }
}
