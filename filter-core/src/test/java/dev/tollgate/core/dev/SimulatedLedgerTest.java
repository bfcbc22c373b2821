package dev.tollgate.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.evm.Eip3009Signer;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import java.math.BigInteger;
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
}
