package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A facilitator's answer to {@code GET /supported}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SupportedResponse(List<Kind> kinds, JsonNode extensions, JsonNode signers) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Kind(int x402Version, String scheme, String network, JsonNode extra) {
    }
}
