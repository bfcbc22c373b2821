package dev.tollgate.core.gate;

import dev.tollgate.core.code.CodeIntentVerifier;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.PaymentSettler;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.HeaderCodec;
import dev.tollgate.core.wire.HeaderSafeText;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.X402Headers;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides what a request to a protected route gets: a challenge, admission with a claimed proof, or a
 * rejection. A proof is claimed in the ledger before it is verified, so concurrent copies of one proof
 * cost one verification and win once; every failure after the claim releases it.
 */
public final class PaymentGate {
    static final String REASON_REPLAYED = "payment_already_used";
    static final String REASON_HEAD = "a HEAD request is never charged, as its answer has no body: send the payment with GET";
    private static final Duration BYPASS_REPORT_EVERY = Duration.ofSeconds(10);
    /** Another instance can serve the payer's retry at once. */
    private static final Duration STOPPED_RETRY_AFTER = Duration.ofSeconds(1);
    private static final Duration CLAIM_SKEW = Duration.ofMinutes(1);
    /** How far a proof-API facilitator's clock may run ahead of ours when it dates a payment. */
    private static final long FACILITATOR_CLOCK_SLACK_SECONDS = 60;

    private final PaymentVerifier verifier;
    private final PaymentSettler settler;
    private final ReplayLedger ledger;
    private final Clock clock;
    private final PaymentListener listener;
    private final Duration maxClaim;
    final Answers answers;
    private final ProofMatcher matcher;
    private final ProofApiSupport proofApi;
    private final CodeAdmission code;
    private final LedgerFailurePolicy onLedgerFailure;
    private final PaymentIdentifiers identifiers;
    private final System.Logger log = System.getLogger("dev.tollgate.ledger");
    /** Admitted sessions settled after their handler that have not ended, while {@link #releaseRunningOnClose}. */
    private final Set<PaymentSession> running = ConcurrentHashMap.newKeySet();
    private volatile boolean releaseRunningOnClose;
    /** Set by {@link #closing}: the answer of a handler that can no longer be settled. */
    private volatile Completion.Withhold stoppedAnswer;
    /**
     * Gate work under way that uses the ledger: a check, a session ending. Each is bounded by the facilitator's and
     * the ledger's timeouts, never by a handler; the owner's close of the ledger waits for the last of them.
     */
    private final Object ledgerUseLock = new Object();
    private final List<LedgerUse> ledgerUses = new ArrayList<>();
    /** A closing thread waits on {@link #ledgerUseLock} for the last use to end. */
    private boolean ledgerCloseWaiting;
    /**
     * Whether the gate's owner closes the ledger ({@link #ownerClosesLedger}): only then is its use counted, so a ledger
     * the Tollgate never closes (the in-memory default, one supplied in code) costs a request no shared lock.
     */
    private volatile boolean countLedgerUse;
    private final AtomicLong bypassed = new AtomicLong();
    private final AtomicLong lastBypassReport = new AtomicLong(System.nanoTime() - BYPASS_REPORT_EVERY.toNanos());

    public PaymentGate(PaymentVerifier verifier, PaymentSettler settler, ReplayLedger ledger, HeaderCodec codec,
                       Clock clock, PaymentListener listener, Duration maxClaim) {
        this(verifier, settler, ledger, codec, clock, listener, maxClaim, null, null);
    }

    /**
     * @param proofApi    when the facilitator speaks the proof-API dialect; null otherwise
     * @param codeIntents checks Code intents for routes whose terms accept them; null if none do
     */
    public PaymentGate(PaymentVerifier verifier, PaymentSettler settler, ReplayLedger ledger, HeaderCodec codec,
                       Clock clock, PaymentListener listener, Duration maxClaim, ProofApiSupport proofApi,
                       CodeIntentVerifier codeIntents) {
        this(verifier, settler, ledger, codec, clock, listener, maxClaim, proofApi, codeIntents,
                LedgerFailurePolicy.CLOSED, PaymentIdentifierPolicy.OFF);
    }

    /**
     * @param onLedgerFailure what a request gets while the ledger's store is unreachable
     * @param identifiers     the {@code payment-identifier} extension; when enabled the ledger must offer
     *                        {@link ReplayLedger#paymentIdentifiers()}
     */
    public PaymentGate(PaymentVerifier verifier, PaymentSettler settler, ReplayLedger ledger, HeaderCodec codec,
                       Clock clock, PaymentListener listener, Duration maxClaim, ProofApiSupport proofApi,
                       CodeIntentVerifier codeIntents, LedgerFailurePolicy onLedgerFailure,
                       PaymentIdentifierPolicy identifiers) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.settler = Objects.requireNonNull(settler, "settler");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = ListenerGuard.around(Objects.requireNonNull(listener, "listener"));
        this.maxClaim = Objects.requireNonNull(maxClaim, "maxClaim");
        this.onLedgerFailure = Objects.requireNonNull(onLedgerFailure, "onLedgerFailure");
        if (identifiers.enabled() && ledger.paymentIdentifiers() == null) {
            throw new IllegalArgumentException("the ledger " + ledger.getClass().getName()
                    + " keeps no payment identifiers");
        }
        this.identifiers = identifiers.enabled()
                ? new PaymentIdentifiers(this, ledger.paymentIdentifiers(), identifiers, clock) : null;
        this.answers = new Answers(codec, proofApi, identifiers.enabled() ? Map.of(PaymentIdentifiers.EXTENSION,
                PaymentIdentifiers.declaration(identifiers.mode() == PaymentIdentifierPolicy.Mode.REQUIRED)) : Map.of());
        this.matcher = new ProofMatcher(codec);
        this.proofApi = proofApi;
        this.code = new CodeAdmission(codeIntents);
    }

    public Decision check(RequestView view, PaymentTerms terms) {
        LedgerUse use = usingLedger("a check");
        try {
            return checkUsingLedger(view, terms);
        } finally {
            doneWithLedger(use);
        }
    }

    private Decision checkUsingLedger(RequestView view, PaymentTerms terms) {
        List<String> v2 = view.headers(X402Headers.PAYMENT_SIGNATURE);
        List<String> v1 = view.headers(X402Headers.X_PAYMENT);
        List<String> opaque = proofApi == null ? List.of() : view.headers(ProofApiSupport.HEADER);
        boolean presented = CodeAdmission.presented(view);
        if ("HEAD".equals(view.method()) && (presented || !v1.isEmpty() || !v2.isEmpty() || !opaque.isEmpty())) {
            // Both bindings run the GET handler for HEAD and the container drops its body: a payment admitted
            // here would be settled for nothing. The proof is left unclaimed, to be sent again with GET.
            return challenge(view, terms, REASON_HEAD);
        }
        if (presented) {
            return code.check(this, view, terms, v1.size() + v2.size() + opaque.size());
        }
        if (v1.isEmpty() && v2.isEmpty() && opaque.isEmpty()) {
            listener.challenged(view.path(), null);
            return new Decision.Challenge(answers.challenge(view, terms, null, null, null), null);
        }
        if (v1.size() + v2.size() + opaque.size() > 1) {
            return challenge(view, terms, "send exactly one payment header: X-PAYMENT (v1) or PAYMENT-SIGNATURE (v2)");
        }
        MatchedProof proof;
        try {
            proof = !opaque.isEmpty() ? proofApi.match(opaque.get(0), terms)
                    : v2.isEmpty() ? matcher.matchV1(v1.get(0), view, terms) : matcher.matchV2(v2.get(0), view, terms);
        } catch (Refusal r) {
            return challenge(view, terms, r.getMessage());
        }
        Instant until = claimUntil(proof.validBefore());
        if (until == null) {
            return challenge(view, terms, outlivesMemory());
        }
        PaymentIdentifiers.Ticket ticket = null;
        boolean storeDown = false;
        if (identifiers != null && !v2.isEmpty()) {
            PaymentIdentifiers.Step step = identifiers.begin(view, terms, proof, until);
            if (step.answer() != null) {
                return step.answer();
            }
            ticket = step.ticket();
            storeDown = step.storeDown();
        }
        Decision decision = claimAndVerify(view, terms, proof, until, ticket, storeDown);
        if (ticket != null && !(decision instanceof Decision.Admit)) {
            ticket.abandon();
        }
        return decision;
    }

    /**
     * @param storeDown the store was found unreachable earlier in this request and reported, failing open: the
     *                  request is reported once however many of its store calls fail
     */
    private Decision claimAndVerify(RequestView view, PaymentTerms terms, MatchedProof proof, Instant until,
                                    PaymentIdentifiers.Ticket ticket, boolean storeDown) {
        try {
            if (ledger.claim(proof.ledgerKey(), until) == ClaimResult.DUPLICATE) {
                return challenge(view, terms, REASON_REPLAYED);
            }
        } catch (LedgerUnavailableException e) {
            Decision closed = storeDown ? null : ledgerUnavailable(view, e);
            if (closed != null) {
                return closed;
            }
            storeDown = true;
        }
        Decision decision;
        try {
            decision = verifyClaimed(view, terms, proof, until, ticket, storeDown);
        } catch (RuntimeException e) {
            release(proof.ledgerKey(), until);
            listener.rejected(view.path(), 500, "verifier failed: " + e.getClass().getSimpleName());
            return new Decision.Reject(answers.error(500, "payment verification failed", null), "verifier failed");
        }
        if (!(decision instanceof Decision.Admit)) {
            release(proof.ledgerKey(), until);
        }
        return decision;
    }

    /**
     * The ledger's store could not be reached: null when the policy is to fail open (the caller goes on without
     * replay protection, loudly), or else the 503 to answer.
     */
    Decision ledgerUnavailable(RequestView view, LedgerUnavailableException e) {
        listener.ledgerUnavailable(view.path(), onLedgerFailure.failOpen(), e.getMessage());
        if (!onLedgerFailure.failOpen()) {
            return reject(view, 503, "payment ledger unavailable, try again shortly", onLedgerFailure.retryAfter());
        }
        long n = bypassed.incrementAndGet();
        long last = lastBypassReport.get();
        long now = System.nanoTime();
        if (now - last >= BYPASS_REPORT_EVERY.toNanos() && lastBypassReport.compareAndSet(last, now)) {
            bypassed.addAndGet(-n);
            // Counted before verification, so "went on": a refused proof counts too, and is not admitted.
            log.log(System.Logger.Level.ERROR, "replay ledger unavailable and ledger.onUnavailable=open: {0} paid "
                    + "request(s) went on WITHOUT REPLAY PROTECTION since the last report; only the facilitator''s "
                    + "nonce check stops a replayed proof now ({1})", n, e.getMessage());
        }
        return null;
    }

    private Decision verifyClaimed(RequestView view, PaymentTerms terms, MatchedProof proof, Instant until,
                                   PaymentIdentifiers.Ticket ticket, boolean storeDown) {
        PaymentAttempt attempt = proof.attempt();
        long start = System.nanoTime();
        VerifyOutcome outcome = verifier.verify(attempt);
        if (proofApi != null && ProofApiSupport.opaque(attempt)) {
            outcome = onOtherNetworks(attempt, terms, outcome);
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        if (outcome instanceof VerifyOutcome.Invalid invalid) {
            // The verifier's own words (a facilitator's invalidMessage or error text, a code the dialect does not
            // define) are for the operator: the client's 402 names the refusal by its reason alone.
            listener.verified(view.path(), "Invalid", invalid.message() == null || invalid.message().isBlank()
                    ? invalid.reason() : Answers.reason(invalid.reason() + " (" + invalid.message() + ")"), latency);
            return challenge(view, terms, invalid.reason());
        }
        if (outcome instanceof VerifyOutcome.Unavailable u) {
            listener.verified(view.path(), "Unavailable", u.detail(), latency);
            return reject(view, 503, "payment verification unavailable, try again shortly", u.retryAfter());
        }
        if (outcome instanceof VerifyOutcome.Malfunction m) {
            listener.verified(view.path(), "Malfunction", m.detail(), latency);
            return reject(view, 502, "payment verifier answered incorrectly", null);
        }
        VerifyOutcome.Valid valid = (VerifyOutcome.Valid) outcome;
        String payer = valid.payer();
        if (valid.payment() != null) {
            return admitPaid(view, terms, proof, until, valid, latency, ticket, storeDown);
        }
        if (proof.payer() != null && payer != null && !payer.equalsIgnoreCase(proof.payer())) {
            listener.verified(view.path(), "Malfunction", "verifier named payer " + payer, latency);
            return reject(view, 502, "payment verifier answered incorrectly", null);
        }
        listener.verified(view.path(), "Valid", valid.detail(), latency);
        PaymentOption o = attempt.option();
        // The amount's decimal text as the option wrote it once, where BigInteger.toString divides it out anew.
        PaymentReceipt receipt = new PaymentReceipt(attempt.x402Version(), o.scheme(),
                attempt.x402Version() == 1 ? o.network().v1Name() : o.network().caip2(), o.asset(),
                o.requirementsV2().amount(), o.payTo(), proof.payer() != null ? proof.payer() : payer, null);
        return admit(view, terms, proof, until, receipt, ticket);
    }

    /**
     * An opaque proof the facilitator did not find on the first network is asked about on each further network the
     * route takes, until one knows it. When none does, the first network's refusal stands.
     */
    private VerifyOutcome onOtherNetworks(PaymentAttempt asked, PaymentTerms terms, VerifyOutcome first) {
        VerifyOutcome outcome = first;
        for (PaymentOption o : ProofApiSupport.otherNetworks(terms, asked.option())) {
            if (!ProofApiSupport.mayBeOnAnotherNetwork(outcome)) {
                return outcome;
            }
            outcome = verifier.verify(ProofApiSupport.attempt(asked, o));
        }
        return ProofApiSupport.mayBeOnAnotherNetwork(outcome) ? first : outcome;
    }

    /**
     * A facilitator that reported the payment itself (proof-API dialect): Tollgate checks network and amount
     * against the option, then re-keys the claim from the proof to the paid transaction, so that any other
     * proof of the same payment is a replay.
     */
    private Decision admitPaid(RequestView view, PaymentTerms terms, MatchedProof proof, Instant until,
                               VerifyOutcome.Valid valid, Duration latency, PaymentIdentifiers.Ticket ticket,
                               boolean storeDown) {
        PaymentAttempt attempt = proof.attempt();
        String undated = undatable(valid.payment().timestamp());
        if (undated != null) {
            listener.verified(view.path(), "Malfunction", undated, latency);
            return reject(view, 502, "payment verifier answered incorrectly", null);
        }
        String wrong;
        if (ProofApiSupport.opaque(attempt)) {
            // The opaque proof names no option: the payment the facilitator found picks it.
            PaymentOption paidFor = ProofApiSupport.optionPaid(valid.payment(), terms);
            if (paidFor == null) {
                wrong = ProofApiSupport.mismatch(valid.payment(), terms);
            } else {
                wrong = null;
                attempt = ProofApiSupport.attempt(attempt, paidFor);
            }
        } else {
            wrong = ProofApiSupport.mismatch(valid.payment(), attempt.option());
        }
        if (wrong == null) {
            wrong = tooOld(valid.payment().timestamp());
        }
        if (wrong != null) {
            listener.verified(view.path(), "Invalid", wrong, latency);
            return challenge(view, terms, wrong);
        }
        listener.verified(view.path(), "Valid", valid.detail(), latency);
        String txKey = ProofApiSupport.transactionKey(valid.payment(), attempt.option());
        // The payment is final whichever proof showed it: its key is kept as long as any used proof (maxClaim), not
        // until this proof's validBefore, after which another proof of the same payment would be admitted again.
        Instant paidUntil = claimUntil(null);
        try {
            if (ledger.claim(txKey, paidUntil) == ClaimResult.DUPLICATE) {
                return challenge(view, terms, REASON_REPLAYED);
            }
        } catch (LedgerUnavailableException e) {
            Decision closed = storeDown ? null : ledgerUnavailable(view, e);
            if (closed != null) {
                return closed;
            }
        }
        release(proof.ledgerKey(), until);
        MatchedProof paid = new MatchedProof(attempt, txKey, proof.validBefore(), proof.payer());
        Decision d = admit(view, terms, paid, paidUntil, ProofApiSupport.receipt(attempt, valid.payment()), ticket);
        if (!(d instanceof Decision.Admit)) {
            release(txKey, paidUntil);
        }
        return d;
    }

    /**
     * Why the time a verifier gave a payment cannot be judged by {@link #tooOld}, or null when it can. Without it, or
     * with a time ahead of ours by more than the slack (milliseconds where the dialect writes seconds read as a date
     * millennia away), no payment would ever be too old, and one used and forgotten would be admitted again.
     */
    private String undatable(Long madeAt) {
        if (madeAt == null) {
            return "verifier said valid without the payment's timestamp (Unix seconds)";
        }
        if (madeAt > clock.instant().getEpochSecond() + FACILITATOR_CLOCK_SLACK_SECONDS) {
            return "verifier dated the payment in the future (timestamp " + madeAt + "; Unix seconds expected)";
        }
        return null;
    }

    /**
     * A paid transaction is remembered as used for {@code maxClaim} from its first use, and the facilitator may
     * confirm it again on any later day: a payment made longer ago than that could have been used and forgotten, so
     * it pays for nothing. A minute of slack covers the facilitator's clock running ahead of ours. Null when the
     * payment is young enough.
     */
    private String tooOld(long madeAt) {
        long oldest = clock.instant().getEpochSecond() - maxClaim.getSeconds() + FACILITATOR_CLOCK_SLACK_SECONDS;
        if (madeAt >= oldest) {
            return null;
        }
        return "payment_too_old: the payment was made longer ago than maxClaim (" + maxClaim + "), the time for which "
                + "a used payment is remembered, so it cannot be told from one already used; pay again";
    }

    private Decision admit(RequestView view, PaymentTerms terms, MatchedProof proof, Instant until,
                           PaymentReceipt receipt, PaymentIdentifiers.Ticket ticket) {
        PaymentSession session = new PaymentSession(this, view, terms, proof, until, receipt, ticket);
        if (releaseRunningOnClose && terms.settlement() == SettlementMode.AFTER) {
            session.onEnd(() -> running.remove(session));
            running.add(session);
            Completion.Withhold stopped = stoppedAnswer;
            if (stopped != null) {
                // Admitted after closing() ended the sessions running: the facilitator client is closed, so the
                // handler could never be settled, and does not run. The claim is released by claimAndVerify, as for
                // any refusal, while this check keeps the ledger open.
                session.endBeforeHandler(stopped);
                listener.rejected(view.path(), 503, "not admitted: the application is stopping");
                return new Decision.Reject(stopped.answer(), stopped.reason());
            }
        }
        if (terms.settlement() == SettlementMode.BEFORE) {
            Completion settled = session.settleNow();
            if (settled instanceof Completion.Withhold w) {
                return w.answer().status() == 402
                        ? new Decision.Challenge(w.answer(), w.reason())
                        : new Decision.Reject(w.answer(), w.reason());
            }
        }
        listener.admitted(view.path(), session.receipt());
        return new Decision.Admit(session);
    }

    /** Settles and translates the outcome; the session owns the ledger bookkeeping around it. */
    Completion settle(RequestView view, PaymentTerms terms, MatchedProof proof, PaymentReceipt receipt) {
        long start = System.nanoTime();
        SettleOutcome outcome;
        try {
            outcome = settler.settle(proof.attempt());
        } catch (RuntimeException e) {
            outcome = new SettleOutcome.Malfunction("settler failed: " + e.getClass().getSimpleName());
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        PaymentOption o = proof.attempt().option();
        if (outcome instanceof SettleOutcome.Settled s) {
            SettleResponse r = ProofApiSupport.withTransaction(s.response(), receipt);
            if ((r.payer() == null || r.payer().isEmpty()) && receipt.payer() != null) {
                // v1's settlement response requires payer, v2's does not: a facilitator may leave it out (or send
                // it empty), and the gate knows it from the verified proof.
                r = new SettleResponse(r.success(), r.errorReason(), r.transaction(), r.network(), receipt.payer());
            }
            String wrong = contradiction(r, o, proof);
            if (wrong == null) {
                listener.settled(view.path(), receipt, true, r.transaction(), latency);
                return new Completion.Deliver(answers.settlementHeaders(r, o), r.transaction());
            }
            outcome = new SettleOutcome.Malfunction(wrong);
        }
        if (outcome instanceof SettleOutcome.Failed f) {
            String reason = f.response().errorReason() == null ? "settlement_failed"
                    : Answers.reason(f.response().errorReason());
            // A failure can name a transaction the facilitator broadcast (settlement_pending, a reverted
            // transfer): the payer's evidence and the operator's key to reconcile, so it is passed on.
            String tx = evidence(f.response().transaction());
            listener.settled(view.path(), receipt, false, tx.isEmpty() ? reason : reason + " (transaction " + tx + ")",
                    latency);
            SettleResponse failure = new SettleResponse(false, reason, tx, o.network().caip2(), receipt.payer());
            return new Completion.Withhold(answers.challenge(view, terms, reason, failure, o), reason);
        }
        if (outcome instanceof SettleOutcome.Unavailable u) {
            listener.settled(view.path(), receipt, false, u.detail(), latency);
            listener.rejected(view.path(), 503, u.detail());
            return new Completion.Withhold(answers.error(503, "payment settlement unavailable, try again shortly",
                    u.retryAfter()), u.detail());
        }
        SettleOutcome.Malfunction m = (SettleOutcome.Malfunction) outcome;
        listener.settled(view.path(), receipt, false, m.detail(), latency);
        listener.rejected(view.path(), 502, m.detail());
        return new Completion.Withhold(answers.error(502, "payment settler answered incorrectly", null), m.detail());
    }

    /** A failure's transaction id as the facilitator gave it, when it is one (short, printable); else "". */
    private static String evidence(String transaction) {
        boolean usable = transaction != null && !transaction.isEmpty()
                && HeaderSafeText.within(transaction, HeaderSafeText.MAX_TRANSACTION_CHARS, '!')
                && transaction.indexOf('"') < 0 && transaction.indexOf('\\') < 0;
        return usable ? transaction : "";
    }

    /** A "success" that names another network or payer did not pay for this request. */
    private static String contradiction(SettleResponse r, PaymentOption o, MatchedProof proof) {
        // An empty network says nothing, as an absent one does; only a network named otherwise contradicts.
        if (r.network() != null && !r.network().isEmpty() && !r.network().equals(o.network().caip2())
                && !r.network().equals(o.network().v1Name())) {
            return "settlement reported network " + r.network();
        }
        if (proof.payer() != null && r.payer() != null && !r.payer().equalsIgnoreCase(proof.payer())) {
            return "settlement reported payer " + r.payer();
        }
        return null;
    }

    ReplayLedger ledger() {
        return ledger;
    }

    PaymentListener listener() {
        return listener;
    }

    /**
     * Releases the claim of {@code key} made until {@code claimedUntil}, and no later claim of it; false when the
     * ledger could not be reached.
     */
    boolean release(String key, Instant claimedUntil) {
        try {
            ledger.release(key, claimedUntil);
            return true;
        } catch (LedgerUnavailableException e) {
            // The claim then lapses at its expiry: the proof stays unusable until then, which fails closed.
            return false;
        }
    }

    /**
     * How long a close of the ledger asked while checks or session endings still use it waits for them. Each is bounded
     * by the facilitator's and the ledger's timeouts (the facilitator client is closed by then, so only ledger commands
     * and listener calls are left), so this is reached only by work that never ends, such as a listener that blocks:
     * the ledger, its connections and threads are then closed anyway, and what still ran is named in a WARNING.
     */
    public static final Duration LEDGER_CLOSE_GRACE = Duration.ofSeconds(30);
    /** Stack frames of a thread still using the ledger at the grace's end that its WARNING shows. */
    private static final int FRAMES_SHOWN = 12;

    /** One piece of gate work using the ledger ({@code what}), on its thread, named if the close stops waiting. */
    static final class LedgerUse {
        private final String what;
        private final Thread thread;

        private LedgerUse(String what, Thread thread) {
            this.what = what;
            this.thread = thread;
        }
    }

    /**
     * Gate work that uses the ledger begins: a close of the ledger asked meanwhile waits until it is done. Null when
     * the use is not counted (the owner does not close the ledger).
     */
    LedgerUse usingLedger(String what) {
        if (!countLedgerUse) {
            return null;
        }
        LedgerUse use = new LedgerUse(what, Thread.currentThread());
        synchronized (ledgerUseLock) {
            ledgerUses.add(use);
        }
        return use;
    }

    /**
     * Gate work that used the ledger is done. The last one wakes the thread waiting to close the ledger, which closes
     * it: never this one, whose answer would otherwise wait for the ledger client's shutdown.
     */
    void doneWithLedger(LedgerUse use) {
        if (use == null) {
            return;
        }
        synchronized (ledgerUseLock) {
            ledgerUses.remove(use);
            if (ledgerUses.isEmpty() && ledgerCloseWaiting) {
                ledgerUseLock.notifyAll();
            }
        }
    }

    /**
     * Runs {@code close} (the ledger's) now if no check and no ending session is using the ledger, or else on a daemon
     * thread of its own once the last of them is done, or once {@code grace} has passed (with a WARNING naming what
     * still ran). A settlement that began before the Tollgate closed and found its client closed was never sent: its
     * claim must still be released, or the payer's proof is refused as used on every instance until the claim lapses.
     * The close does not run on a request's thread, whose answer (a 503, say) would wait for the ledger client's
     * shutdown. Nothing waits for a handler that has not answered: {@link #closing} ended those.
     */
    public void closeLedgerWhenIdle(Runnable close, Duration grace) {
        synchronized (ledgerUseLock) {
            if (!ledgerUses.isEmpty()) {
                ledgerCloseWaiting = true;
                Thread closer = new Thread(() -> closeWhenIdle(close, grace), "tollgate-ledger-close");
                closer.setDaemon(true); // never holds a JVM that is stopping
                closer.start();
                return;
            }
        }
        close.run();
    }

    private void closeWhenIdle(Runnable close, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<LedgerUse> left;
        synchronized (ledgerUseLock) {
            try {
                long wait;
                while (!ledgerUses.isEmpty() && (wait = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(ledgerUseLock, wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // asked to stop waiting: the ledger is closed now
            }
            ledgerCloseWaiting = false;
            left = List.copyOf(ledgerUses);
        }
        if (!left.isEmpty()) {
            log.log(System.Logger.Level.WARNING, describeStillRunning(left, grace));
        }
        try {
            close.run();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "closing the replay ledger after the requests using it", e);
        }
    }

    /** What still used the ledger when its close stopped waiting: each use, its thread and where that thread is. */
    private static String describeStillRunning(List<LedgerUse> left, Duration grace) {
        StringBuilder b = new StringBuilder("closing the replay ledger ").append(grace.toMillis())
                .append(" ms (ledger.closeTimeout) after the Tollgate closed, although ").append(left.size())
                .append(left.size() == 1 ? " request still uses it" : " requests still use it")
                .append(" (a release it has still to make is lost: that claim holds the proof until it lapses):");
        for (LedgerUse use : left) {
            b.append("\n  ").append(use.what).append(" on thread \"").append(use.thread.getName()).append('"');
            StackTraceElement[] frames = use.thread.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, FRAMES_SHOWN); i++) {
                b.append("\n    at ").append(frames[i]);
            }
        }
        return b.toString();
    }

    /**
     * To be called, before the first request, when the gate's owner will close the ledger ({@link
     * #closeLedgerWhenIdle}): from then on the checks and session endings using it are counted.
     */
    public void ownerClosesLedger() {
        countLedgerUse = true;
    }

    /**
     * To be called when the ledger is closed with the Tollgate and every settlement after a handler goes to a
     * facilitator client the Tollgate closes too: from then on {@link #closing} can release the claims of handlers
     * still running as the Tollgate closes.
     */
    public void releaseRunningOnClose() {
        releaseRunningOnClose = true;
    }

    /**
     * The Tollgate is closing, its facilitator client closed (the settlements under way have ended), its ledger not
     * yet: each admitted payment whose handler still runs (settlement AFTER) can no longer be settled, and is ended
     * now, its claim released, so that the payer's proof is not refused as used elsewhere until its claim lapses. The
     * handler's answer then gets the 503 a refused settlement gets. Nothing waits for a handler; once the ledger does
     * not answer, the remaining claims are left to lapse, so closing waits for at most one of its timeouts.
     */
    public void closing() {
        Completion.Withhold stopped = new Completion.Withhold(answers.error(503,
                "payment settlement unavailable, try again shortly", STOPPED_RETRY_AFTER), "the application stopped");
        stoppedAnswer = stopped; // before the sessions are looked at: one admitted after that sees it
        for (PaymentSession s : running) {
            if (!s.releaseBeforeClose(stopped)) {
                break;
            }
        }
    }

    /** Why a proof {@link #claimUntil} could not hold long enough is refused. */
    private String outlivesMemory() {
        return "invalid_exact_evm_payload_authorization_valid_before: the authorization is valid for longer than a used "
                + "payment is remembered here (maxClaim " + maxClaim + "); sign one that expires within the offer's "
                + "maxTimeoutSeconds";
    }

    /**
     * How long a proof valid until {@code validBefore} (null: a payment with no expiry) is held: a minute past its
     * expiry, at least a minute from now, at most {@code maxClaim}. Null when it stays valid longer than
     * {@code maxClaim}: once forgotten it would be admitted again (an in-process verifier cannot see its nonce used on
     * chain, so the handler would run a second time before the settlement failed), so it is refused before it is
     * claimed. Payers sign for the offer's {@code maxTimeoutSeconds}, which start-up keeps within {@code maxClaim}.
     */
    private Instant claimUntil(BigInteger validBefore) {
        Instant now = clock.instant();
        Instant cap = now.plus(maxClaim);
        if (validBefore == null) {
            return cap;
        }
        int againstCap = validBefore.compareTo(BigInteger.valueOf(cap.getEpochSecond()));
        if (againstCap > 0) {
            return null;
        }
        if (againstCap == 0) {
            return cap;
        }
        Instant until = Instant.ofEpochSecond(validBefore.longValueExact()).plus(CLAIM_SKEW);
        return until.isBefore(now.plus(CLAIM_SKEW)) ? now.plus(CLAIM_SKEW) : until;
    }

    Decision challenge(RequestView view, PaymentTerms terms, String refusal) {
        return challenge(view, terms, refusal, refusal);
    }

    /** A challenge whose event reports {@code reported}: the refusal without what only the client may see. */
    Decision challenge(RequestView view, PaymentTerms terms, String refusal, String reported) {
        String reason = Answers.reason(refusal);
        listener.challenged(view.path(), reported == refusal ? reason : Answers.reason(reported));
        return new Decision.Challenge(answers.challenge(view, terms, reason, null, null), reason);
    }

    Decision reject(RequestView view, int status, String message, Duration retryAfter) {
        listener.rejected(view.path(), status, message);
        return new Decision.Reject(answers.error(status, message, retryAfter), message);
    }
}
