package dev.tollgate.core.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;

/**
 * Strict codec for the x402 headers: standard base64 (with padding) over UTF-8 JSON, with a size limit
 * checked before any decoding work is done.
 */
public final class HeaderCodec {
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

    private final int maxHeaderBytes;
    private final ObjectMapper mapper = WireJson.mapper();

    public HeaderCodec() {
        this(DEFAULT_MAX_HEADER_BYTES);
    }

    public HeaderCodec(int maxHeaderBytes) {
        if (maxHeaderBytes < 256) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 256, was " + maxHeaderBytes);
        }
        this.maxHeaderBytes = maxHeaderBytes;
    }

    public String encode(Object value) {
        try {
            return Base64.getEncoder().encodeToString(mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** Decodes a header into a JSON tree; the tree is what gets forwarded to a facilitator. */
    public JsonNode decodeTree(String headerName, String headerValue) throws MalformedPaymentException {
        return parseTree(headerName, decodeJson(headerName, headerValue));
    }

    /** The header's JSON text, base64-decoded after the size check; not yet parsed. */
    public byte[] decodeJson(String headerName, String headerValue) throws MalformedPaymentException {
        return base64(headerName, headerValue);
    }

    /** Parses what {@link #decodeJson} gave into a JSON object tree. */
    public JsonNode parseTree(String headerName, byte[] json) throws MalformedPaymentException {
        try {
            JsonNode node = mapper.readTree(json);
            if (node == null || !node.isObject()) {
                throw new MalformedPaymentException(headerName + " must hold a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedPaymentException(headerName + " is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new MalformedPaymentException(headerName + " could not be read");
        }
    }

    public <T> T decode(String headerName, String headerValue, Class<T> type) throws MalformedPaymentException {
        return bind(headerName, decodeTree(headerName, headerValue), type);
    }

    public <T> T bind(String what, JsonNode tree, Class<T> type) throws MalformedPaymentException {
        try {
            return mapper.treeToValue(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new MalformedPaymentException(what + " does not have the shape of " + type.getSimpleName()
                    + ": " + detail);
        }
    }

    private byte[] base64(String headerName, String headerValue) throws MalformedPaymentException {
        if (headerValue == null || headerValue.isBlank()) {
            throw new MalformedPaymentException(headerName + " is empty");
        }
        if (headerValue.length() > maxHeaderBytes) {
            throw new MalformedPaymentException(headerName + " is larger than " + maxHeaderBytes + " bytes");
        }
        try {
            // Latin-1 copies a compact string's bytes as they are; any character outside base64's alphabet,
            // non-ASCII ones included, is refused by the decoder either way.
            return Base64.getDecoder().decode(headerValue.strip());
        } catch (IllegalArgumentException e) {
            throw new MalformedPaymentException(headerName + " is not valid base64: " + e.getMessage());
        }
    }
}
