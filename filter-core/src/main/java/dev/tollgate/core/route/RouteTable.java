package dev.tollgate.core.route;

import dev.tollgate.core.gate.PaymentTerms;
import java.util.List;
import java.util.Optional;

/** The protected routes in order; the first that matches a request decides its terms. */
public final class RouteTable {
    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public Optional<PaymentTerms> match(String method, String path) {
        for (Route r : routes) {
            if (r.matches(method, path)) {
                return Optional.of(r.terms());
            }
        }
        return Optional.empty();
    }

    public List<Route> routes() {
        return routes;
    }
}
