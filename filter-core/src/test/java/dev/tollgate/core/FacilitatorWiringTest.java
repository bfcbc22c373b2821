package dev.tollgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.testing.KeepAliveFacilitator;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The facilitator's connection pool, as a Tollgate wires it: one for all its calls, released on close. */
class FacilitatorWiringTest {

    @Test
    void verifyAndSettleShareOneConnectionWhichClosingReleases() throws Exception {
        try (KeepAliveFacilitator f = new KeepAliveFacilitator()) {
            TollgateConfig config = TollgateConfig.builder().environment(n -> null).facilitatorUrl(f.url())
                    .set("facilitator.supported.check", "false").set("facilitator.cache.ttl", "off")
                    .payTo(Proofs.PAY_TO).network("base-sepolia").price("$0.01").build();
            PaymentOption option = config.routes().routes().get(0).terms().options().get(0);
            PaymentAttempt attempt = new PaymentAttempt(1, new ObjectMapper().readTree(
                    Base64.getDecoder().decode(Proofs.proof().v1())),
                    option.requirementsV1("https://shop.example/r", "r", "application/json"), option, null);
            FacilitatorWiring wiring = FacilitatorWiring.of(config);
            assertInstanceOf(VerifyOutcome.Valid.class, wiring.verifier().verify(attempt));
            assertInstanceOf(SettleOutcome.Settled.class, wiring.settler().settle(attempt));
            assertEquals(1, f.acceptedConnections());
            assertEquals(1, f.openConnections());
            wiring.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (f.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, f.openConnections(), "connections left open after close");
        }
    }
}
