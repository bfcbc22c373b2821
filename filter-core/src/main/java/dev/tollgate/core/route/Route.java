package dev.tollgate.core.route;

import dev.tollgate.core.gate.PaymentTerms;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** A protected route: methods (empty = every method), a path pattern, and its terms. */
public record Route(String name, Set<String> methods, RoutePattern pattern, PaymentTerms terms) {
    public Route {
        methods = methods.stream().map(m -> m.strip().toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public boolean matches(String method, String path) {
        return appliesTo(method.toUpperCase(Locale.ROOT)) && pattern.matches(path);
    }

    /**
     * HEAD runs the GET handler in servlets and JAX-RS alike, so a paid GET makes HEAD paid too.
     * {@code method} is upper case.
     */
    boolean appliesTo(String method) {
        return methods.isEmpty() || methods.contains(method) || ("HEAD".equals(method) && methods.contains("GET"));
    }
}
