package dev.tollgate.reliability.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrency over real sockets on both bindings: one proof sent 1,000 times at the same instant is admitted
 * once; clients that hang up before or during a paid answer leave the server healthy and are settled at most
 * once each.
 */
class ConcurrencyTest {
    static PaidApps apps;

    @BeforeAll
    static void start() throws Exception {
        apps = PaidApps.shared();
    }

    @Test
    void oneProofSentAThousandTimesAtOnceToTheServletFilterIsAdmittedOnce() throws Exception {
        assertAdmittedOnce(apps.servletPort(), "/premium/report");
    }

    @Test
    void oneProofSentAThousandTimesAtOnceToJerseyIsAdmittedOnce() throws Exception {
        assertAdmittedOnce(apps.jerseyPort(), "/api/premium/report");
    }

    /**
     * All 1,000 connections are open and have sent everything but the final CRLF; then the CRLFs go out
     * back to back, so the requests reach the gate together.
     */
    private static void assertAdmittedOnce(int port, String path) throws Exception {
        String proof = Proofs.proof().v1();
        int settledBefore = apps.facilitator.settleRequests().size();
        int runsBefore = PaidApps.RUNS.get();
        String head = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-PAYMENT: " + proof + "\r\n";
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(20_000);
                s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                sockets.add(s);
            }
            for (Socket s : sockets) {
                s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            ExecutorService readers = Executors.newFixedThreadPool(32);
            List<Future<String>> answers = new ArrayList<>();
            for (Socket s : sockets) {
                answers.add(readers.submit(() -> new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)));
            }
            int ok = 0;
            int replayed = 0;
            for (Future<String> f : answers) {
                String r = f.get();
                if (r.startsWith("HTTP/1.1 200")) {
                    ok++;
                    assertTrue(r.contains(PaidApps.MARKER));
                } else {
                    assertTrue(r.startsWith("HTTP/1.1 402"), r.substring(0, Math.min(200, r.length())));
                    assertTrue(!r.contains(PaidApps.MARKER));
                    replayed++;
                }
            }
            readers.shutdown();
            assertEquals(1, ok, "admitted");
            assertEquals(999, replayed);
            assertEquals(runsBefore + 1, PaidApps.RUNS.get(), "paid handler runs");
            assertEquals(settledBefore + 1, apps.facilitator.settleRequests().size(), "settlements");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void clientsHangingUpBeforeOrDuringAPaidAnswerLeaveTheServerHealthyAndAreSettledAtMostOnce() throws Exception {
        int settledBefore = apps.facilitator.settleRequests().size();
        int idle = apps.idleBusyServletThreads;
        List<String> proofs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            proofs.add(Proofs.proof().v1());
        }
        ExecutorService pool = Executors.newFixedThreadPool(40);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < proofs.size(); i++) {
            String proof = proofs.get(i);
            boolean beforeAnswer = i % 2 == 0;
            done.add(pool.submit(() -> {
                hangUp(apps.servletPort(), proof, beforeAnswer);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        // Give the server the time to notice and finish (the paid handler takes 100 ms).
        long deadline = System.currentTimeMillis() + 5_000;
        while (apps.busyServletThreads() > idle && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(idle, apps.busyServletThreads(), "request threads still busy after the clients left");
        int settled = apps.facilitator.settleRequests().size() - settledBefore;
        assertTrue(settled <= proofs.size(), "settled " + settled + " for " + proofs.size() + " proofs");
        System.out.println("hang-ups: " + settled + " of " + proofs.size() + " settled before the client left");
        // Every proof that was settled is spent; none can pay twice.
        for (String proof : proofs) {
            String again = RawHttp.exchange(apps.servletPort(),
                    RawHttp.request("GET", "/premium/report", List.of("X-PAYMENT: " + proof), null));
            assertTrue(again.startsWith("HTTP/1.1 402") || again.startsWith("HTTP/1.1 200"), again);
        }
        int settledAfterRetries = apps.facilitator.settleRequests().size() - settledBefore;
        assertEquals(proofs.size(), settledAfterRetries, "each proof settled exactly once, first try or retry");
        String free = RawHttp.exchange(apps.servletPort(), RawHttp.request("GET", "/free/x", List.of(), null));
        assertTrue(free.startsWith("HTTP/1.1 200"), "the server still serves");
    }

    /** Sends a paid request for the 900 KB answer, then closes before reading, or after its first 1 KB. */
    private static void hangUp(int port, String proof, boolean beforeAnswer) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /premium/big/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-PAYMENT: " + proof + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (!beforeAnswer) {
                InputStream in = s.getInputStream();
                in.readNBytes(1024);
            }
            s.setSoLinger(true, 0); // RST: the harshest way to leave
        }
    }
}
