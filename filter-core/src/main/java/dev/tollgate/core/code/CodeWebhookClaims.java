package dev.tollgate.core.code;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The verified claims of a Code webhook. Numbers are kept as decimals because {@code 0.01} must stay 0.01
 * when it is compared with a price.
 *
 * @param all every claim, including ones not modelled here
 */
public record CodeWebhookClaims(String intent, String currency, BigDecimal amount, BigDecimal exchangeRate,
                                Long quarks, String destination, String state, Map<String, Object> all) {

    public static final String STATE_SUBMITTED = "SUBMITTED";

    public CodeWebhookClaims {
        all = all == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(all));
    }

    /** The payment went through (the only state Code currently reports by webhook). */
    public boolean isSubmitted() {
        return STATE_SUBMITTED.equals(state);
    }
}
