package dev.tollgate.reliability.gate;

import dev.tollgate.core.gate.RequestView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request as an adapter hands it to the core, for tests that go through {@code Tollgate.check}. */
final class Req implements RequestView {
    private final String method;
    private final String path;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private Req(String method, String path) {
        this.method = method;
        this.path = path;
    }

    static Req get(String path) {
        return new Req("GET", path);
    }

    Req with(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
        return this;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String resourceUrl() {
        return "http://127.0.0.1" + path;
    }

    @Override
    public List<String> headers(String name) {
        return List.copyOf(headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    }
}
