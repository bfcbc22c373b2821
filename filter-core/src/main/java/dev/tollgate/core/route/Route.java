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
     * Whether this route, listed before {@code later}, takes every request {@code later} would match (first match
     * wins), so that {@code later} is never reached.
     */
    public boolean shadows(Route later) {
        return pattern.covers(later.pattern)
                && (methods.isEmpty() || !later.methods.isEmpty() && later.methods.stream().allMatch(this::appliesTo));
    }

    /**
     * HEAD runs the GET handler in servlets and JAX-RS alike, so a paid GET makes HEAD paid too.
     * {@code method} is upper case.
     */
    boolean appliesTo(String method) {
        return methods.isEmpty() || methods.contains(method) || ("HEAD".equals(method) && methods.contains("GET"));
    }
}
