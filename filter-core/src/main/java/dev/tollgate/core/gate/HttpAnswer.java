package dev.tollgate.core.gate;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A complete response the core decided on (challenge, rejection, replacement); adapters write it verbatim. */
public record HttpAnswer(int status, Map<String, String> headers, String contentType, byte[] body) {
    public HttpAnswer {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? new byte[0] : body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
