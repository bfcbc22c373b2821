package dev.tollgate.core.code;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.Hold;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.ReplayLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates Code payment intents on the server's terms and later decides whether a presented intent id pays
 * for something. An intent pays a {@link CodeOption} only if
 * <ol>
 *   <li>this server created it (it is in the {@link CodeIntentStore}, not expired),</li>
 *   <li>for that option's route, amount, currency and destination,</li>
 *   <li>the sequencer's {@code getStatus} says it was submitted (confirmed), and</li>
 *   <li>it was not redeemed before (the {@link ReplayLedger} key {@code code:<id>} can be claimed).</li>
 * </ol>
 * The sequencer is asked before the intent is claimed: a claim taken while the intent was still unpaid would
 * outlive a failed release or a crashed instance and refuse the payment once made, and would make an
 * overlapping poll read as "already used". Of concurrent presentations of a paid intent one wins the claim;
 * the others are told to ask again while the winner has not settled, and "already used" only once it has. A
 * Code payment is complete when confirmed, so "settling" a redemption only marks it used in the ledger;
 * releasing it lets the payer present it again.
 */
public final class CodeIntentVerifier {
    public static final String LEDGER_PREFIX = "code:";
    public static final Duration DEFAULT_INTENT_LIFETIME = Duration.ofHours(1);

    private static final Duration SKEW = Duration.ofMinutes(1);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /** Why an intent does not pay. */
    public enum Reason {
        /** Not an intent id at all (not base58 of 32 bytes). */
        MALFORMED,
        /** Not created by this server, or expired, or never announced to the sequencer. */
        UNKNOWN,
        /** Created by this server, but for another route, amount, currency or destination. */
        FOREIGN_TERMS,
        /** Known, not paid (yet). */
        PENDING,
        /** Paid, and already redeemed once. */
        ALREADY_USED
    }

    /** The outcome of presenting an intent id. */
    public sealed interface Verdict {
    }

    /** Paid, claimed for this request: {@link Redemption#settle} when delivered, else {@link Redemption#release}. */
    public record Redeemable(Redemption redemption) implements Verdict {
    }

    /** Does not pay; {@code message} tells the payer why. */
    public record Refused(Reason reason, String message) implements Verdict {
    }

    /**
     * Could not be decided now (sequencer or store unreachable, or another request is redeeming the intent): ask
     * again after {@code retryAfter}. {@code store} is what the intent store or the ledger threw when it was one of
     * them that could not be reached, else null.
     */
    public record Unavailable(String message, Duration retryAfter, LedgerUnavailableException store) implements Verdict {
        public Unavailable(String message, Duration retryAfter) {
            this(message, retryAfter, null);
        }
    }

    /** The sequencer answered something that is not a status (an error envelope, a malformed body). */
    public record Malfunction(String message) implements Verdict {
    }

    /** An intent creation that failed; {@code retryable} says whether asking again may help. */
    public static final class CreationException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        CreationException(String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final CodeIntentApi api;
    private final CodeIntentStore store;
    private final ReplayLedger ledger;
    private final Clock clock;
    private final Duration intentLifetime;
    // Keys this instance claimed and has not settled or released: an overlapping request here is told to retry
    // without asking the ledger, and before the ledger's claim exists.
    private final Set<String> redeeming = ConcurrentHashMap.newKeySet();

    public CodeIntentVerifier(CodeIntentApi api, CodeIntentStore store, ReplayLedger ledger, Clock clock,
                              Duration intentLifetime) {
        this.api = Objects.requireNonNull(api, "api");
        this.store = Objects.requireNonNull(store, "store");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.intentLifetime = Objects.requireNonNull(intentLifetime, "intentLifetime");
        if (intentLifetime.isNegative() || intentLifetime.isZero()) {
            throw new IllegalArgumentException("intentLifetime must be positive");
        }
    }

    /**
     * Creates a fresh intent for {@code option}, remembers it, and announces it to the sequencer. The terms
     * come from the option alone: nothing a browser sends can change them. The intent is remembered before
     * it is announced, so that the sequencer never knows an intent this server could not redeem; if the
     * announcement fails, it is forgotten again.
     *
     * @return the intent; give the browser its {@code clientSecret} (and id), never keep the secret
     */
    public PaymentIntent create(CodeOption option) throws CreationException {
        PaymentIntent intent = PaymentIntents.create(option.destination(), option.amount(), option.currency().code(),
                IntentNonce.random());
        CreatedIntent record = new CreatedIntent(intent.id(), option.route(), intent.amount(), intent.currency(),
                intent.destination(), clock.instant().plus(intentLifetime));
        try {
            if (!store.remember(record)) {
                throw new CreationException("too many open payment intents; try again later", true, null);
            }
        } catch (LedgerUnavailableException e) {
            throw new CreationException("the intent store is unavailable: " + e.getMessage(), true, e);
        }
        try {
            return api.createIntent(intent);
        } catch (CodeApiException e) {
            forget(record);
            throw new CreationException("the Code sequencer did not accept the intent: " + e.getMessage(),
                    e.isRetryable(), e);
        } catch (RuntimeException e) {
            forget(record);
            throw e;
        }
    }

    /**
     * Any failed announcement, a timed-out one included (the sequencer may know the intent), leaves an intent
     * nobody can pay: its client secret is only handed out on success.
     */
    private void forget(CreatedIntent record) {
        try {
            store.forget(record);
        } catch (LedgerUnavailableException e) {
            // It expires with its lifetime; until then it takes one place among the open intents.
        }
    }

    /**
     * Decides whether {@code intentId} pays for {@code option} and, if so, claims it for the caller.
     */
    public Verdict redeem(String intentId, CodeOption option) {
        if (!isIntentId(intentId)) {
            return new Refused(Reason.MALFORMED, "not a Code intent id: expected base58 of 32 bytes");
        }
        Optional<CreatedIntent> found;
        try {
            found = store.find(intentId);
        } catch (LedgerUnavailableException e) {
            return new Unavailable("the intent store is unavailable", RETRY_AFTER, e);
        }
        if (found.isEmpty()) {
            return new Refused(Reason.UNKNOWN, "unknown payment intent " + intentId
                    + ": this server did not create it, or it has expired");
        }
        CreatedIntent intent = found.get();
        if (!intent.route().equals(option.route())) {
            return new Refused(Reason.FOREIGN_TERMS, "payment intent " + intentId + " was created for another "
                    + "route ('" + intent.route() + "'), not for this one");
        }
        if (!option.sameTerms(intent)) {
            return new Refused(Reason.FOREIGN_TERMS, "payment intent " + intentId + " is for " + intent.price()
                    + " to " + intent.destination() + "; this costs " + option.price() + " to "
                    + option.destination());
        }
        IntentStatus status;
        try {
            status = api.getStatus(intentId);
        } catch (CodeApiException e) {
            if (e.isRetryable()) {
                return new Unavailable("the Code sequencer is unavailable: " + e.getMessage(), RETRY_AFTER);
            }
            return new Malfunction("the Code sequencer answered incorrectly: " + e.getMessage());
        }
        if (!status.exists()) {
            return new Refused(Reason.UNKNOWN, "the Code sequencer has no record of payment intent " + intentId);
        }
        if (!status.isConfirmed()) {
            return new Refused(Reason.PENDING, "payment pending: intent " + intentId + " has not been paid yet"
                    + (status.codeScanned() ? " (the code was scanned)" : ""));
        }
        return claim(intentId, intent);
    }

    private Verdict claim(String intentId, CreatedIntent intent) {
        String key = LEDGER_PREFIX + intentId;
        Instant until = claimUntil(intent);
        if (!redeeming.add(key)) {
            return inProgress(intentId);
        }
        try {
            if (ledger.claim(key, until) == ClaimResult.CLAIMED) {
                return new Redeemable(new Redemption(intent, key, until));
            }
        } catch (LedgerUnavailableException e) {
            redeeming.remove(key);
            return new Unavailable("the payment ledger is unavailable", RETRY_AFTER, e);
        } catch (RuntimeException e) {
            redeeming.remove(key);
            throw e;
        }
        redeeming.remove(key);
        Hold hold;
        try {
            hold = ledger.hold(key);
        } catch (LedgerUnavailableException e) {
            return new Unavailable("the payment ledger is unavailable", RETRY_AFTER, e);
        }
        // UNKNOWN: a ledger that cannot tell is one instance's own (a shared one should answer), and no request
        // of this instance holds the key, so it was settled.
        if (hold == Hold.SETTLED || hold == Hold.UNKNOWN) {
            return new Refused(Reason.ALREADY_USED, "payment intent " + intentId + " was already used");
        }
        // CLAIMED: another instance is redeeming it (or died doing so: the claim lapses at its expiry). NONE: that
        // redemption was released since, so asking again may win.
        return inProgress(intentId);
    }

    private static Unavailable inProgress(String intentId) {
        return new Unavailable("payment intent " + intentId + " is being redeemed by another request",
                RETRY_AFTER);
    }

    /** The redeemed mark must outlive the store's memory of the intent, or the intent could pay twice. */
    private Instant claimUntil(CreatedIntent intent) {
        Instant floor = clock.instant().plus(SKEW);
        Instant until = intent.expiresAt().plus(SKEW);
        return until.isBefore(floor) ? floor : until;
    }

    private void release(String key) {
        try {
            ledger.release(key);
        } catch (LedgerUnavailableException e) {
            // The claim lapses at its expiry; until then the intent cannot be redeemed, which fails closed. A ledger
            // that reports holds answers "try again" meanwhile, not "already used".
        }
    }

    static boolean isIntentId(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
        }
        try {
            Base58.decode(id, RendezvousKey.PUBLIC_KEY_LENGTH, "intent");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A confirmed intent claimed for one request. Exactly one of settle or release should follow. */
    public final class Redemption {
        private final CreatedIntent intent;
        private final String key;
        private final Instant until;
        private final AtomicBoolean finished = new AtomicBoolean();

        private Redemption(CreatedIntent intent, String key, Instant until) {
            this.intent = intent;
            this.key = key;
            this.until = until;
        }

        public CreatedIntent intent() {
            return intent;
        }

        /** The content was delivered: the intent stays used. */
        public void settle() {
            if (finished.compareAndSet(false, true)) {
                try {
                    ledger.settled(key, until);
                } catch (LedgerUnavailableException e) {
                    // The claim already holds the key until the same instant.
                } finally {
                    // After the mark, so that an overlapping request here never finds neither.
                    redeeming.remove(key);
                }
            }
        }

        /** Nothing was delivered: the payer may present the intent again. */
        public void release() {
            if (finished.compareAndSet(false, true)) {
                try {
                    CodeIntentVerifier.this.release(key);
                } finally {
                    redeeming.remove(key);
                }
            }
        }
    }
}
