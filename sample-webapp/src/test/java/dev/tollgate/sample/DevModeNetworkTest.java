package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dev mode's payments are simulated, so it runs on a test network only. */
class DevModeNetworkTest {

    @ParameterizedTest(name = "TOLLGATE_NETWORK={0}")
    @ValueSource(strings = {"base", "eip155:137", "Avalanche"})
    void devModeOnAMainNetworkStopsStartUpNamingBothVariables(String network) {
        // Before, an empty TOLLGATE_FACILITATOR_URL beside TOLLGATE_NETWORK=base started dev mode: the 402 asked for
        // USDC on base, and the published demo payer paid it with simulated funds.
        Exception e = assertThrows(Exception.class, () -> SampleServer.start("TOLLGATE_NETWORK", network).close());
        assertTrue(e.getMessage().contains("TOLLGATE_NETWORK") && e.getMessage().contains("TOLLGATE_FACILITATOR_URL")
                && e.getMessage().contains("main network"), e.getMessage());
    }

    @ParameterizedTest(name = "TOLLGATE_NETWORK={0}")
    @ValueSource(strings = {"polygon-amoy", "eip155:84532"})
    void devModeOnATestNetworkStarts(String network) throws Exception {
        // Regression: dev mode is for trying the sample, on any test network.
        try (SampleServer server = SampleServer.start("TOLLGATE_NETWORK", network)) {
            assertEquals(402, server.get("/premium/report").statusCode());
        }
    }
}
