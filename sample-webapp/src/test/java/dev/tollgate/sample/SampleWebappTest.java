package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample as users run it: its own web.xml on embedded Jetty, with a facilitator over loopback. */
class SampleWebappTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FacilitatorDouble facilitator;
    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        sample = SampleServer.start("TOLLGATE_FACILITATOR_URL", facilitator.url());
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
        facilitator.close();
    }

    @Test
    void thePremiumReportAsksForOneCentInBothProtocolGenerations() throws Exception {
        HttpResponse<String> r = sample.get("/premium/report");

        assertEquals(402, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("10000", body.get("accepts").get(0).get("maxAmountRequired").asText());
        assertEquals("base-sepolia", body.get("accepts").get(0).get("network").asText());
        JsonNode v2 = JSON.readTree(Base64.getDecoder().decode(r.headers().firstValue("PAYMENT-REQUIRED").orElseThrow()));
        assertEquals("eip155:84532", v2.get("accepts").get(0).get("network").asText());
    }

    @Test
    void aPaidRequestGetsTheReportAndTheSettlementHeaders() throws Exception {
        HttpResponse<String> r = sample.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("Premium market report"));
        assertTrue(r.body().contains(Proofs.PAYER.address().toChecksumHex()));
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
    }

    @Test
    void theJaxRsWeatherResourceAsksForATenthOfACent() throws Exception {
        HttpResponse<String> r = sample.get("/api/weather");

        assertEquals(402, r.statusCode());
        JsonNode accept = JSON.readTree(r.body()).get("accepts").get(0);
        assertEquals("1000", accept.get("maxAmountRequired").asText());
        assertEquals("Current weather", accept.get("description").asText());
        assertEquals(sample.uri("/api/weather").toString(), accept.get("resource").asText());
        JsonNode v2 = JSON.readTree(Base64.getDecoder().decode(r.headers().firstValue("PAYMENT-REQUIRED").orElseThrow()));
        assertEquals("1000", v2.get("accepts").get(0).get("amount").asText());
    }

    @Test
    void aPaidWeatherRequestIsServedWithTheReceiptInjected() throws Exception {
        HttpResponse<String> r = sample.get("/api/weather", "X-PAYMENT", Proofs.proof().value(1_000).v1());

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains(Proofs.PAYER.address().toChecksumHex()), r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    @Test
    void freeAndHealthRoutesAreNotCharged() throws Exception {
        assertEquals(200, sample.get("/api/free").statusCode());
        HttpResponse<String> health = sample.get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("UP", JSON.readTree(health.body()).get("status").asText());
    }

    @Test
    void theWarAndTheJarServeTheSameWebXml() throws Exception {
        // The war is built from src/main/webapp; the launcher serves webapp/ from the class path (the jar).
        byte[] warSource = Files.readAllBytes(Path.of("src/main/webapp/WEB-INF/web.xml"));
        URL onClassPath = SampleWebappTest.class.getClassLoader().getResource("webapp/WEB-INF/web.xml");
        assertNotNull(onClassPath, "no webapp/WEB-INF/web.xml on the class path");
        try (InputStream in = onClassPath.openStream()) {
            assertArrayEquals(warSource, in.readAllBytes(), onClassPath + " is not the war's WEB-INF/web.xml");
        }
        // ... and the running sample read its descriptor from there.
        WebAppContext running = sample.server().getDescendant(WebAppContext.class);
        assertNotNull(running, "the sample runs no WebAppContext");
        assertEquals(Path.of(onClassPath.toURI()), running.getMetaData().getWebDescriptor().getResource().getPath());
        assertEquals(402, sample.get("/premium/report?x=1").statusCode());
    }
}
