package dev.tollgate.core.verify;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how to reach an x402 facilitator. {@code headers} may carry credentials: they are sent, never
 * logged, and {@link #toString()} omits their values, and the URL's user info and query.
 */
public record FacilitatorSettings(
        URI baseUrl,
        Map<String, String> headers,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxResponseBytes) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    public FacilitatorSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * Whether a header can be sent as it is: its name an HTTP token (RFC 9110), its value on one line. A line
     * break would end the header early and start another one, or the request's body.
     */
    public static boolean sendableHeader(String name, String value) {
        return name != null && value != null && TOKEN.matcher(name).matches()
                && value.indexOf('\r') < 0 && value.indexOf('\n') < 0;
    }

    public static FacilitatorSettings of(URI baseUrl) {
        return new FacilitatorSettings(baseUrl, Map.of(), DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_RESPONSE_BYTES);
    }

    @Override
    public String toString() {
        // User info and a query may hold credentials too; where the facilitator is needs neither.
        String where = baseUrl.getScheme() + "://" + baseUrl.getHost() + (baseUrl.getPort() == -1 ? "" : ":" + baseUrl.getPort())
                + (baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath());
        return "FacilitatorSettings[baseUrl=" + where + ", headers=" + headers.keySet()
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
    }
}
