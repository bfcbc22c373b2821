package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FacilitatorSettingsTest {
    @Test
    void itsTextShowsWhereTheFacilitatorIsButNoCredentialOfTheUrlOrTheHeaders() {
        FacilitatorSettings settings = new FacilitatorSettings(
                URI.create("https://user:s3cret@facilitator.example:8443/x402?apiKey=k3y"),
                Map.of("Authorization", "Bearer t0ken"), Duration.ofSeconds(1), Duration.ofSeconds(3), 1024);
        assertEquals("FacilitatorSettings[baseUrl=https://facilitator.example:8443/x402, headers=[Authorization],"
                + " connectTimeout=PT1S, requestTimeout=PT3S]", settings.toString());
    }
}
