package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A facilitator's answer to {@code POST /verify}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyResponse(
        @JsonProperty("isValid") boolean isValid,
        String invalidReason,
        String invalidMessage,
        String payer) {
}
