package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.gate.AssetTransferMethod;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.HandClock;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.ExactEvmPermit2Payload;
import dev.tollgate.core.wire.WireJson;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A cached "valid" of a Permit2 payment lasts no longer than the permit: its deadline bounds it as validBefore does. */
class VerificationCachePermit2Test {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aValidPermit2PaymentIsCachedUntilItsDeadlineAtMost() {
        HandClock clock = new HandClock(NOW);
        PaymentOption option = new PaymentOption("exact", NetworkRegistry.defaults().find("base-sepolia").orElseThrow(),
                BigInteger.valueOf(10_000), Proofs.BASE_SEPOLIA_USDC, Proofs.PAY_TO, 60, "USDC", "2",
                AssetTransferMethod.PERMIT2);
        ExactEvmPermit2Payload permit2 = new ExactEvmPermit2Payload("0x" + "11".repeat(65),
                new ExactEvmPermit2Payload.Permit2Authorization(
                        new ExactEvmPermit2Payload.TokenPermissions(Proofs.BASE_SEPOLIA_USDC, "10000"),
                        Proofs.PAYER.address().toChecksumHex(), "0x402085c248EeA27D92E8b30b2C58ed07f9E20001", "5",
                        Long.toString(NOW.getEpochSecond() + 10),
                        new ExactEvmPermit2Payload.Witness(Proofs.PAY_TO, Long.toString(NOW.getEpochSecond() - 60))));
        ObjectNode proof = WireJson.mapper().createObjectNode().put("x402Version", 2);
        proof.set("payload", WireJson.mapper().valueToTree(permit2));
        PaymentAttempt attempt = new PaymentAttempt(2, proof, option.requirementsV2(), option, null).withPermit2(permit2);
        AtomicInteger calls = new AtomicInteger();
        VerificationCache cache = new VerificationCache(a -> {
            calls.incrementAndGet();
            return new VerifyOutcome.Valid(Proofs.PAYER.address().toChecksumHex(), null);
        }, Duration.ofSeconds(60), 10, clock);

        assertInstanceOf(VerifyOutcome.Valid.class, cache.verify(attempt));
        cache.verify(attempt);
        assertEquals(1, calls.get(), "cached while the permit holds");
        clock.advance(Duration.ofSeconds(11));
        cache.verify(attempt);
        assertEquals(2, calls.get(), "a permit past its deadline is asked about again, not answered from the cache");
    }
}
