package dev.tollgate.core.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * The Code SDK vectors (copied from the shared protocol vectors into test resources so the build does not
 * depend on files outside the module).
 */
final class CodeVectors {

    static final JsonNode ROOT = load();

    private CodeVectors() {
    }

    static JsonNode paymentIntent() {
        return ROOT.path("paymentIntent");
    }

    static JsonNode getStatus() {
        return ROOT.path("getStatus");
    }

    static JsonNode webhookJwt() {
        return ROOT.path("webhookJwt");
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode()) {
            throw new IllegalStateException("vector field missing: " + field);
        }
        return value.asText();
    }

    static byte[] hex(JsonNode node, String field) {
        return HexFormat.of().parseHex(text(node, field));
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static JsonNode load() {
        try (InputStream in = CodeVectors.class.getResourceAsStream("code-intents.json")) {
            if (in == null) {
                throw new IllegalStateException("test resource code-intents.json is missing");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
