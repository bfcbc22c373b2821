package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Credentials made for each facilitator request (a short-lived signed token), beside the fixed headers. */
class FacilitatorAuthorizationTest {
    private static FacilitatorSettings settings(FacilitatorDouble f) {
        return new FacilitatorSettings(URI.create(f.url()), Map.of("Authorization", "Bearer fixed", "X-Api-Key", "k1"),
                Duration.ofSeconds(2), Duration.ofSeconds(5), FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES);
    }

    @Test
    void eachCallCarriesTheHeadersMadeForItsOwnMethodAndUrlBesideTheFixedOnes() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        List<String> apiKeys = new CopyOnWriteArrayList<>();
        AtomicInteger made = new AtomicInteger();
        try (FacilitatorDouble f = new FacilitatorDouble()) {
            f.onVerify((ex, req) -> {
                authorizations.addAll(ex.getRequestHeaders().get("Authorization"));
                apiKeys.add(ex.getRequestHeaders().getFirst("X-Api-Key"));
                FacilitatorDouble.acceptVerify(ex, req);
            });
            FacilitatorAuthorization signer = (method, uri) ->
                    Map.of("Authorization", "Bearer " + method + " " + uri.getPath() + " #" + made.incrementAndGet());
            try (FacilitatorHttp http = new FacilitatorHttp(settings(f), 2, signer)) {
                HttpFacilitatorClient client = new HttpFacilitatorClient(http);
                assertInstanceOf(VerifyOutcome.Valid.class, client.verify(FacilitatorHttpTest.attempt()));
                assertInstanceOf(VerifyOutcome.Valid.class, client.verify(FacilitatorHttpTest.attempt()));
            }
        }
        // One Authorization each, the one made for that very request: it replaces the fixed header of that name.
        assertEquals(List.of("Bearer POST /verify #1", "Bearer POST /verify #2"), authorizations);
        assertEquals(List.of("k1", "k1"), apiKeys);
    }

    @Test
    void anAuthorizationThatThrowsSendsNothingAndItsMessageIsNotRepeated() throws Exception {
        try (FacilitatorDouble f = new FacilitatorDouble();
             FacilitatorHttp http = new FacilitatorHttp(settings(f), 2, (method, uri) -> {
                 throw new IllegalStateException("key s3cret-material is malformed");
             })) {
            VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class,
                    new HttpFacilitatorClient(http).verify(FacilitatorHttpTest.attempt()));
            assertTrue(u.detail().contains("authorization failed (java.lang.IllegalStateException)"), u.detail());
            assertFalse(u.detail().contains("s3cret"), u.detail());
            assertEquals(0, f.verifyRequests().size());
        }
    }

    @Test
    void aHeaderThatWouldSplitTheRequestIsNotSent() throws Exception {
        try (FacilitatorDouble f = new FacilitatorDouble();
             FacilitatorHttp http = new FacilitatorHttp(settings(f), 2,
                     (method, uri) -> Map.of("Authorization", "Bearer t\r\nX-Injected: yes"))) {
            VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class,
                    new HttpFacilitatorClient(http).verify(FacilitatorHttpTest.attempt()));
            assertTrue(u.detail().contains("cannot be sent"), u.detail());
            assertEquals(0, f.verifyRequests().size());
        }
    }

    /** Named in the settings, as web.xml or a properties file can: made once, for every call of the Tollgate. */
    public static final class CountingAuthorization implements FacilitatorAuthorization {
        static final AtomicInteger MADE = new AtomicInteger();
        private final AtomicInteger calls = new AtomicInteger();

        public CountingAuthorization() {
            MADE.incrementAndGet();
        }

        @Override
        public Map<String, String> headers(String method, URI uri) {
            return Map.of("Authorization", "Bearer " + method + " " + uri.getPath() + " " + calls.incrementAndGet());
        }
    }

    @Test
    void aTollgateWhoseSettingsNameAnAuthorizationClassSendsItsHeadersFromItsFirstCall() throws Exception {
        List<String> supported = new CopyOnWriteArrayList<>();
        try (FacilitatorDouble f = new FacilitatorDouble()) {
            f.onSupported((ex, req) -> {
                supported.add(ex.getRequestHeaders().getFirst("Authorization"));
                FacilitatorDouble.answer(200, FacilitatorDouble.ALL_DEFAULT_NETWORKS).answer(ex, req);
            });
            int before = CountingAuthorization.MADE.get();
            TollgateConfig config = TollgateConfig.builder().environment(n -> null)
                    .facilitatorUrl(f.url()).payTo(Proofs.PAY_TO).network("base-sepolia").price("$0.01")
                    .set("facilitator.authorization", CountingAuthorization.class.getName())
                    .build();
            assertInstanceOf(CountingAuthorization.class, config.facilitatorAuthorization());
            assertEquals(before + 1, CountingAuthorization.MADE.get());
            try (Tollgate tollgate = Tollgate.create(config)) {
                assertEquals(List.of("Bearer GET /supported 1"), supported);
            }
        }
    }
}
