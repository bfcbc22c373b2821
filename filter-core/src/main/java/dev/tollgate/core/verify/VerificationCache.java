package dev.tollgate.core.verify;

import dev.tollgate.core.Sha256;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.WireJson;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Remembers a verifier's definite answers (valid, invalid) for a short while, so that a request retried with
 * the same proof, for instance after its handler failed and the claim was released, does not ask the
 * facilitator again. It sits behind the gate's ledger claim: a cached "valid" is only ever consulted for a
 * proof the ledger has just let through, so it never admits a proof twice.
 *
 * <p>Not cached: "unavailable" and "malfunction" (a retry should ask again), and refusals that may stop
 * being true within seconds ({@code payment_not_found}: the payment may not be indexed yet;
 * {@code insufficient_funds} or the reference facilitator's {@code invalid_exact_evm_insufficient_balance}: the
 * payer may top up). A "valid" for an EIP-3009 authorization is kept no
 * longer than the authorization's {@code validBefore}. Keys are SHA-256 digests: the cache holds no proof.
 */
public final class VerificationCache implements PaymentVerifier {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    // insufficient_funds is the specification's word, invalid_exact_evm_insufficient_balance the reference
    // facilitator's (@x402/evm 2.x).
    private static final Set<String> TRANSIENT_REASONS = Set.of(ProofApiCode.PAYMENT_NOT_FOUND.reason(),
            "insufficient_funds", "invalid_exact_evm_insufficient_balance");

    private final PaymentVerifier verifier;
    private final Duration ttl;
    private final Clock clock;
    private final Cache<String, Entry> cache;

    public VerificationCache(PaymentVerifier verifier, Duration ttl, int maxEntries, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                // Upkeep on the calling thread: by default every write hands it to the common pool, waking a
                // thread per paid request (3 % of a paid request's time at moderate load, and a core taken).
                .executor(Runnable::run)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry value, long currentTime) {
                        return value.nanosToLive();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
                        return value.nanosToLive();
                    }

                    @Override
                    public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    @Override
    public VerifyOutcome verify(PaymentAttempt attempt) {
        String key = key(attempt);
        Entry hit = cache.getIfPresent(key);
        if (hit != null) {
            return hit.outcome();
        }
        VerifyOutcome outcome = verifier.verify(attempt);
        Duration life = lifetime(attempt, outcome);
        if (life != null) {
            cache.put(key, new Entry(outcome, life.toNanos()));
        }
        return outcome;
    }

    /** Entries currently held (for tests and metrics). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private Duration lifetime(PaymentAttempt attempt, VerifyOutcome outcome) {
        if (outcome instanceof VerifyOutcome.Invalid invalid) {
            return TRANSIENT_REASONS.contains(invalid.reason()) ? null : ttl;
        }
        if (!(outcome instanceof VerifyOutcome.Valid)) {
            return null;
        }
        // An EIP-3009 authorization ends at validBefore, a Permit2 one at its deadline.
        String end = attempt.evm() != null && attempt.evm().authorization() != null
                ? attempt.evm().authorization().validBefore()
                : attempt.permit2() != null && attempt.permit2().permit2Authorization() != null
                        ? attempt.permit2().permit2Authorization().deadline() : null;
        if (end != null) {
            try {
                long before = new BigInteger(end).longValueExact();
                Duration left = Duration.between(clock.instant(), Instant.ofEpochSecond(before));
                if (left.isNegative() || left.isZero()) {
                    return null;
                }
                return left.compareTo(ttl) < 0 ? left : ttl;
            } catch (ArithmeticException | NumberFormatException e) {
                return ttl;
            }
        }
        return ttl;
    }

    /**
     * Same proof for the same requirement, however its JSON keys are ordered. An exact-EVM proof is its signed
     * authorization and signature, so its key is made of those fields alone: writing the whole proof out again,
     * sorted, cost more than the rest of the paid request (the facilitator call included) when every proof
     * is new. Other proofs are keyed by their sorted JSON. The parts are length-prefixed, so no two different
     * proofs share a digest input.
     */
    static String key(PaymentAttempt attempt) {
        MessageDigest digest = Sha256.digest();
        part(digest, Integer.toString(attempt.x402Version()));
        part(digest, RequirementsJson.of(attempt.requirements()));
        ExactEvmPayload evm = attempt.evm();
        if (evm != null && evm.authorization() != null) {
            ExactEvmPayload.Authorization a = evm.authorization();
            part(digest, "exact-evm");
            for (String field : new String[] {evm.signature(), a.from(), a.to(), a.value(), a.validAfter(),
                    a.validBefore(), a.nonce()}) {
                part(digest, field);
            }
        } else {
            part(digest, "json");
            part(digest, sorted(attempt.paymentPayload()));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void part(MessageDigest digest, String value) {
        if (value == null) {
            digest.update("-1:".getBytes(StandardCharsets.US_ASCII)); // no string has a negative length
            return;
        }
        part(digest, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void part(MessageDigest digest, byte[] bytes) {
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    private static String sorted(JsonNode tree) {
        try {
            return WireJson.mapper().writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED).writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Entry(VerifyOutcome outcome, long nanosToLive) {
    }
}
