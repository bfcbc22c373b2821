package dev.tollgate.core.gate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request as an adapter would describe it; header names are case-insensitive, as in HTTP. */
record TestRequest(String method, String path, String resourceUrl, Map<String, List<String>> headerMap)
        implements RequestView {
    static final String ORIGIN = "http://localhost:8080";

    static TestRequest get(String path) {
        return new TestRequest("GET", path, ORIGIN + path, Map.of());
    }

    TestRequest with(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headerMap);
        List<String> values = new ArrayList<>(copy.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
        values.add(value);
        copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
        return new TestRequest(method, path, resourceUrl, Map.copyOf(copy));
    }

    @Override
    public List<String> headers(String name) {
        return headerMap.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
}
