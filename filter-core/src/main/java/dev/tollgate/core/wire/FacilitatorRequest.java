package dev.tollgate.core.wire;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of {@code POST /verify} and {@code POST /settle}. The payload is forwarded as the client sent it
 * (the signature covers its fields); the requirements are always the server's own.
 */
public record FacilitatorRequest(int x402Version, JsonNode paymentPayload, Object paymentRequirements) {
}
