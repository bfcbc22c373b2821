package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import dev.tollgate.core.testing.FacilitatorDouble;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /create-intent} is limited per client address and in total: each intent is a call to Code's sequencer
 * and an entry kept until it expires, so an unbounded loop from one client must not make them without end.
 */
class CreateIntentRateLimitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static FacilitatorDouble facilitator;
    private static CodeSequencerDouble sequencer;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        sequencer = CodeSequencerDouble.start();
    }

    @AfterAll
    static void stop() throws Exception {
        sequencer.close();
        facilitator.close();
    }

    private static SampleServer sample(String... limits) throws Exception {
        String[] settings = new String[4 + limits.length];
        settings[0] = "TOLLGATE_FACILITATOR_URL";
        settings[1] = facilitator.url();
        settings[2] = "TOLLGATE_CODE_SEQUENCER_URL";
        settings[3] = sequencer.endpoint().toString();
        System.arraycopy(limits, 0, settings, 4, limits.length);
        return SampleServer.start(settings);
    }

    private static HttpResponse<String> create(SampleServer sample, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(sample.uri("/create-intent")).POST(HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertTooMany(HttpResponse<String> r, String words) throws Exception {
        assertEquals(429, r.statusCode(), r.body());
        long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElse("-1"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.path("error").asText().contains(words), r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
    }

    @Test
    void oneClientPastItsLimitIsAnswered429WithRetryAfterAndNoSequencerCall() throws Exception {
        try (SampleServer sample = sample("TOLLGATE_CODE_INTENTS_PER_CLIENT_PER_MINUTE", "2")) {
            assertEquals(200, create(sample).statusCode());
            assertEquals(200, create(sample).statusCode());
            int calls = sequencer.requestCount();

            assertTooMany(create(sample), "your address");
            assertEquals(calls, sequencer.requestCount(), "a refused request still reached the sequencer");
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnLimit() throws Exception {
        try (SampleServer sample = sample("TOLLGATE_CODE_INTENTS_PER_CLIENT_PER_MINUTE", "1",
                "TOLLGATE_TRUST_FORWARDED", "true")) {
            assertEquals(200, create(sample, "X-Forwarded-For", "198.51.100.7").statusCode());
            assertTooMany(create(sample, "X-Forwarded-For", "198.51.100.7"), "your address");

            assertEquals(200, create(sample, "X-Forwarded-For", "198.51.100.8").statusCode());
            // One IPv6 host or home network holds a whole /64: it is one client, not 2^64.
            assertEquals(200, create(sample, "X-Forwarded-For", "[2001:db8:1:2::10]").statusCode());
            assertTooMany(create(sample, "X-Forwarded-For", "[2001:db8:1:2::11]"), "your address");
        }
    }

    @Test
    void withoutTrustedForwardingAForwardedHeaderDoesNotMakeANewClient() throws Exception {
        try (SampleServer sample = sample("TOLLGATE_CODE_INTENTS_PER_CLIENT_PER_MINUTE", "1")) {
            assertEquals(200, create(sample, "X-Forwarded-For", "198.51.100.7").statusCode());
            assertTooMany(create(sample, "X-Forwarded-For", "198.51.100.8"), "your address");
        }
    }

    @Test
    void manyClientsTogetherArePastTheTotalLimit() throws Exception {
        try (SampleServer sample = sample("TOLLGATE_CODE_INTENTS_PER_MINUTE", "3", "TOLLGATE_TRUST_FORWARDED", "true")) {
            for (int i = 1; i <= 3; i++) {
                assertEquals(200, create(sample, "X-Forwarded-For", "198.51.100." + i).statusCode());
            }
            assertTooMany(create(sample, "X-Forwarded-For", "198.51.100.4"), "too many payment intents");
            // The client refused for the total kept its own allowance: it is served once the total refills.
        }
    }

    @Test
    void aLimitThatIsNotAPositiveNumberStopsStartUpNamingTheVariable() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> sample("TOLLGATE_CODE_INTENTS_PER_MINUTE", "lots").close());
        assertTrue(String.valueOf(Main.rootMessage(e)).contains("TOLLGATE_CODE_INTENTS_PER_MINUTE"), Main.rootMessage(e));
    }

    @Test
    void theDefaultsLetAnOrdinaryBuyerRetryAFewTimes() throws Exception {
        try (SampleServer sample = sample()) {
            for (int i = 0; i < 10; i++) {
                assertEquals(200, create(sample).statusCode());
            }
        }
    }
}
