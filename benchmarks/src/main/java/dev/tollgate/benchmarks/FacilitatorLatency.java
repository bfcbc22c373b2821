package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.verify.FacilitatorSettings;
import dev.tollgate.core.verify.HttpFacilitatorClient;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.VerifyOutcome;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * One thread, one facilitator call after another: the latency of {@link HttpFacilitatorClient#verify} against
 * a facilitator (the double), as percentiles, to separate the client's cost from the gate's and the
 * container's. With {@code threads} above one, that many threads call at once (request threads of a busy
 * server), each {@code calls / threads} times, and the line also gives the calls per second of them all.
 * Usage: {@code FacilitatorLatency http://127.0.0.1:8092 template.txt [calls] [threads]}
 */
public final class FacilitatorLatency {
    private FacilitatorLatency() {
    }

    public static void main(String[] args) throws Exception {
        HttpFacilitatorClient client = new HttpFacilitatorClient(FacilitatorSettings.of(URI.create(args[0])));
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        ObjectMapper json = new ObjectMapper();
        JsonNode proof = json.readTree(Base64.getDecoder().decode(Files.readAllLines(Path.of(args[1])).get(3)));
        PaymentAttempt attempt = PaidOffer.benchAttempt(json, proof);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int each = calls / threads;
        long[] nanos = new long[each * threads];
        long wall = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            Thread[] callers = new Thread[threads];
            Throwable[] failed = new Throwable[1];
            for (int t = 0; t < threads; t++) {
                int from = t * each;
                callers[t] = new Thread(() -> {
                    for (int i = from; i < from + each; i++) {
                        long start = System.nanoTime();
                        if (!(client.verify(attempt) instanceof VerifyOutcome.Valid)) {
                            failed[0] = new IllegalStateException("the facilitator did not answer valid");
                            return;
                        }
                        nanos[i] = System.nanoTime() - start;
                    }
                }, "caller-" + t);
            }
            long start = System.nanoTime();
            for (Thread t : callers) {
                t.start();
            }
            for (Thread t : callers) {
                t.join();
            }
            wall = System.nanoTime() - start;
            if (failed[0] != null) {
                throw new IllegalStateException(failed[0]);
            }
        }
        int n = nanos.length;
        Arrays.sort(nanos);
        System.out.printf("RESULT calls=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d threads=%d calls_per_s=%d%n", n,
                nanos[n / 2] / 1000, nanos[n * 9 / 10] / 1000, nanos[n * 99 / 100] / 1000, nanos[n - 1] / 1000,
                threads, n * 1_000_000_000L / wall);
    }
}
