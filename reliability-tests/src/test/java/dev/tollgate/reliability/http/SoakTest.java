package dev.tollgate.reliability.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.Proofs;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The soak: both bindings on Jetty under steady mixed load for {@code tollgate.soak.duration} (default 10m),
 * sampling heap after GC, live threads and open file descriptors every 30 s into target/soak.csv. Not a CI
 * test: {@code reliability-tests/soak.sh} runs it. Loopback only, bounded in time and in rate.
 *
 * <p>Each client iteration, alternately on each binding: a paid request with a fresh proof (the facilitator
 * double accepts it), a replay of that proof, an unpaid request, an ambiguous path, a free page.
 */
@EnabledIfSystemProperty(named = "tollgate.soak", matches = "true", disabledReason = "run by soak.sh, not in CI")
class SoakTest {
    static final int CLIENTS = 8;
    static final int REQUESTS_PER_SECOND = 300;

    record Step(String path, boolean withProof, int status) {
    }

    static final List<Step> SERVLET = List.of(new Step("/premium/report", true, 200),
            new Step("/premium/report", true, 402), new Step("/premium/report", false, 402),
            new Step("/premium;x/report", false, 400), new Step("/free/x", false, 200));
    static final List<Step> JERSEY = List.of(new Step("/api/premium/report", true, 200),
            new Step("/api/premium/report", true, 402), new Step("/api/premium/report", false, 402),
            new Step("/api/premium;x/report", false, 400), new Step("/api/free", false, 200));

    @Test
    void steadyLoadKeepsHeapThreadsAndDescriptorsFlat() throws Exception {
        Duration duration = Duration.ofSeconds(Long.parseLong(System.getProperty("tollgate.soak.seconds", "600")));
        PaidApps apps = new PaidApps();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicLong sent = new AtomicLong();
        AtomicLong unexpected = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        long perRequestNanos = TimeUnit.SECONDS.toNanos(1) * CLIENTS / REQUESTS_PER_SECOND;
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            int clientNo = c;
            pool.submit(() -> {
                long next = System.nanoTime();
                for (int i = 0; System.nanoTime() < end; i++) {
                    boolean servlet = (clientNo + i) % 2 == 0;
                    String base = "http://127.0.0.1:" + (servlet ? apps.servletPort() : apps.jerseyPort());
                    String proof = proof();
                    for (Step step : servlet ? SERVLET : JERSEY) {
                        try {
                            int status = send(client, base + step.path(), step.withProof() ? proof : null);
                            if (status != step.status()) {
                                unexpected.incrementAndGet();
                            }
                        } catch (IOException e) {
                            unexpected.incrementAndGet();
                        }
                        sent.incrementAndGet();
                        next += perRequestNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        List<long[]> samples = new ArrayList<>();
        long started = System.nanoTime();
        new File("target").mkdirs();
        try (PrintWriter out = new PrintWriter(new File("target/soak.csv"), StandardCharsets.UTF_8)) {
            out.println("seconds,requests,heapAfterGcMiB,liveThreads,openFds,unexpected");
            while (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                // The facilitator double records every request it gets; that log is the test's, not Tollgate's.
                apps.facilitator.verifyRequests().clear();
                apps.facilitator.settleRequests().clear();
                long[] s = sample(started, sent.get(), unexpected.get());
                samples.add(s);
                out.printf(Locale.ROOT, "%d,%d,%d,%d,%d,%d%n", s[0], s[1], s[2], s[3], s[4], s[5]);
                out.flush();
                System.out.printf(Locale.ROOT, "soak t=%ds requests=%d heap=%dMiB threads=%d fds=%d unexpected=%d%n",
                        s[0], s[1], s[2], s[3], s[4], s[5]);
            }
        }
        apps.close();
        System.out.printf(Locale.ROOT, "soak done: %d requests, %d unexpected answers%n", sent.get(), unexpected.get());
        assertEquals(0, unexpected.get(), "answers other than expected");
        assertTrue(samples.size() >= 4, "too short to judge");
        // Flat: from the second minute on (the replay ledger first fills up for its 2-minute claims), the last
        // sample stays within 25 % + 16 MiB of heap, 10 threads and 20 descriptors of the second minute's.
        long[] warm = samples.get(3);
        long[] last = samples.get(samples.size() - 1);
        assertTrue(last[2] <= warm[2] * 1.25 + 16, "heap grew from " + warm[2] + " to " + last[2] + " MiB");
        assertTrue(last[3] <= warm[3] + 10, "threads grew from " + warm[3] + " to " + last[3]);
        assertTrue(last[4] <= warm[4] + 20, "file descriptors grew from " + warm[4] + " to " + last[4]);
    }

    private static long[] sample(long started, long requests, long unexpected) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
        String[] fds = new File("/proc/self/fd").list();
        return new long[] {(System.nanoTime() - started) / 1_000_000_000L, requests, heap, Thread.activeCount(),
            fds == null ? -1 : fds.length, unexpected};
    }

    private static int send(HttpClient client, String url, String proof) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (proof != null) {
            b.header("X-PAYMENT", proof);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Cheap well-formed proofs (the double checks no signature), valid 60 s so their claims lapse soon. */
    private static String proof() {
        byte[] nonce = new byte[32];
        ThreadLocalRandom.current().nextBytes(nonce);
        String json = "{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"payload\":{"
                + "\"signature\":\"0x" + "11".repeat(65) + "\",\"authorization\":{"
                + "\"from\":\"" + Proofs.PAYER.address().toChecksumHex() + "\",\"to\":\"" + Proofs.PAY_TO + "\","
                + "\"value\":\"10000\",\"validAfter\":\"0\",\"validBefore\":\"" + (System.currentTimeMillis() / 1000 + 60)
                + "\",\"nonce\":\"0x" + HexFormat.of().formatHex(nonce) + "\"}}}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
