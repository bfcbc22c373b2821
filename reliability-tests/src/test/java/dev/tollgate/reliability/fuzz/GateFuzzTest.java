package dev.tollgate.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.RequestView;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.SettleResponse;
import java.util.List;
import java.util.Set;

/**
 * Hostile payment headers through the whole gate (codec, proof matcher, ledger), with a verifier that says
 * yes to anything, so only the gate's own checks stand between the input and admission. Properties: no
 * exception escapes; a refusal is a 402 or a 400/502/503, never a 500; and whatever is admitted pays exactly
 * the configured amount to the configured payTo on the configured network and asset.
 */
class GateFuzzTest {
    private static final Tollgate GATE = Tollgate.create(TollgateConfig.builder()
            .facilitatorUrl("http://127.0.0.1:9")
            .payTo(Proofs.PAY_TO)
            .route("GET", "/premium/*", "$0.01")
            .verifier(attempt -> new VerifyOutcome.Valid(null))
            .settler(attempt -> new SettleOutcome.Settled(new SettleResponse(true, null, "0x01",
                    attempt.option().network().caip2(), null)))
            .build());
    private static final PaymentTerms TERMS = GATE.termsFor("GET", "/premium/data").orElseThrow();

    @FuzzTest
    void noHeaderIsAdmittedForOtherTermsOrAnswersA500(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 2);
        String value = data.consumeRemainingAsString();
        List<String> v1 = which == 0 || which == 2 ? List.of(value) : List.of();
        List<String> v2 = which == 1 || which == 2 ? List.of(value) : List.of();
        Decision d = GATE.check(new View(v1, v2), TERMS);
        if (d instanceof Decision.Challenge c) {
            assertEquals(402, c.answer().status());
        } else if (d instanceof Decision.Reject r) {
            assertTrue(Set.of(400, 502, 503).contains(r.answer().status()), "answered " + r.answer().status());
        } else {
            PaymentReceipt receipt = ((Decision.Admit) d).session().receipt();
            assertEquals("10000", receipt.amount());
            assertEquals(receipt.x402Version() == 1 ? "base-sepolia" : "eip155:84532", receipt.network(),
                    "the configured network, named as the proof's generation names it");
            assertTrue(receipt.payTo().equalsIgnoreCase(Proofs.PAY_TO));
            assertTrue(receipt.asset().equalsIgnoreCase(Proofs.BASE_SEPOLIA_USDC));
            ((Decision.Admit) d).session().abandon();
        }
    }

    private record View(List<String> v1, List<String> v2) implements RequestView {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/premium/data";
        }

        @Override
        public String resourceUrl() {
            return "http://127.0.0.1/premium/data";
        }

        @Override
        public List<String> headers(String name) {
            return switch (name.toUpperCase(java.util.Locale.ROOT)) {
                case "X-PAYMENT" -> v1;
                case "PAYMENT-SIGNATURE" -> v2;
                default -> List.of();
            };
        }
    }
}
