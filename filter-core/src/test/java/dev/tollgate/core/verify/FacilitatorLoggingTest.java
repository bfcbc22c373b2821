package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A facilitator's API key never reaches a log, even with HttpClient's header and wire loggers at DEBUG (as
 * filter-core's surefire settings put them, through slf4j-simple writing to standard error, which these tests
 * capture). The control shows that those loggers really write header values here, so the first test could fail.
 */
class FacilitatorLoggingTest {
    private static final String HEADERS = "org.apache.hc.client5.http.headers";
    private static final String WIRE = "org.apache.hc.client5.http.wire";

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureStandardError() {
        assertTrue(LoggerFactory.getLogger(HEADERS).isDebugEnabled() && LoggerFactory.getLogger(WIRE).isDebugEnabled(),
                "HttpClient's header and wire loggers must be at DEBUG for this test (filter-core/pom.xml, surefire)");
        stderr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        System.setErr(stderr);
    }

    private String log() {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFacilitatorApiKeyIsNeitherInTheHeaderLogNorInTheWireLog() throws Exception {
        String key = "key-" + UUID.randomUUID();
        try (FacilitatorDouble facilitator = new FacilitatorDouble();
             HttpFacilitatorClient client = new HttpFacilitatorClient(new FacilitatorSettings(
                     URI.create(facilitator.url()), Map.of("Authorization", "Bearer " + key, "X-API-Key", key),
                     Duration.ofSeconds(2), Duration.ofSeconds(5), FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES))) {
            assertInstanceOf(VerifyOutcome.Valid.class, client.verify(FacilitatorHttpTest.attempt()));
            assertInstanceOf(SettleOutcome.Settled.class, client.settle(FacilitatorHttpTest.attempt()));
            assertTrue(facilitator.verifyRequests().size() == 1 && facilitator.settleRequests().size() == 1);
        }
        assertFalse(log().contains(key), "the API key was logged:\n" + log());
    }

    @Test
    void httpClientsOwnConnectionsWouldHaveLoggedIt() throws Exception {
        String key = "key-" + UUID.randomUUID();
        try (FacilitatorDouble facilitator = new FacilitatorDouble();
             CloseableHttpClient plain = HttpClients.createDefault()) {
            HttpGet get = new HttpGet(facilitator.url() + "/supported");
            get.addHeader("X-API-Key", key);
            plain.execute(get, response -> EntityUtils.toString(response.getEntity()));
        }
        assertTrue(log().contains(key), "HttpClient's stock connection did not log the header; this test proves nothing");
    }
}
