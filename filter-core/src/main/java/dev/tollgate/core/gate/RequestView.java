package dev.tollgate.core.gate;

import java.util.List;

/**
 * What an adapter hands the core about one HTTP request. The path is the one the container dispatches on
 * (decoded and normalized), so route matching sees what the handler will see.
 */
public interface RequestView {
    String method();

    /** Decoded, normalized path within the application, starting with "/". */
    String path();

    /** The absolute URL of the resource, as clients address it (scheme, host, port, path). */
    String resourceUrl();

    /**
     * The raw (still percent-encoded) path of {@link #resourceUrl()}, for adapters that have it without building
     * the URL; null, the default, lets the core take it from {@code resourceUrl()}.
     */
    default String resourceRawPath() {
        return null;
    }

    /** All values of a header, in order; empty when absent. */
    List<String> headers(String name);

    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }
}
