package dev.tollgate.reliability.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.RequestView;
import dev.tollgate.core.testing.FaultyFacilitator;
import dev.tollgate.core.testing.Proofs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With main's defaults (circuit opens after 5 unanswered calls), a facilitator that hangs costs the first
 * five requests the timeout each; after that requests are refused at once with 503 and a Retry-After, and
 * the facilitator sees no more connections until the circuit half-opens.
 */
class CircuitBreakerUnderFaultsTest {

    @Test
    void aHangingFacilitatorOpensTheCircuitAndLaterRequestsFailFastWithoutCallingIt() throws Exception {
        try (FaultyFacilitator facilitator = new FaultyFacilitator()) {
            facilitator.onVerify(FaultyFacilitator.hang());
            Tollgate tollgate = Tollgate.create(TollgateConfig.builder()
                    .facilitatorUrl(facilitator.url())
                    .set("facilitator.requestTimeout", "300ms")
                    .set("facilitator.supported.check", "false")
                    .payTo(Proofs.PAY_TO)
                    .route("GET", "/premium/*", "$0.01")
                    .build());
            PaymentTerms terms = tollgate.termsFor("GET", "/premium/x").orElseThrow();
            for (int i = 0; i < 5; i++) {
                assertEquals(503, reject(tollgate, terms, Proofs.proof().v1()).answer().status());
            }
            int calls = facilitator.requests();
            List<String> proofs = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                proofs.add(Proofs.proof().v1()); // signing is not what is timed
            }
            long start = System.nanoTime();
            for (String proof : proofs) {
                Decision.Reject r = reject(tollgate, terms, proof);
                assertEquals(503, r.answer().status());
                assertTrue(Integer.parseInt(r.answer().headers().get("Retry-After")) >= 1);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 300, "20 requests with the circuit open took " + ms + " ms");
            assertEquals(calls, facilitator.requests(), "the open circuit still called the facilitator");
        }
    }

    private static Decision.Reject reject(Tollgate tollgate, PaymentTerms terms, String proof) {
        RequestView view = new RequestView() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/premium/x";
            }

            @Override
            public String resourceUrl() {
                return "http://127.0.0.1/premium/x";
            }

            @Override
            public List<String> headers(String name) {
                return name.equalsIgnoreCase("X-PAYMENT") ? List.of(proof) : List.of();
            }
        };
        return assertInstanceOf(Decision.Reject.class, tollgate.check(view, terms));
    }
}
