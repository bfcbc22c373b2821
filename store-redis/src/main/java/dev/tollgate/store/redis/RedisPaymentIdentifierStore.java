package dev.tollgate.store.redis;

import dev.tollgate.core.ledger.HeldClaims;
import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Instant;

/**
 * Payment identifiers in the ledger's Redis, under {@code <keyPrefix>payid:<id>}, one string per id that Redis
 * expires itself: {@code "p\n<fingerprint>\n<token>"} while the request is in progress (the token is this begin's
 * own; values written before it had none, {@code "p\n<fingerprint>"}), {@code "d\n<fingerprint>\n<outcome>"} once it
 * is over. Each operation is one Lua script, so it is atomic across instances:
 * <ul>
 *   <li>begin: returns the value if there is one, else sets the in-progress value with {@code PXAT};</li>
 *   <li>finish: sets the outcome if the key is absent or holds the very in-progress value this instance's begin
 *       set; a paid outcome (one that begins with {@link PaymentIdentifierStore#PAID}) also where the key holds any
 *       unpaid value of this fingerprint, and nothing overwrites a paid outcome with an unpaid one. One that fails is
 *       sent again until Redis answers;</li>
 *   <li>abandon: deletes the key only while it holds the very in-progress value this instance's begin set (and
 *       after a lost answer of begin, the value it would have set); one that fails is sent again until Redis answers
 *       or the value lapses. A begin this instance no longer remembers is abandoned by fingerprint, once.</li>
 * </ul>
 */
final class RedisPaymentIdentifierStore implements PaymentIdentifierStore {
    static final String KEY_PART = "payid:";
    private static final String BEGIN = "local v = redis.call('GET', KEYS[1]) if v then return v end "
            + "redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2]) return false";
    /** Lua: whether {@code v} is the in-progress value {@code p} ("p\n<fingerprint>"), with or without a token. */
    private static final String IN_PROGRESS = "local function inProgress(v, p) "
            + "return v == p or string.sub(v, 1, string.len(p) + 1) == p .. '\\n' end ";
    /** Lua: whether {@code v} begins with {@code p}. */
    private static final String STARTS = "local function starts(v, p) return string.sub(v, 1, string.len(p)) == p end ";
    /** ARGV: in-progress value, done prefix, value, PXAT, paid ('1' or '0'), paid prefix. */
    private static final String FINISH = IN_PROGRESS + STARTS + "local v = redis.call('GET', KEYS[1]) "
            + "if (not v) or ((inProgress(v, ARGV[1]) or starts(v, ARGV[2])) "
            + "and not (ARGV[5] == '0' and starts(v, ARGV[6]))) "
            + "then redis.call('SET', KEYS[1], ARGV[3], 'PXAT', ARGV[4]) return 1 end return 0";
    /**
     * ARGV: this begin's own mark ('' if not remembered), in-progress value, done prefix, value, PXAT, paid, paid
     * prefix.
     */
    private static final String FINISH_MARK = IN_PROGRESS + STARTS + "local v = redis.call('GET', KEYS[1]) "
            + "if (not v) or (ARGV[1] ~= '' and v == ARGV[1]) or (ARGV[6] == '1' and (inProgress(v, ARGV[2]) "
            + "or (starts(v, ARGV[3]) and not starts(v, ARGV[7])))) "
            + "then redis.call('SET', KEYS[1], ARGV[4], 'PXAT', ARGV[5]) return 1 end return 0";
    private static final String ABANDON = IN_PROGRESS + "local v = redis.call('GET', KEYS[1]) "
            + "if v and inProgress(v, ARGV[1]) then return redis.call('DEL', KEYS[1]) end return 0";

    private final RedisReplayLedger ledger;
    /**
     * The in-progress values this instance's begins set, by id. An abandon deletes only its own: a request whose mark
     * lapsed, and whose id another request took with the same payload since, must not free the other's mark; and a
     * deletion of its own value alone is right whenever it runs, so one that fails can be sent again.
     */
    private final HeldClaims marks = new HeldClaims();

    RedisPaymentIdentifierStore(RedisReplayLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public IdentifierRecord begin(String id, String fingerprint, Instant until) throws LedgerUnavailableException {
        StatefulRedisConnection<String, String> connection = ledger.connection();
        // This begin's own mark: the same id and payload may be in progress for another request (the payer's first
        // try), and a lost answer's abandon must take away only what this begin set.
        String mark = inProgress(fingerprint) + "\n" + HeldClaims.newToken();
        String existing;
        try {
            existing = connection.sync().eval(BEGIN, ScriptOutputType.VALUE, new String[] {key(id)},
                    mark, Long.toString(until.toEpochMilli()));
        } catch (RedisException e) {
            // The begin may have run: the caller answers 503 and never finishes or abandons it, so the payer's retry
            // would be told "in progress" until the id lapses. Only this begin's own mark is taken away: a begin that
            // found the id taken set nothing, and the request holding it is still in progress.
            ledger.deleteLaterIfHolds(connection, key(id), mark, until);
            throw ledger.unavailable("payment identifier begin", e);
        }
        if (existing == null) {
            marks.remember(id, mark, until);
            return null;
        }
        return parse(existing);
    }

    @Override
    public void finish(String id, String fingerprint, String outcome, Instant until) throws LedgerUnavailableException {
        marks.forget(id);
        String done = "d\n" + fingerprint + "\n";
        send(FINISH, id, until, inProgress(fingerprint), done, done + outcome, Long.toString(until.toEpochMilli()),
                paidFlag(outcome), done + PaymentIdentifierStore.PAID);
    }

    /**
     * Writes over the very mark {@code begin(id, fingerprint, markUntil)} set here, or a free slot; a paid outcome
     * also over any unpaid value of its fingerprint, since the payload it settled can never be paid for again.
     */
    @Override
    public void finish(String id, String fingerprint, Instant markUntil, String outcome, Instant until)
            throws LedgerUnavailableException {
        HeldClaims.Held mark = marks.forgetHeld(id, markUntil);
        String done = "d\n" + fingerprint + "\n";
        send(FINISH_MARK, id, until, mark == null ? "" : mark.token(), inProgress(fingerprint), done, done + outcome,
                Long.toString(until.toEpochMilli()), paidFlag(outcome), done + PaymentIdentifierStore.PAID);
    }

    private void send(String script, String id, Instant until, String... args) throws LedgerUnavailableException {
        String[] keys = {key(id)};
        try {
            ledger.commands().eval(script, ScriptOutputType.INTEGER, keys, args);
        } catch (LedgerUnavailableException | RedisException e) {
            // A settled payment's outcome lost would leave its payer's retry 409 "in progress" and then, once the mark
            // lapses, 402 "already used". The script is right whenever it runs (it writes only over this request's
            // mark, a free slot, or for a payment an unpaid value of its fingerprint), so it is sent again until Redis
            // answers.
            ledger.writeLater(c -> c.async().eval(script, ScriptOutputType.INTEGER, keys, args), until);
            throw e instanceof RedisException r ? ledger.unavailable("payment identifier finish", r)
                    : (LedgerUnavailableException) e;
        }
    }

    private static String paidFlag(String outcome) {
        return PaymentIdentifierStore.paid(outcome) ? "1" : "0";
    }

    @Override
    public void abandon(String id, String fingerprint) throws LedgerUnavailableException {
        HeldClaims.Held mark = marks.forgetHeld(id);
        if (mark != null) {
            // Left in progress, the id would answer the payer's retry 409 until the mark lapses, by when the proof
            // it carries has expired too.
            ledger.deleteIfHolds("payment identifier abandon", key(id), mark.token(), mark.until());
            return;
        }
        try {
            ledger.commands().eval(ABANDON, ScriptOutputType.INTEGER, new String[] {key(id)}, inProgress(fingerprint));
        } catch (RedisException e) {
            throw ledger.unavailable("payment identifier abandon", e);
        }
    }

    /**
     * Deletes exactly the mark that {@code begin(id, fingerprint, until)} set here. One this instance does not
     * remember was abandoned or finished already (a duplicate), or lapsed long ago: nothing to free, and the id may
     * now hold the mark of the payer's retry.
     */
    @Override
    public void abandon(String id, String fingerprint, Instant until) throws LedgerUnavailableException {
        HeldClaims.Held mark = marks.forgetHeld(id, until);
        if (mark != null) {
            ledger.deleteIfHolds("payment identifier abandon", key(id), mark.token(), mark.until());
        }
    }

    private String key(String id) {
        return ledger.keyPrefix() + KEY_PART + id;
    }

    private static String inProgress(String fingerprint) {
        if (fingerprint.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a fingerprint cannot hold a line break");
        }
        return "p\n" + fingerprint;
    }

    static IdentifierRecord parse(String value) {
        int first = value.indexOf('\n');
        if (value.startsWith("p\n")) {
            int token = value.indexOf('\n', first + 1);
            return new IdentifierRecord(token < 0 ? value.substring(first + 1) : value.substring(first + 1, token), null);
        }
        int second = value.indexOf('\n', first + 1);
        if (!value.startsWith("d\n") || second < 0) {
            // Not ours to understand: report it as taken by an unknown payload, never as free.
            return new IdentifierRecord("?", null);
        }
        return new IdentifierRecord(value.substring(first + 1, second), value.substring(second + 1));
    }
}
