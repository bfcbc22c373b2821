package dev.tollgate.reliability.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.RequestView;
import dev.tollgate.core.testing.FaultyFacilitator;
import dev.tollgate.core.testing.Proofs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
            List<String> verifications = new CopyOnWriteArrayList<>();
            Tollgate tollgate = Tollgate.create(TollgateConfig.builder()
                    .listener(new PaymentListener() {
                        @Override
                        public void verified(String path, String outcome, String reason, Duration latency) {
                            verifications.add(outcome + ": " + reason);
                        }
                    })
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
            // Failing fast is not timed here (speed belongs in benchmarks): each refusal is the open circuit's
            // own, given without a call to the facilitator, which is the only thing that could make it wait.
            for (int i = 0; i < 20; i++) {
                verifications.clear();
                Decision.Reject r = reject(tollgate, terms, Proofs.proof().v1());
                assertEquals(503, r.answer().status());
                assertTrue(Integer.parseInt(r.answer().headers().get("Retry-After")) >= 1);
                assertEquals(1, verifications.size(), verifications.toString());
                assertTrue(verifications.get(0).startsWith("Unavailable: facilitator circuit open"),
                        "request " + i + ": " + verifications);
                assertEquals(calls, facilitator.requests(), "the open circuit still called the facilitator");
            }
            tollgate.close();
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
