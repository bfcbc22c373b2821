package dev.tollgate.core.route;

import dev.tollgate.core.gate.PaymentTerms;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The protected routes in order; the first that matches a request decides its terms.
 *
 * <p>Every request through a filter asks this table, paid or not, so matching must not cost more with more
 * routes: the patterns are indexed in a tree of path segments (literal children, one variable child, and the
 * routes that end or that match everything below at each node). A lookup walks the request's segments
 * once, collects the routes whose pattern matches, and keeps the earliest that applies to the method: the
 * same answer as trying each route in order, at a cost bounded by the path's depth, not the table's size.
 */
public final class RouteTable {
    private final List<Route> routes;
    private final Node root = new Node();

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
        for (int i = 0; i < this.routes.size(); i++) {
            RoutePattern pattern = this.routes.get(i).pattern();
            Node node = root;
            for (String segment : pattern.segments()) {
                node = RoutePattern.isVariable(segment)
                        ? (node.variable == null ? node.variable = new Node() : node.variable)
                        : node.literal.computeIfAbsent(segment, k -> new Node());
            }
            (pattern.prefix() ? node.below : node.here).add(i);
        }
    }

    public Optional<PaymentTerms> match(String method, String path) {
        String m = method.toUpperCase(Locale.ROOT);
        int first = first(root, RoutePattern.split(path), 0, m, Integer.MAX_VALUE);
        return first == Integer.MAX_VALUE ? Optional.empty() : Optional.of(routes.get(first).terms());
    }

    /** The smallest index, below {@code best}, of a route under {@code node} that matches the rest of the path. */
    private int first(Node node, List<String> parts, int depth, String method, int best) {
        best = earliest(node.below, method, best);
        if (depth == parts.size()) {
            return earliest(node.here, method, best);
        }
        Node literal = node.literal.get(parts.get(depth));
        if (literal != null) {
            best = first(literal, parts, depth + 1, method, best);
        }
        if (node.variable != null) {
            best = first(node.variable, parts, depth + 1, method, best);
        }
        return best;
    }

    private int earliest(List<Integer> candidates, String method, int best) {
        for (int i : candidates) {
            if (i >= best) {
                break; // indices were added in order
            }
            if (routes.get(i).appliesTo(method)) {
                return i;
            }
        }
        return best;
    }

    public List<Route> routes() {
        return routes;
    }

    private static final class Node {
        final Map<String, Node> literal = new HashMap<>();
        Node variable;
        /** Routes whose pattern ends here exactly. */
        final List<Integer> here = new ArrayList<>();
        /** Prefix routes ({@code /*}) whose fixed part ends here: they match any path reaching this node. */
        final List<Integer> below = new ArrayList<>();
    }
}
