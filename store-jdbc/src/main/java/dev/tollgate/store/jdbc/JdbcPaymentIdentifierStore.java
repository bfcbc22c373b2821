package dev.tollgate.store.jdbc;

import dev.tollgate.core.ledger.HeldClaims;
import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import java.time.Instant;

/**
 * Payment identifiers in the ledger's database, table {@code <ledger table>_payment_id} (in the shipped DDL):
 * <ul>
 *   <li>begin: {@code INSERT ... ON CONFLICT (payment_id) DO UPDATE ... WHERE expires_at <= now()} takes a new
 *       or expired id atomically; if no row changed, the live row is read and returned (and should it have gone
 *       meanwhile, the insert is tried again);</li>
 *   <li>finish: an upsert of the outcome where the row has expired or holds the very mark this instance's begin
 *       wrote; a paid outcome (one that begins with {@link PaymentIdentifierStore#PAID}) also where the row holds any
 *       unpaid entry of this fingerprint, and nothing overwrites a paid outcome with an unpaid one. One that fails is
 *       made again once the database is back;</li>
 *   <li>abandon: deletes the row only while it holds the very mark this instance's begin wrote (and after a lost
 *       answer of begin, the mark it would have written); one that fails is made again once the database is back. A
 *       begin this instance no longer remembers is abandoned by fingerprint, while still in progress, once.</li>
 * </ul>
 * While in progress, the fingerprint column holds {@code <fingerprint>\n<token>}, the token that begin's own (rows
 * written before it had none); once finished, the fingerprint alone.
 * Expired rows are purged with the ledger's.
 */
final class JdbcPaymentIdentifierStore implements PaymentIdentifierStore {
    private static final int BEGIN_ATTEMPTS = 3;

    private final JdbcReplayLedger ledger;
    /**
     * The marks this instance's begins wrote, by id. An abandon deletes only its own: a request whose mark lapsed, and
     * whose id another request took with the same payload since, must not free the other's mark; and a deletion of its
     * own mark alone is right whenever it runs, so one that fails can be made again.
     */
    private final HeldClaims marks = new HeldClaims();
    private final String beginSql;
    private final String readSql;
    private final String finishSql;
    private final String finishMarkSql;
    private final String abandonSql;
    private final String abandonMarkSql;
    final String purgeSql;

    JdbcPaymentIdentifierStore(JdbcReplayLedger ledger, String table) {
        this.ledger = ledger;
        this.beginSql = "INSERT INTO " + table + " AS p (payment_id, fingerprint, outcome, expires_at) VALUES (?, ?, NULL, ?)"
                + " ON CONFLICT (payment_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, outcome = NULL,"
                + " expires_at = EXCLUDED.expires_at WHERE p.expires_at <= now()";
        this.readSql = "SELECT fingerprint, outcome FROM " + table + " WHERE payment_id = ? AND expires_at > now()";
        String upsert = "INSERT INTO " + table + " AS p (payment_id, fingerprint, outcome, expires_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (payment_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
                + " outcome = EXCLUDED.outcome, expires_at = EXCLUDED.expires_at WHERE p.expires_at <= now()";
        String ofThisFingerprint = " (p.fingerprint = EXCLUDED.fingerprint"
                + " OR left(p.fingerprint, length(EXCLUDED.fingerprint) + 1) = EXCLUDED.fingerprint || chr(10))";
        // PAID holds no quote, '%' or '_', so it stands in the pattern as it is.
        String paid = "'" + PaymentIdentifierStore.PAID + "%'";
        String unpaid = " (p.outcome IS NULL OR p.outcome NOT LIKE " + paid + ")";
        this.finishSql = upsert + " OR (" + ofThisFingerprint + " AND (" + unpaid.strip()
                + " OR EXCLUDED.outcome LIKE " + paid + "))";
        this.finishMarkSql = upsert + " OR (p.outcome IS NULL AND p.fingerprint = ?)"
                + " OR (EXCLUDED.outcome LIKE " + paid + " AND" + ofThisFingerprint + " AND" + unpaid + ")";
        this.abandonSql = "DELETE FROM " + table + " WHERE payment_id = ? AND (fingerprint = ?"
                + " OR left(fingerprint, length(?) + 1) = ? || chr(10)) AND outcome IS NULL";
        this.abandonMarkSql = "DELETE FROM " + table + " WHERE payment_id = ? AND fingerprint = ? AND outcome IS NULL";
        this.purgeSql = "DELETE FROM " + table + " WHERE payment_id IN (SELECT payment_id FROM " + table
                + " WHERE expires_at <= now() LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= now()";
    }

    @Override
    public IdentifierRecord begin(String id, String fingerprint, Instant until) throws LedgerUnavailableException {
        // This begin's own mark: the same id and payload may be in progress for another request (the payer's first
        // try), and a lost answer's abandon must take away only what this begin wrote.
        String mark = mark(fingerprint);
        for (int attempt = 0; attempt < BEGIN_ATTEMPTS; attempt++) {
            int taken = ledger.update("payment identifier begin", beginSql, ps -> {
                ps.setString(1, id);
                ps.setString(2, mark);
                ps.setObject(3, JdbcReplayLedger.timestamp(until));
            }, () -> abandonQuietly(id, mark, until));
            if (taken == 1) {
                marks.remember(id, mark, until);
                return null;
            }
            IdentifierRecord existing = ledger.queryOne("payment identifier read", readSql, ps -> ps.setString(1, id),
                    rs -> new IdentifierRecord(withoutToken(rs.getString(1)), rs.getString(2)));
            if (existing != null) {
                return existing;
            }
        }
        throw new LedgerUnavailableException("JDBC ledger: payment identifier " + id + " kept changing under begin", null);
    }

    @Override
    public void finish(String id, String fingerprint, String outcome, Instant until) throws LedgerUnavailableException {
        marks.forget(id);
        JdbcReplayLedger.Binder binder = ps -> {
            ps.setString(1, id);
            ps.setString(2, fingerprint);
            ps.setString(3, outcome);
            ps.setObject(4, JdbcReplayLedger.timestamp(until));
        };
        try {
            ledger.update("payment identifier finish", finishSql, binder);
        } catch (LedgerUnavailableException e) {
            // A settled payment's outcome lost would leave its payer's retry 409 "in progress" and then, once the mark
            // lapses, 402 "already used". The upsert is right whenever it runs (it writes only over this fingerprint's
            // row, or a lapsed one), so it is made again once the database is back.
            ledger.writeLater("payment identifier finish", finishSql, binder, until);
            throw e;
        }
    }

    /**
     * Writes over the very mark {@code begin(id, fingerprint, markUntil)} wrote here, or a free (or lapsed) row; a
     * paid outcome also over any unpaid row of its fingerprint, since the payload it settled can never be paid for
     * again.
     */
    @Override
    public void finish(String id, String fingerprint, Instant markUntil, String outcome, Instant until)
            throws LedgerUnavailableException {
        HeldClaims.Held mark = marks.forgetHeld(id, markUntil);
        JdbcReplayLedger.Binder binder = ps -> {
            ps.setString(1, id);
            ps.setString(2, fingerprint);
            ps.setString(3, outcome);
            ps.setObject(4, JdbcReplayLedger.timestamp(until));
            ps.setString(5, mark == null ? null : mark.token());
        };
        try {
            ledger.update("payment identifier finish", finishMarkSql, binder);
        } catch (LedgerUnavailableException e) {
            // As above: the upsert is right whenever it runs, so it is made again once the database is back.
            ledger.writeLater("payment identifier finish", finishMarkSql, binder, until);
            throw e;
        }
    }

    /**
     * A begin that was sent and then failed may have committed all the same: the caller answers 503 and never
     * finishes or abandons it, so the payer's retry would be told "in progress" until the id lapses. Only this begin's
     * own mark is deleted: a begin that found the id taken wrote nothing, and the request holding it goes on.
     */
    private void abandonQuietly(String id, String mark, Instant until) {
        ledger.updateQuietly("payment identifier abandon", abandonMarkSql, ps -> {
            ps.setString(1, id);
            ps.setString(2, mark);
        }, until);
    }

    @Override
    public void abandon(String id, String fingerprint) throws LedgerUnavailableException {
        HeldClaims.Held mark = marks.forgetHeld(id);
        if (mark != null) {
            abandonMark(id, mark);
            return;
        }
        ledger.update("payment identifier abandon", abandonSql, ps -> {
            ps.setString(1, id);
            ps.setString(2, fingerprint);
            ps.setString(3, fingerprint);
            ps.setString(4, fingerprint);
        });
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
            abandonMark(id, mark);
        }
    }

    private void abandonMark(String id, HeldClaims.Held mark) throws LedgerUnavailableException {
        JdbcReplayLedger.Binder binder = ps -> {
            ps.setString(1, id);
            ps.setString(2, mark.token());
        };
        try {
            ledger.update("payment identifier abandon", abandonMarkSql, binder);
        } catch (LedgerUnavailableException e) {
            // Left in progress, the id would answer the payer's retry 409 until the mark lapses, by when the
            // proof it carries has expired too.
            ledger.writeLater("payment identifier abandon", abandonMarkSql, binder, mark.until());
            throw e;
        }
    }

    private static String mark(String fingerprint) {
        if (fingerprint.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a fingerprint cannot hold a line break");
        }
        return fingerprint + "\n" + HeldClaims.newToken();
    }

    private static String withoutToken(String stored) {
        int token = stored.indexOf('\n');
        return token < 0 ? stored : stored.substring(0, token);
    }
}
