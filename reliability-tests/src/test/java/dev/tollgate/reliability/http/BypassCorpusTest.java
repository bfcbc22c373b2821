package dev.tollgate.reliability.http;

import static dev.tollgate.reliability.http.PaidApps.MARKER;
import static dev.tollgate.reliability.http.PaidApps.RUNS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.tollgate.reliability.http.BypassCorpus.Expect;
import dev.tollgate.reliability.http.BypassCorpus.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The bypass corpus against both bindings on real Jetty 12 ee10, sent byte for byte: no variant gets paid
 * content (body checked, handler runs counted), ambiguous ones get exactly 400.
 */
class BypassCorpusTest {
    static PaidApps apps;
    /** The servlet filter mapped only where it charges, as README's web.xml example maps it. */
    static PaidApps narrow;
    /** Ambiguous variants Jetty resolved outside what Tollgate is mapped to, and answered itself. */
    static final List<String> CONTAINER_404 = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterAll
    static void report() throws Exception {
        narrow.close();
        System.out.println("corpus: " + CONTAINER_404.size() + " ambiguous variants never reached Tollgate (Jetty answered): "
                + CONTAINER_404);
    }

    @BeforeAll
    static void start() throws Exception {
        apps = PaidApps.shared();
        narrow = new PaidApps(http -> { }, PaidApps.DOCUMENTED_DISPATCH, "/premium/*", "/getonly/*", "/async/*");
    }

    @TestFactory
    Stream<DynamicTest> servletFilter() {
        List<Variant> variants = new ArrayList<>(BypassCorpus.of("/premium/report"));
        variants.addAll(dispatches());
        return variants.stream().map(v -> dynamicTest(v.toString(), () -> attempt(apps.servletPort(), v, Mode.FILTER_EVERYWHERE)));
    }

    /**
     * The same corpus with the filter mapped to the paid patterns only: what it never sees must still not get
     * paid content, and an ambiguous path either reaches it (400) or is the container's to answer.
     */
    @TestFactory
    Stream<DynamicTest> servletFilterMappedToPaidPathsOnly() {
        List<Variant> variants = new ArrayList<>(BypassCorpus.of("/premium/report"));
        variants.addAll(dispatches());
        return variants.stream().map(v -> dynamicTest(v.toString(), () -> attempt(narrow.servletPort(), v, Mode.NARROW)));
    }

    @TestFactory
    Stream<DynamicTest> jerseyServlet() {
        List<Variant> variants = new ArrayList<>(BypassCorpus.of("/api/premium/report"));
        variants.add(plain("async", "/api/premium/async"));
        variants.add(plain("async", "/api/premium/anything/below"));
        return variants.stream().map(v -> dynamicTest(v.toString(), () -> attempt(apps.jerseyPort(), v, Mode.JERSEY)));
    }

    @Test
    void theCorpusHasAtLeastThreeHundredVariantsPerBinding() {
        for (String base : List.of("/premium/report", "/api/premium/report")) {
            java.util.Map<String, Long> groups = new java.util.TreeMap<>();
            BypassCorpus.of(base).forEach(v -> groups.merge(v.group() + (v.expect() == Expect.AMBIGUOUS ? " (400)" : ""),
                    1L, Long::sum));
            System.out.println("corpus " + base + ": " + groups);
        }
        assertTrue(BypassCorpus.of("/premium/report").size() >= 300, "" + BypassCorpus.of("/premium/report").size());
        assertTrue(BypassCorpus.of("/api/premium/report").size() >= 300, "" + BypassCorpus.of("/api/premium/report").size());
    }

    /** Forward, include and async dispatches from a free page, and paid asynchronous servlets. */
    private static List<Variant> dispatches() {
        List<Variant> v = new ArrayList<>();
        for (String to : List.of("/premium/report", "/premium/%72eport", "/PREMIUM/report", "/free/../premium/report",
                "/premium/./report", "/premium/report;x=1", "/getonly/x", "/async/x")) {
            String q = "?to=" + to.replace("%", "%25").replace(";", "%3B");
            v.add(plain("forward", "/dispatch/forward" + q));
            v.add(new Variant("include", "GET /dispatch/include" + q,
                    RawHttp.request("GET", "/dispatch/include" + q, List.of(), null), Expect.DENIED_OR_500, "GET"));
            v.add(plain("async-dispatch", "/dispatch/async" + q));
        }
        v.add(plain("async", "/async/x"));
        v.add(plain("get-only route", "/getonly/x"));
        v.add(new Variant("get-only route", "HEAD /getonly/x", RawHttp.request("HEAD", "/getonly/x", List.of(), null),
                Expect.DENIED, "HEAD"));
        v.add(new Variant("get-only route", "POST /getonly/x X-HTTP-Method-Override: GET", RawHttp.request("POST",
                "/getonly/x", List.of("X-HTTP-Method-Override: GET", "Content-Length: 0"), null), Expect.DENIED, "POST"));
        return v;
    }

    private static Variant plain(String group, String target) {
        return new Variant(group, "GET " + target, RawHttp.request("GET", target, List.of(), null), Expect.DENIED, "GET");
    }

    enum Mode {
        /** The servlet filter on /*: it sees every request, so every ambiguous one gets its 400. */
        FILTER_EVERYWHERE,
        /**
         * The servlet filter on the paid patterns only, and Jersey (which sees only what Jetty dispatches to
         * its servlet): an ambiguous path that Jetty resolves outside them ({@code /api/../premium/report},
         * {@code /api%3B/premium/report}) gets Jetty's own 404 (or, servlet side, a free page) and never
         * meets Tollgate.
         */
        NARROW,
        JERSEY
    }

    private static void attempt(int port, Variant v, Mode mode) throws Exception {
        int before = RUNS.get();
        String response = RawHttp.exchange(port, v.request());
        // Asynchronous handlers finish on other threads: give a leak the time to show in the count.
        if (v.group().startsWith("async")) {
            Thread.sleep(50);
        }
        List<Integer> statuses = RawHttp.statuses(response);
        String first = response.isEmpty() ? "(no answer)" : response.substring(0, Math.max(0, response.indexOf('\r')));
        assertFalse(response.contains(MARKER), v + " leaked paid content: " + first);
        assertEquals(before, RUNS.get(), v + " ran a paid handler: " + first);
        // Without a status line the checks below would have nothing to look at and pass vacuously.
        assertFalse(statuses.isEmpty(), v + " got no HTTP answer: " + first);
        for (int status : statuses) {
            switch (v.expect()) {
                case AMBIGUOUS -> {
                    boolean containerOnly = switch (mode) {
                        case FILTER_EVERYWHERE -> false;
                        case JERSEY -> status == 404 && !response.contains(PaidApps.SEEN_BY_JERSEY);
                        // Tollgate's own answers carry exactly "Cache-Control: no-store"; Jetty's error page
                        // ("must-revalidate,no-cache,no-store") and the free page do not.
                        case NARROW -> (status == 404 || (status == 200 && response.contains(PaidApps.FREE)))
                                && !response.contains("Cache-Control: no-store\r\n");
                    };
                    if (containerOnly) {
                        CONTAINER_404.add(mode + " " + status + " " + v.label());
                    } else {
                        assertEquals(400, status, v + " is ambiguous but answered " + first);
                    }
                }
                case DENIED -> {
                    boolean optionsAllow = v.method().equals("OPTIONS") && status == 200;
                    boolean freePage = status == 200 && response.contains(PaidApps.FREE);
                    assertTrue(status >= 400 || optionsAllow || freePage, v + " answered " + status);
                    assertTrue(status != 500, v + " answered 500");
                }
                case DENIED_OR_500 -> assertTrue(status >= 400 || (status == 200 && response.contains(PaidApps.FREE)),
                        v + " answered " + status);
            }
        }
    }
}
