package dev.tollgate.core.dev;

import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.evm.ExactEvmInvalidReason;
import dev.tollgate.core.evm.Hex;
import dev.tollgate.core.evm.Keccak256;
import dev.tollgate.core.evm.Uint256;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * An in-memory stand-in for EIP-3009 token contracts, for development only: balances per token and holder,
 * the {@code authorizationState} of every (authorizer, nonce), and {@code transferWithAuthorization}, which
 * fails on a used nonce or short balance exactly where the contract would revert. Nothing here touches a
 * chain and nothing it records has any value.
 *
 * <p>A token is identified by chain id and contract address, so one ledger can simulate several networks.
 * All operations are atomic with respect to each other.
 *
 * <p>Its memory is bounded for a demo that runs for weeks: like the contract, it refuses an authorization whose
 * {@code validBefore} has passed, used or not, so a used one is remembered only until then; and it keeps the
 * {@value #MAX_TRANSFERS_KEPT} most recent transfers. (Balances are kept per holder, as the contract does.)
 */
public final class SimulatedLedger {

    /** One token contract on one chain. */
    public record Token(long chainId, EvmAddress asset) {
        public Token {
            Objects.requireNonNull(asset, "asset");
        }
    }

    /** A completed simulated transfer. {@code transaction} is a synthetic id: 0x + 64 hex digits. */
    public record Transfer(Token token, EvmAddress from, EvmAddress to, BigInteger value, String nonce,
                           String transaction) {
    }

    /** Why the simulated contract call reverted; {@link #reason()} is an x402 reason string. */
    public static final class Revert extends Exception {
        private final String reason;

        Revert(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public static final String REASON_INSUFFICIENT_FUNDS = "insufficient_funds";
    /** EIP-3009's "authorization is used or canceled"; the x402 specs name no reason, so this follows their style. */
    public static final String REASON_NONCE_USED = "invalid_exact_evm_payload_authorization_nonce_used";
    /** The contract's "authorization is expired", under the x402 reason for it. */
    public static final String REASON_EXPIRED = ExactEvmInvalidReason.VALID_BEFORE.code();

    /** How many transfers {@link #transfers()} lists at most: the most recent. */
    public static final int MAX_TRANSFERS_KEPT = 10_000;

    /** A used authorization, remembered until its validBefore. */
    private record Used(String key, BigInteger validBefore) {
    }

    private final Clock clock;
    private final Map<Token, Map<EvmAddress, BigInteger>> balances = new HashMap<>();
    private final Set<String> usedAuthorizations = new HashSet<>();
    /** The same, the first to expire first. */
    private final PriorityQueue<Used> byExpiry = new PriorityQueue<>(Comparator.comparing(Used::validBefore));
    private final ArrayDeque<Transfer> transfers = new ArrayDeque<>();

    /** A ledger on the system clock. */
    public SimulatedLedger() {
        this(Clock.systemUTC());
    }

    /**
     * @param clock what {@code validBefore} is judged by: a facilitator over this ledger must judge it by the same
     *              clock, as a real one and the chain share the time
     */
    public SimulatedLedger(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Mints {@code amount} to {@code holder} (adds to what it has). */
    public synchronized void fund(Token token, EvmAddress holder, BigInteger amount) {
        Uint256.check("amount", amount);
        balances.computeIfAbsent(token, t -> new HashMap<>()).merge(holder, amount, BigInteger::add);
    }

    public synchronized BigInteger balanceOf(Token token, EvmAddress holder) {
        return balances.getOrDefault(token, Map.of()).getOrDefault(holder, BigInteger.ZERO);
    }

    /**
     * EIP-3009 {@code authorizationState}: true when this (authorizer, nonce) has been used on this token and its
     * {@code validBefore} has not passed yet (an expired one is refused whatever this says, and is forgotten).
     */
    public synchronized boolean authorizationState(Token token, EvmAddress authorizer, byte[] nonce) {
        forgetExpired();
        return usedAuthorizations.contains(key(token, authorizer, nonce));
    }

    /**
     * Checks what the contract would check of its state and the time, without changing it: the authorization has
     * not expired, its nonce is unused, and the payer holds enough.
     */
    public synchronized void check(Token token, ExactEvmAuthorization authorization) throws Revert {
        forgetExpired();
        if (authorization.validBefore().compareTo(now()) <= 0) {
            // FiatTokenV2: "authorization is expired" (require(now < validBefore)).
            throw new Revert(REASON_EXPIRED, "authorization of " + authorization.from() + " expired at "
                    + authorization.validBefore() + " (now " + now() + ")");
        }
        if (usedAuthorizations.contains(key(token, authorization.from(), authorization.nonce()))) {
            throw new Revert(REASON_NONCE_USED, "authorization nonce " + authorization.nonceHex()
                    + " of " + authorization.from() + " was already used");
        }
        BigInteger balance = balanceOf(token, authorization.from());
        if (balance.compareTo(authorization.value()) < 0) {
            throw new Revert(REASON_INSUFFICIENT_FUNDS, authorization.from() + " holds " + balance
                    + ", needs " + authorization.value() + " (simulated balance)");
        }
    }

    /**
     * Simulated {@code transferWithAuthorization}: marks the nonce used and moves the value, or reverts and
     * changes nothing. The signature and validity window are the caller's to check first, as a facilitator
     * does before it sends a transaction.
     */
    public synchronized Transfer transferWithAuthorization(Token token, ExactEvmAuthorization authorization)
            throws Revert {
        check(token, authorization);
        String key = key(token, authorization.from(), authorization.nonce());
        usedAuthorizations.add(key);
        byExpiry.add(new Used(key, authorization.validBefore()));
        Map<EvmAddress, BigInteger> holders = balances.computeIfAbsent(token, t -> new HashMap<>());
        holders.merge(authorization.from(), authorization.value().negate(), BigInteger::add);
        holders.merge(authorization.to(), authorization.value(), BigInteger::add);
        Transfer transfer = new Transfer(token, authorization.from(), authorization.to(), authorization.value(),
                authorization.nonceHex(), transactionId(token, authorization));
        transfers.addLast(transfer);
        if (transfers.size() > MAX_TRANSFERS_KEPT) {
            transfers.removeFirst();
        }
        return transfer;
    }

    /** The most recent transfers ({@value #MAX_TRANSFERS_KEPT} at most), oldest first. */
    public synchronized List<Transfer> transfers() {
        return List.copyOf(transfers);
    }

    /** How many used authorizations are remembered; for tests. */
    synchronized int remembered() {
        return usedAuthorizations.size();
    }

    /**
     * Drops the used authorizations whose validBefore has passed: {@link #check} refuses them as expired before it
     * would look for them, so forgetting them changes no answer.
     */
    private void forgetExpired() {
        BigInteger now = now();
        while (!byExpiry.isEmpty() && byExpiry.peek().validBefore().compareTo(now) <= 0) {
            usedAuthorizations.remove(byExpiry.poll().key());
        }
    }

    private BigInteger now() {
        return BigInteger.valueOf(clock.instant().getEpochSecond());
    }

    /** Unique per (token, authorizer, nonce), which is unique per successful transfer. */
    private static String transactionId(Token token, ExactEvmAuthorization authorization) {
        return Hex.encode(Keccak256.hash(
                "tollgate-simulated-transfer".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                ByteBuffer.allocate(Long.BYTES).putLong(token.chainId()).array(),
                token.asset().bytes(),
                authorization.from().bytes(),
                authorization.nonce()));
    }

    private static String key(Token token, EvmAddress authorizer, byte[] nonce) {
        return token.chainId() + ":" + token.asset().toLowerHex() + ":" + authorizer.toLowerHex() + ":"
                + Hex.encode(nonce);
    }
}
