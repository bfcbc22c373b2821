package dev.tollgate.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.SettlementMode;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final Network SEPOLIA = NetworkRegistry.defaults().find("base-sepolia").orElseThrow();

    private static PaymentTerms terms(String description, long amount) {
        return new PaymentTerms(List.of(new PaymentOption("exact", SEPOLIA, BigInteger.valueOf(amount),
                SEPOLIA.usdcAddress(), "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", 60, "USDC", "2")),
                description, "application/json", SettlementMode.AFTER);
    }

    private static Route route(String name, Set<String> methods, String pattern, PaymentTerms terms) {
        return new Route(name, methods, RoutePattern.parse(pattern), terms);
    }

    @Test
    void theFirstMatchingRouteDecidesTheTermsEvenWhenALaterOneIsMoreSpecific() {
        PaymentTerms broad = terms("broad", 10_000);
        PaymentTerms specific = terms("specific", 1_000_000);
        RouteTable table = new RouteTable(List.of(
                route("broad", Set.of(), "/premium/*", broad),
                route("specific", Set.of(), "/premium/gold", specific)));
        assertSame(broad, table.match("GET", "/premium/gold").orElseThrow());
    }

    @Test
    void aLaterRouteAppliesWhereTheEarlierOnesDoNotMatch() {
        PaymentTerms first = terms("first", 10_000);
        PaymentTerms second = terms("second", 20_000);
        RouteTable table = new RouteTable(List.of(
                route("a", Set.of(), "/a/*", first),
                route("b", Set.of(), "/b/*", second)));
        assertSame(second, table.match("GET", "/b/x").orElseThrow());
    }

    @Test
    void aPathNoRouteMatchesIsFree() {
        RouteTable table = new RouteTable(List.of(route("a", Set.of(), "/premium/*", terms("a", 1))));
        assertTrue(table.match("GET", "/free").isEmpty());
    }

    @Test
    void aRouteWithMethodsAppliesOnlyToThoseMethods() {
        RouteTable table = new RouteTable(List.of(route("post", Set.of("POST"), "/api/*", terms("post", 1))));
        assertTrue(table.match("POST", "/api/x").isPresent());
        assertTrue(table.match("GET", "/api/x").isEmpty());
    }

    @Test
    void methodsAreComparedWithoutRegardToCase() {
        RouteTable table = new RouteTable(List.of(route("post", Set.of(" post "), "/api/*", terms("post", 1))));
        assertTrue(table.match("POST", "/api/x").isPresent());
        assertTrue(table.match("Post", "/api/x").isPresent());
    }

    @Test
    void aRouteWithoutMethodsAppliesToEveryMethod() {
        RouteTable table = new RouteTable(List.of(route("all", Set.of(), "/api/*", terms("all", 1))));
        for (String m : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")) {
            assertTrue(table.match(m, "/api/x").isPresent(), m);
        }
    }

    @Test
    void aMethodThatDoesNotMatchFallsThroughToTheNextRoute() {
        PaymentTerms writes = terms("writes", 50_000);
        PaymentTerms reads = terms("reads", 10_000);
        RouteTable table = new RouteTable(List.of(
                route("writes", Set.of("POST", "PUT"), "/api/*", writes),
                route("reads", Set.of(), "/api/*", reads)));
        assertSame(writes, table.match("PUT", "/api/x").orElseThrow());
        assertSame(reads, table.match("GET", "/api/x").orElseThrow());
    }

    @Test
    void theTableKeepsItsRoutesInOrder() {
        RouteTable table = new RouteTable(List.of(route("z", Set.of(), "/z", terms("z", 1)),
                route("a", Set.of(), "/a", terms("a", 1))));
        assertEquals(List.of("z", "a"), table.routes().stream().map(Route::name).toList());
    }

    @Test
    void theIndexAnswersExactlyAsTryingEveryRouteInOrderWould() {
        List<String> patterns = List.of("/*", "/", "/a", "/a/*", "/a/{x}", "/a/b", "/{x}/b", "/{x}/{y}/*", "/A/B/c",
                "/a/b/*", "/{x}", "/c/*", "/c/{x}/d");
        List<String> paths = List.of("/", "/a", "/A", "/a/", "/a/b", "/a/B/", "/a/c", "/b/b", "/a/b/c", "/a/b/c/d",
                "/c", "/c/x/d", "/c/x/e", "/z/y/x", "/zz");
        List<Set<String>> methodSets = List.of(Set.of(), Set.of("GET"), Set.of("POST"), Set.of("get", "PUT"));
        java.util.Random random = new java.util.Random(9);
        for (int round = 0; round < 300; round++) {
            List<Route> routes = new java.util.ArrayList<>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                routes.add(route("r" + i, methodSets.get(random.nextInt(methodSets.size())),
                        patterns.get(random.nextInt(patterns.size())), terms("r" + i, 1 + i)));
            }
            RouteTable table = new RouteTable(routes);
            for (String path : paths) {
                for (String method : List.of("GET", "HEAD", "POST", "put")) {
                    java.util.Optional<PaymentTerms> scan = routes.stream().filter(r -> r.matches(method, path))
                            .findFirst().map(Route::terms);
                    assertEquals(scan, table.match(method, path), method + " " + path + " against " + routes);
                }
            }
        }
    }
}
