package dev.tollgate.core.code;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.wire.WireJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * The text in which a shared store keeps a {@link CreatedIntent}: one small JSON object, the same for every
 * store, so that instances share intents whatever their store. The amount keeps its scale ("0.05"): it is
 * compared with what the wallet paid.
 */
public final class StoredIntent {
    private StoredIntent() {
    }

    public static String encode(CreatedIntent intent) {
        ObjectNode o = WireJson.mapper().createObjectNode();
        o.put("id", intent.id());
        o.put("route", intent.route());
        o.put("amount", intent.amount().toPlainString());
        o.put("currency", intent.currency().code());
        o.put("destination", intent.destination());
        o.put("expiresAt", intent.expiresAt().toEpochMilli());
        return o.toString();
    }

    /**
     * Intent {@code intentId} as a store kept it in {@code text}, if it is that intent and has not expired: a
     * store's own expiry and the intent's must never disagree in the intent's favour.
     */
    public static Optional<CreatedIntent> found(String intentId, String text) {
        return decode(text).filter(i -> i.id().equals(intentId) && i.expiresAt().isAfter(Instant.now()));
    }

    /**
     * The intent {@code text} holds, if it holds one. An entry that cannot be read is no intent of this server's,
     * so it is never an error: the payment it was asked about is refused as unknown.
     */
    public static Optional<CreatedIntent> decode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            JsonNode o = WireJson.mapper().readTree(text);
            if (o == null || !o.isObject() || !o.path("expiresAt").canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new CreatedIntent(o.path("id").textValue(), o.path("route").textValue(),
                    new BigDecimal(o.path("amount").textValue()), CodeCurrency.of(o.path("currency").textValue()),
                    o.path("destination").textValue(), Instant.ofEpochMilli(o.path("expiresAt").longValue())));
        } catch (JsonProcessingException | RuntimeException e) {
            // Missing fields (null), an unknown currency or a malformed amount: not an intent of ours.
            return Optional.empty();
        }
    }
}
