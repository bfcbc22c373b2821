package dev.tollgate.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.evm.Eip3009Signer;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.evm.ExactEvmInvalidReason;
import dev.tollgate.core.testing.HandClock;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedLedgerTest {
    private static final EvmAddress ALICE = EvmAddress.parse("0x00000000000000000000000000000000000a11ce");
    private static final EvmAddress BOB = EvmAddress.parse("0x0000000000000000000000000000000000000b0b");
    private static final SimulatedLedger.Token USDC =
            new SimulatedLedger.Token(84532, EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e"));
    private static final SimulatedLedger.Token OTHER_CHAIN = new SimulatedLedger.Token(8453, USDC.asset());

    private final SimulatedLedger ledger = new SimulatedLedger();

    private static ExactEvmAuthorization pay(long value) {
        return new ExactEvmAuthorization(ALICE, BOB, BigInteger.valueOf(value), BigInteger.ZERO,
                BigInteger.valueOf(Long.MAX_VALUE), Eip3009Signer.randomNonce());
    }

    /** One unit, valid until {@code validBefore}. */
    private static ExactEvmAuthorization payUntil(Instant validBefore) {
        return new ExactEvmAuthorization(ALICE, BOB, BigInteger.ONE, BigInteger.ZERO,
                BigInteger.valueOf(validBefore.getEpochSecond()), Eip3009Signer.randomNonce());
    }

    @Test
    void aTransferMovesTheValueAndUsesTheNonce() throws Exception {
        ledger.fund(USDC, ALICE, BigInteger.valueOf(100));
        ExactEvmAuthorization a = pay(30);

        SimulatedLedger.Transfer t = ledger.transferWithAuthorization(USDC, a);

        assertEquals(BigInteger.valueOf(70), ledger.balanceOf(USDC, ALICE));
        assertEquals(BigInteger.valueOf(30), ledger.balanceOf(USDC, BOB));
        assertTrue(ledger.authorizationState(USDC, ALICE, a.nonce()));
        assertTrue(t.transaction().matches("0x[0-9a-f]{64}"));
    }

    @Test
    void aUsedNonceRevertsAndChangesNothing() throws Exception {
        ledger.fund(USDC, ALICE, BigInteger.valueOf(100));
        ExactEvmAuthorization a = pay(30);
        ledger.transferWithAuthorization(USDC, a);

        SimulatedLedger.Revert r = assertThrows(SimulatedLedger.Revert.class,
                () -> ledger.transferWithAuthorization(USDC, a));

        assertEquals(SimulatedLedger.REASON_NONCE_USED, r.reason());
        assertEquals(BigInteger.valueOf(70), ledger.balanceOf(USDC, ALICE));
        assertEquals(1, ledger.transfers().size());
    }

    @Test
    void aShortBalanceRevertsAndLeavesTheNonceUnused() {
        ledger.fund(USDC, ALICE, BigInteger.valueOf(10));
        ExactEvmAuthorization a = pay(30);

        SimulatedLedger.Revert r = assertThrows(SimulatedLedger.Revert.class,
                () -> ledger.transferWithAuthorization(USDC, a));

        assertEquals(SimulatedLedger.REASON_INSUFFICIENT_FUNDS, r.reason());
        assertFalse(ledger.authorizationState(USDC, ALICE, a.nonce()));
    }

    @Test
    void nonceStateAndBalancesAreKeptPerToken() throws Exception {
        ledger.fund(USDC, ALICE, BigInteger.valueOf(100));
        ledger.fund(OTHER_CHAIN, ALICE, BigInteger.valueOf(100));
        ExactEvmAuthorization a = pay(30);
        ledger.transferWithAuthorization(USDC, a);

        assertFalse(ledger.authorizationState(OTHER_CHAIN, ALICE, a.nonce()));
        assertEquals(BigInteger.valueOf(100), ledger.balanceOf(OTHER_CHAIN, ALICE));
    }

    @Test
    void fundingAddsToTheBalance() {
        ledger.fund(USDC, ALICE, BigInteger.valueOf(5));
        ledger.fund(USDC, ALICE, BigInteger.valueOf(7));

        assertEquals(BigInteger.valueOf(12), ledger.balanceOf(USDC, ALICE));
    }

    // --- bounded memory: a long-running demo settles without end

    @Test
    void aUsedAuthorizationIsForgottenOnceItsValidBeforeHasPassed() throws Exception {
        HandClock clock = new HandClock(Instant.parse("2026-01-15T12:00:00Z"));
        SimulatedLedger timed = new SimulatedLedger(clock);
        timed.fund(USDC, ALICE, BigInteger.valueOf(1_000));
        for (int i = 0; i < 100; i++) {
            timed.transferWithAuthorization(USDC, payUntil(clock.instant().plusSeconds(60)));
        }
        assertEquals(100, timed.remembered());

        clock.advance(Duration.ofSeconds(60));
        timed.transferWithAuthorization(USDC, payUntil(clock.instant().plusSeconds(60)));

        assertEquals(1, timed.remembered(), "only the authorization still within its validBefore");
    }

    @Test
    void anAuthorizationStillValidIsRememberedWhileOthersAreForgotten() throws Exception {
        HandClock clock = new HandClock(Instant.parse("2026-01-15T12:00:00Z"));
        SimulatedLedger timed = new SimulatedLedger(clock);
        timed.fund(USDC, ALICE, BigInteger.valueOf(1_000));
        ExactEvmAuthorization longLived = payUntil(clock.instant().plusSeconds(3_600));
        timed.transferWithAuthorization(USDC, longLived);
        for (int i = 0; i < 10; i++) {
            timed.transferWithAuthorization(USDC, payUntil(clock.instant().plusSeconds(10)));
        }

        clock.advance(Duration.ofSeconds(600));
        timed.transferWithAuthorization(USDC, payUntil(clock.instant().plusSeconds(10)));

        assertEquals(2, timed.remembered());
        SimulatedLedger.Revert replay = assertThrows(SimulatedLedger.Revert.class,
                () -> timed.transferWithAuthorization(USDC, longLived));
        assertEquals(SimulatedLedger.REASON_NONCE_USED, replay.reason());
        assertTrue(timed.authorizationState(USDC, ALICE, longLived.nonce()));
    }

    @Test
    void anExpiredAuthorizationRevertsAsTheContractWouldWhetherOrNotItWasUsed() throws Exception {
        HandClock clock = new HandClock(Instant.parse("2026-01-15T12:00:00Z"));
        SimulatedLedger timed = new SimulatedLedger(clock);
        timed.fund(USDC, ALICE, BigInteger.valueOf(100));
        ExactEvmAuthorization used = payUntil(clock.instant().plusSeconds(10));
        timed.transferWithAuthorization(USDC, used);

        clock.advance(Duration.ofSeconds(10));

        for (ExactEvmAuthorization a : List.of(used, payUntil(clock.instant()))) {
            SimulatedLedger.Revert r = assertThrows(SimulatedLedger.Revert.class,
                    () -> timed.transferWithAuthorization(USDC, a));
            assertEquals(ExactEvmInvalidReason.VALID_BEFORE.code(), r.reason());
        }
        assertEquals(BigInteger.valueOf(99), timed.balanceOf(USDC, ALICE));
        assertEquals(1, timed.transfers().size());
    }

    @Test
    void onlyTheMostRecentTransfersAreKept() throws Exception {
        ledger.fund(USDC, ALICE, BigInteger.valueOf(SimulatedLedger.MAX_TRANSFERS_KEPT + 5));
        ExactEvmAuthorization last = null;
        for (int i = 0; i < SimulatedLedger.MAX_TRANSFERS_KEPT + 5; i++) {
            last = pay(1);
            ledger.transferWithAuthorization(USDC, last);
        }

        List<SimulatedLedger.Transfer> kept = ledger.transfers();
        assertEquals(SimulatedLedger.MAX_TRANSFERS_KEPT, kept.size());
        assertEquals(last.nonceHex(), kept.get(kept.size() - 1).nonce());
        assertEquals(BigInteger.ZERO, ledger.balanceOf(USDC, ALICE));
    }
}
