package dev.tollgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.RequestView;
import dev.tollgate.core.testing.CapturedLog;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.ProofApiFacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.FacilitatorSettings;
import dev.tollgate.core.verify.SupportedCatalog;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The /supported check at start-up, with the facilitator up, lacking a network, or down. */
class FacilitatorStartupTest {

    private static TollgateConfig.Builder config(String url, String dialect, String network) {
        return TollgateConfig.builder().environment(n -> null).facilitatorUrl(url).set("facilitator.dialect", dialect)
                .set("facilitator.requestTimeout", "1s").payTo(Proofs.PAY_TO).network(network).price("$0.01");
    }

    @Test
    void aNetworkTheFacilitatorDoesNotSupportFailsStartUpNamingTheSetting() throws IOException {
        try (FacilitatorDouble f = new FacilitatorDouble()) {
            f.onSupported(FacilitatorDouble.answer(200, FacilitatorDouble.supportedKinds("base-sepolia", "eip155:84532")));
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> Tollgate.create(config(f.url(), "x402", "base").build()));
            assertEquals("network", e.setting());
            assertTrue(e.getMessage().contains("exact on base (eip155:8453)"), e.getMessage());
            assertTrue(e.getMessage().contains("exact base-sepolia"), e.getMessage());
        }
    }

    /**
     * Every 402 offers each option to both generations of x402 client. A facilitator that lists an option's kind for
     * one generation only would refuse the other's payers at {@code /verify}: start-up still goes on, since the option
     * is payable and a v1-only or v2-only facilitator is a legitimate choice, but it says so, naming the generation.
     */
    @Test
    void aKindListedForOneGenerationOnlyStartsWithAWarningNamingTheOther() throws IOException {
        try (FacilitatorDouble f = new FacilitatorDouble();
             CapturedLog log = CapturedLog.warningsOf(FacilitatorStartup.class.getName())) {
            f.onSupported(FacilitatorDouble.answer(200,
                    "{\"kinds\":[{\"x402Version\":2,\"scheme\":\"exact\",\"network\":\"eip155:84532\"}]}"));
            Tollgate.create(config(f.url(), "x402", "base-sepolia").build()).close();
            assertEquals(1, log.warnings().size(), log.warnings().toString());
            String w = log.warnings().get(0);
            assertTrue(w.contains("x402 v1") && w.contains("exact on base-sepolia (eip155:84532)"), w);
        }
    }

    @Test
    void kindsListedForBothGenerationsOrWithoutAVersionStartWithoutAWarning() throws IOException {
        for (String kinds : List.of(FacilitatorDouble.supportedKinds("base-sepolia", "eip155:84532"),
                "{\"kinds\":[{\"scheme\":\"exact\",\"network\":\"base-sepolia\"}]}")) {
            try (FacilitatorDouble f = new FacilitatorDouble();
                 CapturedLog log = CapturedLog.warningsOf(FacilitatorStartup.class.getName())) {
                f.onSupported(FacilitatorDouble.answer(200, kinds));
                Tollgate.create(config(f.url(), "x402", "base-sepolia").build()).close();
                assertEquals(List.of(), log.warnings(), kinds);
            }
        }
    }

    @Test
    void theProofApiNetworkListIsCheckedToo() throws IOException {
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble()) {
            f.onSupported(FacilitatorDouble.answer(200, "{\"networks\":[\"base\"]}"));
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> Tollgate.create(config(f.url(), "proof-api", "base-sepolia").build()));
            assertEquals("network", e.setting());
            Tollgate.create(config(f.url(), "proof-api", "base").build()).close();
        }
    }

    @Test
    void aFacilitatorWithoutSupportedIsNotChecked() throws IOException {
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble()) {
            f.onSupported(FacilitatorDouble.answer(404, "{}"));
            Tollgate.create(config(f.url(), "proof-api", "polygon").build()).close();
        }
    }

    @Test
    void theCheckCanBeSwitchedOff() throws IOException {
        try (FacilitatorDouble f = new FacilitatorDouble()) {
            f.onSupported(FacilitatorDouble.answer(200, "{\"kinds\":[]}"));
            Tollgate.create(config(f.url(), "x402", "base").set("facilitator.supported.check", "false").build()).close();
        }
    }

    @Test
    void aFacilitatorThatIsDownDoesNotHoldStartUpAndRequestsGet503() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        long start = System.nanoTime();
        try (Tollgate t = Tollgate.create(config("http://127.0.0.1:" + closed, "proof-api", "base-sepolia").build())) {
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(3)) < 0);
            PaymentTerms terms = t.termsFor("GET", "/x").orElseThrow();
            Decision d = t.check(request("x-402-payment", "proof-1"), terms);
            assertEquals(503, assertInstanceOf(Decision.Reject.class, d).answer().status());
        }
    }

    @Test
    void anUnreachableFacilitatorIsCheckedInTheBackgroundUntilItAnswers() throws IOException {
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble()) {
            f.onSupported(FacilitatorDouble.answer(503, "{}"));
            try (FacilitatorStartup s = startup(f.url(), "base-sepolia").check()) {
                assertFalse(s.checked());
                waitFor(() -> f.supportedCalls() >= 3);
                f.onSupported(FacilitatorDouble.answer(200, "{\"networks\":[\"base-sepolia\"]}"));
                waitFor(s::checked);
                assertTrue(s.problem().isEmpty());
            }
        }
    }

    @Test
    void aBackgroundCheckThatFindsAMissingNetworkReportsIt() throws IOException {
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble()) {
            f.onSupported(FacilitatorDouble.answer(503, "{}"));
            try (FacilitatorStartup s = startup(f.url(), "polygon").check()) {
                f.onSupported(FacilitatorDouble.answer(200, "{\"networks\":[\"base\"]}"));
                waitFor(s::checked);
                assertTrue(s.problem().orElseThrow().contains("polygon"));
            }
        }
    }

    @Test
    void supportedIsCachedAndRefreshedWhenStale() throws IOException {
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble()) {
            SupportedCatalog c = new SupportedCatalog(FacilitatorSettings.of(URI.create(f.url())), Duration.ofMinutes(10),
                    Clock.systemUTC());
            assertTrue(c.cached().isEmpty());
            c.fetch();
            assertTrue(c.cached().orElseThrow().supports("exact", "base"));
            assertEquals(1, f.supportedCalls(), "a fresh answer is served from the cache");
            SupportedCatalog stale = new SupportedCatalog(FacilitatorSettings.of(URI.create(f.url())), Duration.ofMillis(1),
                    Clock.systemUTC());
            stale.fetch();
            sleep(5);
            stale.cached();
            waitFor(() -> f.supportedCalls() >= 3);
        }
    }

    private static FacilitatorStartup startup(String url, String network) {
        PaymentOption o = config(url, "proof-api", network).build().routes().routes().get(0).terms().options().get(0);
        FacilitatorSettings settings = new FacilitatorSettings(URI.create(url), java.util.Map.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 65536);
        return new FacilitatorStartup(new SupportedCatalog(settings, Duration.ofMinutes(10), Clock.systemUTC()),
                List.of(o), url, Duration.ofMillis(20), Duration.ofMillis(50));
    }

    private static void waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            sleep(10);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RequestView request(String header, String value) {
        return new RequestView() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/x";
            }

            @Override
            public String resourceUrl() {
                return "http://localhost/x";
            }

            @Override
            public List<String> headers(String name) {
                return name.toLowerCase(Locale.ROOT).equals(header) ? List.of(value) : List.of();
            }
        };
    }
}
