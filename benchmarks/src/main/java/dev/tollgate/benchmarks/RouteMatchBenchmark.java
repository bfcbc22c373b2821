package dev.tollgate.benchmarks;

import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.SettlementMode;
import dev.tollgate.core.route.Route;
import dev.tollgate.core.route.RoutePattern;
import dev.tollgate.core.route.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RouteTable#match} with 10 and with 10,000 routes: a third exact paths, a third {@code {id}} templates,
 * a third {@code /*} prefixes, GET only. {@code last} hits the last route added (the worst case for a
 * first-match scan), {@code miss} is an unprotected path (what every free request through the filter pays).
 * Both ask for one path again and again, which keeps the few nodes it visits in the CPU's cache however large
 * the table; {@code spread} asks for 1,024 paths of routes drawn across the whole table in turn, so that a large
 * table also pays for the memory it spans, as a server's mix of requests would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouteMatchBenchmark {
    @Param({"10", "10000"})
    public int routes;

    private RouteTable table;
    private String last;
    private final String[] spread = new String[1024];
    private int next;

    @Setup
    public void setUp() {
        PaymentTerms terms = new PaymentTerms(List.of(PaidOffer.BENCH_OPTION), "", null, SettlementMode.AFTER);
        List<Route> list = new ArrayList<>();
        for (int i = 0; i < routes; i++) {
            String pattern = switch (i % 3) {
                case 0 -> "/shop" + i + "/items/{id}";
                case 1 -> "/reports" + i + "/*";
                default -> "/api/v1/thing" + i;
            };
            list.add(new Route("r" + i, Set.of("GET"), RoutePattern.parse(pattern), terms));
        }
        table = new RouteTable(list);
        last = pathOf(routes - 1);
        Random random = new Random(42);
        for (int j = 0; j < spread.length; j++) {
            spread[j] = pathOf(random.nextInt(routes));
            if (table.match("GET", spread[j]).isEmpty()) {
                throw new IllegalStateException("route table does not match " + spread[j]);
            }
        }
        if (table.match("GET", last).isEmpty() || table.match("GET", "/public/index.html").isPresent()) {
            throw new IllegalStateException("route table does not match as the benchmark expects");
        }
    }

    /** A request path that route {@code i} matches. */
    private static String pathOf(int i) {
        return switch (i % 3) {
            case 0 -> "/shop" + i + "/items/42";
            case 1 -> "/reports" + i + "/2026/q3";
            default -> "/api/v1/thing" + i;
        };
    }

    @Benchmark
    public Optional<PaymentTerms> last() {
        return table.match("GET", last);
    }

    @Benchmark
    public Optional<PaymentTerms> spread() {
        return table.match("GET", spread[next++ & (spread.length - 1)]);
    }

    @Benchmark
    public Optional<PaymentTerms> miss() {
        return table.match("GET", "/public/index.html");
    }
}
