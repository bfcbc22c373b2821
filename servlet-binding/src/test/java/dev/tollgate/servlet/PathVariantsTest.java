package dev.tollgate.servlet;

import static dev.tollgate.servlet.PaidServer.PAID_MARKER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request targets that try to reach /premium/* without paying, sent byte for byte to a real Jetty. */
class PathVariantsTest {
    private static FacilitatorDouble facilitator;
    private static PaidServer server;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        server = new PaidServer(Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .route("GET", "/premium/*", "$0.01")
                .build()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        facilitator.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/premium/report",
        "/premium;x=1/report",
        "/premium/report;x=1",
        "/premium;/report",
        "/./premium/report",
        "/premium/./report",
        "/free/../premium/report",
        "/free/..%2fpremium/report",
        "/free%2f..%2fpremium/report",
        "/%70remium/report",
        "/%70%72%65%6d%69%75%6d/report",
        "//premium/report",
        "/premium//report",
        "/PREMIUM/report",
        "/Premium/report",
        "/premium/report/",
        "/premium/report.",
        "/premium%2freport",
        "/premium%2Freport",
        "/%2e/premium/report",
        "/%2E%2E/premium/report",
        "/premium/%2e%2e/premium/report",
        "/premium/report%00",
        "/premium/report%00.txt",
        "/premium%5creport",
        "/premium\\report",
        "/free/%252e%252e/premium/report",
        "/%c0%ae/premium/report",
        "/free/%c0%ae%c0%ae/premium/report",
        "/premium/report?free=1",
        "/premium/report#frag",
        "http://127.0.0.1/premium/report",
        "http://127.0.0.1/%70remium/report",
    })
    void noRequestTargetReachesThePaidResourceWithoutPayment(String target) throws Exception {
        for (String method : new String[] {"GET", "HEAD", "POST"}) {
            int before = server.paidHandlerRuns.get();
            String response = server.raw(method, target);
            String statusLine = response.substring(0, response.indexOf("\r\n"));

            assertFalse(response.contains(PAID_MARKER), method + " " + target + " leaked: " + statusLine);
            assertFalse(statusLine.contains(" 200 "), method + " " + target + " answered " + statusLine);
            if (!method.equals("POST")) {
                assertEquals(before, server.paidHandlerRuns.get(), method + " " + target + " ran the paid handler");
            }
            assertTrue(statusLine.matches("HTTP/1\\.1 (400|402|404|405) .*"), method + " " + target + ": " + statusLine);
        }
    }
}
