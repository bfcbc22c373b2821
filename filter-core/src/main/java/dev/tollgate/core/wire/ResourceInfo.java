package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/** x402 v2 description of the resource being sold. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceInfo(String url, String description, String mimeType) {
}
