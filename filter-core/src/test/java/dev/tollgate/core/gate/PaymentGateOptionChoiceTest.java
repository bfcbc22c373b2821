package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.v1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A route offering two options on one network: a v1 proof, which names no option, pays the one it fits. */
class PaymentGateOptionChoiceTest {
    private static final String SECOND_PAY_TO = "0x1111111111111111111111111111111111111111";

    private static GateHarness twoOptionsOnOneNetwork() throws IOException {
        return new GateHarness("accepts", "cheap,premium",
                "accept.cheap.price", "$0.01",
                "accept.premium.price", "$0.05",
                "accept.premium.payTo", SECOND_PAY_TO);
    }

    @Test
    void aV1ProofFittingTheSecondOptionOnTheSameNetworkIsAdmittedForThatOption() throws IOException {
        try (GateHarness gate = twoOptionsOnOneNetwork()) {
            PaymentReceipt r = gate.admitted(v1(Proofs.proof().payTo(SECOND_PAY_TO).value(50_000).v1())).receipt();

            assertEquals(SECOND_PAY_TO, r.payTo());
            assertEquals("50000", r.amount());
            assertEquals("50000", gate.facilitator.verifyRequests().get(0)
                    .get("paymentRequirements").get("maxAmountRequired").asText());
        }
    }

    @Test
    void aV1ProofFittingNoOptionOnItsNetworkIsRefusedWithTheFirstOptionsReason() throws IOException {
        try (GateHarness gate = twoOptionsOnOneNetwork()) {
            Decision.Challenge c = gate.challenged(v1(Proofs.proof().payTo(SECOND_PAY_TO).value(10_000).v1()));

            assertTrue(c.reason().startsWith("invalid_exact_evm_payload"), c.reason());
            assertEquals(0, gate.facilitator.verifyRequests().size());
        }
    }
}
