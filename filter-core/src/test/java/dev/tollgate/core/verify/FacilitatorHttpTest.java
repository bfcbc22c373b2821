package dev.tollgate.core.verify;

import static dev.tollgate.core.testing.KeepAliveFacilitator.SETTLED;
import static dev.tollgate.core.testing.KeepAliveFacilitator.VALID;
import static dev.tollgate.core.testing.KeepAliveFacilitator.answer;
import static dev.tollgate.core.testing.KeepAliveFacilitator.answerThenClose;
import static dev.tollgate.core.testing.KeepAliveFacilitator.closeWithoutAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.FaultyFacilitator;
import dev.tollgate.core.testing.KeepAliveFacilitator;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.PaymentRequirementsV1;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport under both facilitator clients, against real loopback servers: connections are pooled and
 * reused, a connection the facilitator closed is not used again, nothing is ever sent twice, the deadline
 * covers the whole exchange, oversized bodies are abandoned, and redirects are not followed.
 */
class FacilitatorHttpTest {
    private static final Network SEPOLIA = NetworkRegistry.defaults().find("base-sepolia").orElseThrow();
    private static final PaymentOption OPTION = new PaymentOption("exact", SEPOLIA, BigInteger.valueOf(10_000),
            SEPOLIA.usdcAddress(), Proofs.PAY_TO, 60, "USDC", "2");
    /** Longer than the transport waits before it checks an idle pooled connection. */
    private static final long IDLE_MS = FacilitatorHttp.VALIDATE_AFTER_INACTIVITY.toMilliseconds() + 300;

    static PaymentAttempt attempt() throws IOException {
        PaymentRequirementsV1 req = OPTION.requirementsV1("https://shop.example/premium/data", "Premium data",
                "application/json");
        return new PaymentAttempt(1, new ObjectMapper().readTree(java.util.Base64.getDecoder()
                .decode(Proofs.proof().v1())), req, OPTION, null);
    }

    private static HttpFacilitatorClient client(String url, Duration requestTimeout) {
        return new HttpFacilitatorClient(new FacilitatorSettings(URI.create(url), Map.of(), Duration.ofSeconds(2),
                requestTimeout, FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES));
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    // --- connections ---

    @Test
    void fiftySequentialCallsShareOneKeptAliveConnection() throws IOException {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        try (FacilitatorDouble f = new FacilitatorDouble();
             HttpFacilitatorClient client = client(f.url(), Duration.ofSeconds(5))) {
            f.onVerify((ex, req) -> {
                clientPorts.add(ex.getRemoteAddress().getPort());
                FacilitatorDouble.acceptVerify(ex, req);
            });
            PaymentAttempt attempt = attempt();
            for (int i = 0; i < 50; i++) {
                assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt));
            }
            assertEquals(50, f.verifyRequests().size());
            assertTrue(clientPorts.size() <= 2, "50 calls used " + clientPorts.size() + " connections");
        }
    }

    @Test
    void aConnectionTheFacilitatorClosedWhileIdleIsNotUsedAgain() throws Exception {
        try (KeepAliveFacilitator f = new KeepAliveFacilitator();
             HttpFacilitatorClient client = client(f.url(), Duration.ofSeconds(5))) {
            // An idle timeout the facilitator does not announce: it closes each connection 50 ms after answering.
            f.script((path, nth) -> answerThenClose(200, path.endsWith("/settle") ? SETTLED : VALID,
                    Duration.ofMillis(50)));
            PaymentAttempt attempt = attempt();
            assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt));
            Thread.sleep(IDLE_MS);
            assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt));
            Thread.sleep(IDLE_MS);
            assertInstanceOf(SettleOutcome.Settled.class, client.settle(attempt));
            assertEquals(List.of("/verify", "/verify", "/settle"), f.paths());
            assertEquals(3, f.acceptedConnections());
        }
    }

    @Test
    void aSettlementWhoseKeptAliveConnectionIsClosedUnansweredIsUnavailableAndNotSentAgain() throws Exception {
        try (KeepAliveFacilitator f = new KeepAliveFacilitator();
             HttpFacilitatorClient client = client(f.url(), Duration.ofSeconds(5))) {
            f.script((path, nth) -> path.endsWith("/settle") ? closeWithoutAnswer() : answer(200, VALID));
            PaymentAttempt attempt = attempt();
            assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt));
            SettleOutcome.Unavailable u = assertInstanceOf(SettleOutcome.Unavailable.class, client.settle(attempt));
            assertTrue(u.detail().contains("/settle unreachable"), u.detail());
            assertEquals(HttpFacilitatorClient.DEFAULT_RETRY_AFTER, u.retryAfter());
            assertEquals(1, f.requests("/settle"), "the settlement reached the facilitator once");
            assertEquals(1, f.acceptedConnections(), "the settlement went out on the verification's connection");
        }
    }

    @Test
    void aResetVerificationIsUnavailableAndNotSentAgain() throws Exception {
        try (FaultyFacilitator f = new FaultyFacilitator();
             HttpFacilitatorClient client = client(f.url(), Duration.ofSeconds(5))) {
            f.onVerify(FaultyFacilitator.reset()).onSettle(FaultyFacilitator.reset());
            assertInstanceOf(VerifyOutcome.Unavailable.class, client.verify(attempt()));
            assertEquals(1, f.requests());
            assertInstanceOf(SettleOutcome.Unavailable.class, client.settle(attempt()));
            assertEquals(2, f.requests());
        }
    }

    @Test
    void closingTheClientClosesItsPooledConnectionsAndLaterCallsAreUnavailable() throws Exception {
        try (KeepAliveFacilitator f = new KeepAliveFacilitator()) {
            HttpFacilitatorClient client = client(f.url(), Duration.ofSeconds(5));
            assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt()));
            assertEquals(1, f.openConnections());
            client.close();
            waitFor(() -> f.openConnections() == 0);
            VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, client.verify(attempt()));
            assertTrue(u.detail().contains("closed"), u.detail());
            assertEquals(1, f.paths().size());
        }
    }

    @Test
    void callsBeyondThePoolSizeWaitForAPooledConnection() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (KeepAliveFacilitator f = new KeepAliveFacilitator();
             FacilitatorHttp http = new FacilitatorHttp(FacilitatorSettings.of(URI.create(f.url())), 2);
             HttpFacilitatorClient client = new HttpFacilitatorClient(http)) {
            f.script((path, nth) -> s -> {
                Thread.sleep(200);
                KeepAliveFacilitator.write(s, 200, VALID, "");
                return true;
            });
            PaymentAttempt attempt = attempt();
            List<Future<VerifyOutcome>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(callers.submit(() -> client.verify(attempt)));
            }
            for (Future<VerifyOutcome> c : calls) {
                assertInstanceOf(VerifyOutcome.Valid.class, c.get());
            }
            assertEquals(4, f.requests("/verify"));
            assertEquals(2, f.acceptedConnections());
        } finally {
            callers.shutdownNow();
        }
    }

    // --- time ---

    @Test
    void aBodyThatTricklesForeverIsCutAtTheRequestTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        try (FaultyFacilitator f = new FaultyFacilitator();
             HttpFacilitatorClient client = client(f.url(), timeout)) {
            // 100,000 bytes announced, more than the limit, but at 20 bytes a second the deadline comes first.
            f.onVerify(FaultyFacilitator.trickle(Duration.ofMillis(50)));
            long start = System.nanoTime();
            VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, client.verify(attempt()));
            long ms = millisSince(start);
            assertTrue(u.detail().contains("timed out after PT1S"), u.detail());
            assertTrue(ms >= timeout.toMillis() - 50 && ms < timeout.toMillis() + 2000, "took " + ms + " ms");
            waitFor(() -> f.openConnections() == 0);
        }
    }

    @Test
    void headersThatTrickleForeverAreCutAtTheRequestTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        try (KeepAliveFacilitator f = new KeepAliveFacilitator();
             HttpFacilitatorClient client = client(f.url(), timeout)) {
            // Each byte arrives well within any read timeout: only a deadline for the whole exchange ends this.
            f.script((path, nth) -> KeepAliveFacilitator.tricklingHeaders(Duration.ofMillis(50)));
            long start = System.nanoTime();
            SettleOutcome.Unavailable u = assertInstanceOf(SettleOutcome.Unavailable.class, client.settle(attempt()));
            long ms = millisSince(start);
            assertTrue(u.detail().contains("timed out"), u.detail());
            assertTrue(ms >= timeout.toMillis() - 50 && ms < timeout.toMillis() + 2000, "took " + ms + " ms");
            assertEquals(1, f.requests("/settle"));
        }
    }

    @Test
    void aClientStillServesCallsAfterOneTimedOut() throws Exception {
        try (KeepAliveFacilitator f = new KeepAliveFacilitator();
             HttpFacilitatorClient client = client(f.url(), Duration.ofMillis(300))) {
            f.script((path, nth) -> KeepAliveFacilitator.tricklingHeaders(Duration.ofMillis(50)));
            assertInstanceOf(VerifyOutcome.Unavailable.class, client.verify(attempt()));
            f.script((path, nth) -> answer(200, VALID));
            assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt()));
            assertEquals(2, f.acceptedConnections(), "the timed-out connection was not reused");
        }
    }

    // --- size ---

    @Test
    void aFiftyMebibyteBodyIsRefusedAfterTheLimitNotReadToItsEnd() throws Exception {
        try (FaultyFacilitator f = new FaultyFacilitator();
             HttpFacilitatorClient client = client(f.url(), Duration.ofSeconds(10))) {
            f.onSettle(FaultyFacilitator.hugeBody(50L * 1024 * 1024));
            long start = System.nanoTime();
            SettleOutcome.Malfunction m = assertInstanceOf(SettleOutcome.Malfunction.class, client.settle(attempt()));
            assertEquals("facilitator /settle: response body larger than 65536 bytes", m.detail());
            assertTrue(millisSince(start) < 2000, "took " + millisSince(start) + " ms");
            waitFor(() -> f.openConnections() == 0);
        }
    }

    @Test
    void anEndlessChunkedBodyIsAbandonedAtTheLimitNotAtTheDeadline() throws Exception {
        try (KeepAliveFacilitator f = new KeepAliveFacilitator();
             HttpFacilitatorClient client = client(f.url(), Duration.ofSeconds(10))) {
            f.script((path, nth) -> f.paths().size() == 1 ? KeepAliveFacilitator.endlessChunkedBody()
                    : answer(200, VALID));
            long start = System.nanoTime();
            VerifyOutcome.Malfunction m = assertInstanceOf(VerifyOutcome.Malfunction.class, client.verify(attempt()));
            assertTrue(m.detail().contains("larger than 65536 bytes"), m.detail());
            assertTrue(millisSince(start) < 2000, "took " + millisSince(start) + " ms");
            assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt()));
            assertEquals(2, f.acceptedConnections(), "the abandoned connection was not reused");
        }
    }

    // --- what is never done ---

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aRedirectIsAMalfunctionAndIsNotFollowed(int status) throws Exception {
        try (FacilitatorDouble f = new FacilitatorDouble();
             FacilitatorDouble elsewhere = new FacilitatorDouble();
             HttpFacilitatorClient client = client(f.url(), Duration.ofSeconds(5))) {
            FacilitatorDouble.Behaviour redirect = (ex, req) -> {
                ex.getResponseHeaders().set("Location", elsewhere.url() + ex.getRequestURI().getPath());
                FacilitatorDouble.respond(ex, status, "{}");
            };
            f.onVerify(redirect).onSettle(redirect);
            VerifyOutcome.Malfunction m = assertInstanceOf(VerifyOutcome.Malfunction.class, client.verify(attempt()));
            assertEquals("facilitator /verify answered HTTP " + status, m.detail());
            assertInstanceOf(SettleOutcome.Malfunction.class, client.settle(attempt()));
            assertEquals(0, elsewhere.verifyRequests().size() + elsewhere.settleRequests().size());
        }
    }

    @Test
    void userInfoInTheUrlIsNeitherSentNorAnError() throws Exception {
        try (KeepAliveFacilitator f = new KeepAliveFacilitator();
             HttpFacilitatorClient client = client(f.url().replace("http://", "http://user:secret@"),
                     Duration.ofSeconds(5))) {
            assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt()));
        }
    }

    @Test
    void anAnnouncedKeepAliveIsShortenedByAMarginAndNothingAnnouncedGetsTheDefault() {
        assertEquals(4_000, keepAlive("timeout=5, max=1000"));
        assertEquals(4_000, keepAlive("max=1000, Timeout=5"));
        assertEquals(1_000, keepAlive("timeout=2"));
        assertEquals(1, keepAlive("timeout=0"));
        assertEquals(FacilitatorHttp.DEFAULT_KEEP_ALIVE.toMilliseconds(), keepAlive("timeout=soon"));
        assertEquals(FacilitatorHttp.DEFAULT_KEEP_ALIVE.toMilliseconds(), keepAlive(null));
    }

    private static long keepAlive(String header) {
        org.apache.hc.core5.http.message.BasicHttpResponse r = new org.apache.hc.core5.http.message.BasicHttpResponse(200);
        if (header != null) {
            r.setHeader("Keep-Alive", header);
        }
        return FacilitatorHttp.keepAlive(r).toMilliseconds();
    }

    static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
