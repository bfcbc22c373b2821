package dev.tollgate.store.jdbc;

import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.ledger.HeldClaims;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.Hold;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.ledger.StoreClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A replay ledger in a SQL table, shared by every instance that uses the same database and table. PostgreSQL
 * (9.5+) is the tested target; the DDL ships as {@value #DDL_RESOURCE}.
 *
 * <ul>
 *   <li>claim: one {@code INSERT ... ON CONFLICT (proof_key) DO UPDATE ... WHERE expires_at <= now()}: a new key
 *       or an expired row is taken atomically, a live row is left alone (no row changed: duplicate);</li>
 *   <li>settled: an upsert to state {@code s}, keeping the later expiry, so a settled payment is remembered even
 *       if its claim lapsed or was purged meanwhile;</li>
 *   <li>release: deletes the row only while it is still this instance's claim (state and claim token); one that
 *       fails is made again in the background once the database is back ({@link #updateQuietly});</li>
 *   <li>purge: deletes expired rows at most {@code purgeBatch} per statement, on a schedule if asked.</li>
 * </ul>
 *
 * <p>x402 v2 payment identifiers live in a second table of the same DDL, {@code <table>_payment_id}
 * ({@link JdbcPaymentIdentifierStore}).
 *
 * <p>Expiry is judged by the database's clock, the one clock every instance shares. Every statement has a query
 * timeout; a failure to get a connection or to run a statement is a {@link LedgerUnavailableException}, and the
 * gate answers 503. Connections come from the {@link DataSource} per operation, so use a pooled one.
 */
public final class JdbcReplayLedger implements ReplayLedger {
    public static final String DDL_RESOURCE = "tollgate-ledger-postgresql.sql";
    public static final String DEFAULT_TABLE = "tollgate_ledger";
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_PURGE_BATCH = 1000;

    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    static final long UNDO_RETRY_MILLIS = 500;
    /** How much longer than the query timeout a read may wait for its answer ({@link #boundReads}). */
    static final int READ_GRACE_SECONDS = 5;
    /** Deletions waiting to be tried again at most; beyond, a row lapses at its expiry, as it always could. */
    private static final int MAX_PENDING_RETRIES = 10_000;
    /** The longest key, in UTF-8 bytes, kept as itself ({@link #stored}); PostgreSQL's btree takes about 2,700. */
    static final int MAX_PLAIN_KEY_BYTES = 1024;
    /** The longest name made from the table's ({@link #ddl}): its Code intents' expiry index. */
    static final String LONGEST_DERIVED_SUFFIX = "_code_intent_expires_at_idx";
    /** PostgreSQL's longest identifier, in bytes (NAMEDATALEN - 1); the pattern allows ASCII only. */
    private static final int MAX_IDENTIFIER = 63;
    /**
     * PostgreSQL's keywords that cannot name a table or schema unquoted ({@code pg_get_keywords()} of categories R
     * and T, PostgreSQL 15); the names are put into SQL as they are.
     */
    private static final java.util.Set<String> RESERVED = java.util.Set.of(("all analyse analyze and any array as asc"
            + " asymmetric authorization binary both case cast check collate collation column concurrently constraint"
            + " create cross current_catalog current_date current_role current_schema current_time current_timestamp"
            + " current_user default deferrable desc distinct do else end except false fetch for foreign freeze from"
            + " full grant group having ilike in initially inner intersect into is isnull join lateral leading left"
            + " like limit localtime localtimestamp natural not notnull null offset on only or order outer overlaps"
            + " placing primary references returning right select session_user similar some symmetric table"
            + " tablesample then to trailing true union unique user using variadic verbose when where window with")
            .split(" "));
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    private final DataSource dataSource;
    private final String table;
    private final int queryTimeoutSeconds;
    private final int purgeBatch;
    private final boolean createTable;
    private final HeldClaims held = new HeldClaims();
    private final ScheduledExecutorService purger;
    private final String claimSql;
    private final String settledSql;
    private final String releaseSql;
    private final String holdSql;
    private final String purgeSql;
    private final AutoCloseable resources;
    private final JdbcPaymentIdentifierStore identifiers;
    private final JdbcCodeIntentStore intents;
    private volatile boolean tableReady;
    private final Clock clock;
    private volatile boolean clocksCompared;
    private volatile boolean closed;
    private final Object retrying = new Object();
    private ScheduledExecutorService retrier;
    private final java.util.concurrent.atomic.AtomicInteger pendingRetries = new java.util.concurrent.atomic.AtomicInteger();
    private long tableFailedAtNanos;

    private JdbcReplayLedger(Builder b) {
        this.dataSource = Objects.requireNonNull(b.dataSource, "dataSource");
        this.table = b.table;
        this.queryTimeoutSeconds = (int) Math.max(1, (b.queryTimeout.toMillis() + 999) / 1000);
        this.purgeBatch = b.purgeBatch;
        this.createTable = b.createTable;
        this.resources = b.resources;
        this.clock = b.clock;
        this.claimSql = "INSERT INTO " + table + " AS l (proof_key, state, claim_token, expires_at) VALUES (?, 'c', ?, ?)"
                + " ON CONFLICT (proof_key) DO UPDATE SET state = 'c', claim_token = EXCLUDED.claim_token,"
                + " expires_at = EXCLUDED.expires_at WHERE l.expires_at <= now()";
        this.settledSql = "INSERT INTO " + table + " AS l (proof_key, state, claim_token, expires_at) VALUES (?, 's', NULL, ?)"
                + " ON CONFLICT (proof_key) DO UPDATE SET state = 's', claim_token = NULL,"
                + " expires_at = GREATEST(l.expires_at, EXCLUDED.expires_at)";
        this.releaseSql = "DELETE FROM " + table + " WHERE proof_key = ? AND state = 'c' AND claim_token = ?";
        // A lapsed row may not be purged yet; it holds nothing.
        this.holdSql = "SELECT state FROM " + table + " WHERE proof_key = ? AND expires_at > now()";
        // Rows are locked by the inner select and skipped if another instance is purging them; the outer
        // condition is checked again so that a row re-claimed meanwhile is never deleted.
        this.purgeSql = "DELETE FROM " + table + " WHERE proof_key IN (SELECT proof_key FROM " + table
                + " WHERE expires_at <= now() LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= now()";
        this.identifiers = new JdbcPaymentIdentifierStore(this, identifierTable(table));
        this.intents = new JdbcCodeIntentStore(this, codeIntentTable(table));
        if (createTable) {
            try {
                ensureTable();
            } catch (LedgerUnavailableException e) {
                // The database may come up after us: the table is made before the first operation instead.
            }
        } else {
            tableReady = true;
        }
        if (b.purgeEvery != null) {
            purger = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tollgate-ledger-purge");
                t.setDaemon(true);
                return t;
            });
            long ms = b.purgeEvery.toMillis();
            purger.scheduleWithFixedDelay(this::purgeQuietly, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            purger = null;
        }
    }

    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    @Override
    public ClaimResult claim(String key, Instant until) throws LedgerUnavailableException {
        String token = HeldClaims.newToken();
        int changed = update("claim", claimSql, ps -> {
            ps.setString(1, stored(key));
            ps.setString(2, token);
            ps.setObject(3, timestamp(until));
        }, () -> undoClaim(key, token, until));
        if (changed == 0) {
            return ClaimResult.DUPLICATE;
        }
        held.remember(key, token, until);
        if (!clocksCompared) {
            compareClocks();
        }
        return ClaimResult.CLAIMED;
    }

    /**
     * Reads the database's {@code now()}, by which claims expire, once the first claim has gone through (the database
     * may come up after us, and no connection is made earlier), and warns through {@link StoreClock} if it is far from
     * this instance's clock. Tried once: a database that cannot answer it must not cost every later claim a query.
     */
    private void compareClocks() {
        clocksCompared = true;
        try {
            Instant sentAt = clock.instant();
            OffsetDateTime databaseNow = queryOne("clock check", "SELECT now()", ps -> { },
                    rs -> rs.getObject(1, OffsetDateTime.class));
            Instant answeredAt = clock.instant();
            if (databaseNow != null) {
                StoreClock.check("database of table " + table, databaseNow.toInstant(), sentAt, answeredAt);
            }
        } catch (LedgerUnavailableException | RuntimeException e) {
            // Nothing to compare with; the claim itself went through.
        }
    }

    /**
     * The text a key is kept as. A key is whatever the gate makes of a proof or of a facilitator's transaction id,
     * and {@code proof_key} cannot hold every string: PostgreSQL's text refuses NUL, and its btree index an entry of
     * more than about 2,700 bytes. Either failed the claim as if the database were down (503; with
     * {@code ledger.onUnavailable=open}, every copy of the proof admitted without replay protection). Such a key is
     * kept as {@code sha256:} and the hex SHA-256 of its UTF-8; every other key as itself, as before, so instances
     * of earlier versions keep sharing the table (they could store neither kind).
     */
    static String stored(String key) {
        if (key.indexOf('\0') < 0 && key.length() <= MAX_PLAIN_KEY_BYTES / 3) {
            return key; // at most three UTF-8 bytes per char
        }
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        if (key.indexOf('\0') < 0 && utf8.length <= MAX_PLAIN_KEY_BYTES) {
            return key;
        }
        return "sha256:" + dev.tollgate.core.Sha256.hex(utf8);
    }

    /**
     * A claim statement that was sent and then failed may have committed all the same (the connection broke
     * while its answer was on the way): the caller answers 503 and will never release it, so it would keep the
     * proof until it lapses (a day for a proof-API payment) and the payer's retry would be told "already used".
     * It is deleted at once, on another connection, if it is there with this very token.
     */
    private void undoClaim(String key, String token, Instant until) {
        updateQuietly("claim undo", releaseSql, ps -> {
            ps.setString(1, stored(key));
            ps.setString(2, token);
        }, until);
    }

    /**
     * A deletion of this ledger's own row (a claim or payment-identifier mark by its token, a release): made now or,
     * if the database cannot be reached, again every {@value #UNDO_RETRY_MILLIS} ms on a background thread until it
     * is made or {@code until} passes, when the row lapses by itself. It deletes only its own row, so it is right
     * whenever it runs; without it, the row would hold a proof nobody will release until it lapses (a day for a
     * proof-API payment). The caller's own failure is what it reports.
     */
    void updateQuietly(String what, String sql, Binder binder, Instant until) {
        try {
            update(what, sql, binder);
        } catch (LedgerUnavailableException e) {
            retryLater(what, sql, binder, until, false);
        }
    }

    /**
     * A write that failed and is right whenever it runs (a token-scoped deletion, recording a settled
     * payment-identifier's outcome): made again in the background until it succeeds or {@code until} passes.
     */
    void writeLater(String what, String sql, Binder binder, Instant until) {
        retryLater(what, sql, binder, until, false);
    }

    private void retryLater(String what, String sql, Binder binder, Instant until, boolean counted) {
        boolean pointless = closed || !until.isAfter(Instant.now()); // it lapses by itself now
        if (counted && pointless) {
            pendingRetries.decrementAndGet();
            return;
        }
        if (!counted && (pointless || pendingRetries.incrementAndGet() > MAX_PENDING_RETRIES)) {
            if (!pointless) {
                pendingRetries.decrementAndGet();
            }
            return; // lapses at its expiry, as it always could
        }
        try {
            retrier().schedule(() -> {
                if (closed || !until.isAfter(Instant.now())) {
                    pendingRetries.decrementAndGet();
                    return;
                }
                try {
                    update(what, sql, binder);
                    pendingRetries.decrementAndGet();
                } catch (LedgerUnavailableException e) {
                    retryLater(what, sql, binder, until, true);
                }
            }, UNDO_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            pendingRetries.decrementAndGet(); // closed meanwhile: lapses at its expiry
        }
    }

    private ScheduledExecutorService retrier() {
        synchronized (retrying) {
            if (closed) {
                throw new java.util.concurrent.RejectedExecutionException("closed");
            }
            if (retrier == null) {
                retrier = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "tollgate-ledger-undo");
                    t.setDaemon(true);
                    return t;
                });
            }
            return retrier;
        }
    }

    @Override
    public void settled(String key, Instant until) throws LedgerUnavailableException {
        if (held.forgetHeld(key, until) == null) {
            held.forget(key);
        }
        Binder binder = ps -> {
            ps.setString(1, stored(key));
            ps.setObject(2, timestamp(until));
        };
        try {
            update("settled", settledSql, binder);
        } catch (LedgerUnavailableException e) {
            // The claim keeps the proof used until the same instant; but until the row says settled, hold() reports a
            // redemption in progress. Marking a paid key settled is right whenever it runs.
            writeLater("settled", settledSql, binder, until);
            throw e;
        }
    }

    @Override
    public void release(String key) throws LedgerUnavailableException {
        release(key, held.forgetHeld(key));
    }

    /** Ends exactly the claim made until {@code claimedUntil}: a duplicate release, or a later claim's, frees nothing. */
    @Override
    public void release(String key, Instant claimedUntil) throws LedgerUnavailableException {
        release(key, held.forgetHeld(key, claimedUntil));
    }

    private void release(String key, HeldClaims.Held h) throws LedgerUnavailableException {
        if (h == null) {
            return; // not ours (or already ended): it lapses at its expiry
        }
        Binder binder = ps -> {
            ps.setString(1, stored(key));
            ps.setString(2, h.token());
        };
        try {
            update("release", releaseSql, binder);
        } catch (LedgerUnavailableException e) {
            writeLater("release", releaseSql, binder, h.until());
            throw e;
        }
    }

    @Override
    public Hold hold(String key) throws LedgerUnavailableException {
        String state = queryOne("hold", holdSql, ps -> ps.setString(1, stored(key)), rs -> rs.getString(1));
        if (state == null) {
            return Hold.NONE;
        }
        return switch (state) {
            case "s" -> Hold.SETTLED;
            case "c" -> Hold.CLAIMED;
            default -> Hold.UNKNOWN;
        };
    }

    /** Deletes at most {@code purgeBatch} expired rows in one statement; returns how many. */
    public int purgeBatch() throws LedgerUnavailableException {
        return update("purge", purgeSql, ps -> ps.setInt(1, purgeBatch));
    }

    /**
     * Deletes every expired row, payment identifiers included, one bounded batch (and transaction) after
     * another; returns how many.
     */
    public int purgeExpired() throws LedgerUnavailableException {
        int total = 0;
        int n;
        do {
            n = purgeBatch();
            total += n;
        } while (n == purgeBatch);
        do {
            n = update("purge payment identifiers", identifiers.purgeSql, ps -> ps.setInt(1, purgeBatch));
            total += n;
        } while (n == purgeBatch);
        try {
            do {
                n = update("purge Code intents", intents.purgeSql, ps -> ps.setInt(1, purgeBatch));
                total += n;
            } while (n == purgeBatch);
        } catch (LedgerUnavailableException e) {
            // A database set up before Code intents were kept here (ledger.createTable=false) lacks their
            // table: nothing to purge, and no reason to fail the ledger's own purge for it.
            if (!missingTable(e)) {
                throw e;
            }
        }
        return total;
    }

    private static boolean missingTable(LedgerUnavailableException e) {
        return e.getCause() instanceof java.sql.SQLException sql && "42P01".equals(sql.getSQLState());
    }

    /** Payment identifiers in table {@code <table>_payment_id}, through the same DataSource. */
    @Override
    public PaymentIdentifierStore paymentIdentifiers() {
        return identifiers;
    }

    /** The table of payment identifiers beside {@code table}. */
    public static String identifierTable(String table) {
        return table + "_payment_id";
    }

    /** Code intents in table {@code <table>_code_intent}, through the same DataSource. */
    @Override
    public CodeIntentStore codeIntents() {
        return intents;
    }

    /** The table of Code intents beside {@code table}. */
    public static String codeIntentTable(String table) {
        return table + "_code_intent";
    }

    public String table() {
        return table;
    }

    /** Claims this instance holds and has not yet settled or released. */
    int heldClaims() {
        return held.size();
    }

    /** Stops the purge schedule. A DataSource handed in belongs to the caller and stays open. */
    @Override
    public void close() {
        closed = true;
        if (purger != null) {
            purger.shutdownNow();
        }
        synchronized (retrying) {
            if (retrier != null) {
                retrier.shutdownNow();
            }
        }
        if (resources != null) {
            try {
                resources.close();
            } catch (Exception e) {
                // closing a pool: nothing left to do about it
            }
        }
    }

    /** The shipped DDL with the table's name (and its index's) put in. */
    public static List<String> ddl(String table) {
        String text;
        try (InputStream in = JdbcReplayLedger.class.getResourceAsStream("/" + DDL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DDL_RESOURCE + " is missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DDL_RESOURCE, e);
        }
        String simple = table.substring(table.indexOf('.') + 1);
        List<String> statements = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        // One pass, longest names first: a replacement is never read again (a schema may be called tollgate_ledger).
        Map<String, String> names = new LinkedHashMap<>();
        names.put("tollgate_ledger" + LONGEST_DERIVED_SUFFIX, simple + LONGEST_DERIVED_SUFFIX);
        names.put("tollgate_ledger_code_intent", codeIntentTable(table));
        names.put("tollgate_ledger_payment_id_expires_at_idx", simple + "_payment_id_expires_at_idx");
        names.put("tollgate_ledger_payment_id", identifierTable(table));
        names.put("tollgate_ledger_expires_at_idx", simple + "_expires_at_idx");
        names.put("tollgate_ledger", table);
        Pattern shipped = Pattern.compile("\\b(" + String.join("|", names.keySet()) + ")\\b");
        for (String statement : sql.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(shipped.matcher(statement.strip())
                        .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(names.get(m.group(1)))));
            }
        }
        return statements;
    }

    private void ensureTable() throws LedgerUnavailableException {
        synchronized (this) {
            if (tableReady) {
                return;
            }
            if (tableFailedAtNanos != 0 && System.nanoTime() - tableFailedAtNanos < RETRY_DELAY.toNanos()) {
                // Do not queue every request behind another attempt on a database that was just down.
                throw new LedgerUnavailableException("JDBC ledger could not create table " + table
                        + " a moment ago; retrying shortly", null);
            }
            SQLException last = null;
            // Instances of this version take turns (runDdl); one of an older version starting at the same time may
            // still make a statement lose a catalog race, and the next attempt then finds that made.
            for (int attempt = 0; attempt < 3 && !tableReady; attempt++) {
                Connection c;
                try {
                    c = dataSource.getConnection();
                } catch (SQLException e) {
                    // No connection is no race: another attempt would wait the whole connect timeout again, and
                    // every request waits behind this lock.
                    last = e;
                    break;
                }
                try (c) {
                    runDdl(c);
                    tableReady = true;
                } catch (SQLException e) {
                    last = e;
                }
            }
            if (!tableReady) {
                tableFailedAtNanos = System.nanoTime();
                throw new LedgerUnavailableException("JDBC ledger could not create table " + table + ": " + last, last);
            }
        }
    }

    /**
     * The shipped DDL in one transaction, committed here (a pool's connection may not auto-commit, and would roll it
     * back on return), behind a transaction-scoped advisory lock on the table's name. PostgreSQL's
     * {@code IF NOT EXISTS} does not make concurrent creation safe: two instances starting together both find the
     * table (or an index) missing, and the slower fails on the catalog's unique index (23505); with six statements
     * an instance could lose three such races in a row and start without its table. With the lock the instances
     * take turns, and each after the first finds everything made. A database without advisory locks runs the DDL
     * without one.
     */
    private void runDdl(Connection c) throws SQLException {
        int previous = boundReads(c);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(queryTimeoutSeconds);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setQueryTimeout(queryTimeoutSeconds);
                // Unquoted names are folded to lower case: Ledger and ledger are one table.
                lock.setString(1, "tollgate-ledger-ddl:" + table.toLowerCase(java.util.Locale.ROOT));
                lock.execute();
            } catch (SQLException e) {
                if (!"42883".equals(e.getSQLState())) { // undefined_function: no advisory locks here
                    throw e;
                }
                c.rollback();
            }
            for (String statement : ddl(table)) {
                s.execute(statement);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken: nothing was committed
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection; the pool discards it
            }
            restoreReads(c, previous);
        }
    }

    private void purgeQuietly() {
        try {
            purgeExpired();
        } catch (LedgerUnavailableException | RuntimeException e) {
            // Next time: expired rows are free to claim already, purging only keeps the table small.
        }
    }

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The first row of a query, or null if it has none. */
    <T> T queryOne(String what, String sql, Binder binder, RowReader<T> reader) throws LedgerUnavailableException {
        if (!tableReady) {
            ensureTable();
        }
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            int previous = boundReads(c);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setQueryTimeout(queryTimeoutSeconds);
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? reader.read(rs) : null;
                }
            } finally {
                restoreReads(c, previous);
            }
        } catch (SQLException | RuntimeException e) {
            throw new LedgerUnavailableException("JDBC ledger unavailable (" + what + " on " + table + "): " + e, e);
        }
    }

    int update(String what, String sql, Binder binder) throws LedgerUnavailableException {
        return update(what, sql, binder, null);
    }

    /**
     * {@code mayHaveRun}, if not null, is called (after the connection is given back) when the statement was sent
     * and then failed other than by being cancelled: its effect may have been committed all the same.
     */
    int update(String what, String sql, Binder binder, Runnable mayHaveRun) throws LedgerUnavailableException {
        if (!tableReady) {
            ensureTable();
        }
        boolean sent = false;
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            int previous = boundReads(c);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setQueryTimeout(queryTimeoutSeconds);
                binder.bind(ps);
                sent = true;
                return ps.executeUpdate();
            } finally {
                restoreReads(c, previous);
            }
        } catch (SQLException | RuntimeException e) {
            // 57014: the query timeout cancelled the statement, and PostgreSQL rolled it back.
            if (sent && mayHaveRun != null && !(e instanceof SQLException s && "57014".equals(s.getSQLState()))) {
                mayHaveRun.run();
            }
            throw new LedgerUnavailableException("JDBC ledger unavailable (" + what + " on " + table + "): " + e, e);
        }
    }

    /**
     * Bounds how long a read on {@code c} may wait, to the query timeout and {@value #READ_GRACE_SECONDS} s, unless it
     * is bounded tighter already; returns the bound to restore, or -1. The query timeout alone does not end a
     * statement whose connection went silent (a lost route): its cancel request goes over another connection and
     * finds nothing to cancel, and without a socket timeout (a DataSource handed in as it comes) the request thread
     * would wait until the operating system gave up on the connection, if ever.
     */
    private int boundReads(Connection c) {
        int bound = (queryTimeoutSeconds + READ_GRACE_SECONDS) * 1000;
        try {
            int previous = c.getNetworkTimeout();
            if (previous != 0 && previous <= bound) {
                return -1;
            }
            c.setNetworkTimeout(Runnable::run, bound);
            return previous;
        } catch (SQLException | RuntimeException | AbstractMethodError e) {
            return -1; // a driver without network timeouts: its own socket settings apply
        }
    }

    private static void restoreReads(Connection c, int previous) {
        if (previous < 0) {
            return;
        }
        try {
            c.setNetworkTimeout(Runnable::run, previous);
        } catch (SQLException | RuntimeException e) {
            // a broken connection, which the pool discards
        }
    }

    static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** Options of a {@link JdbcReplayLedger}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String table = DEFAULT_TABLE;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private int purgeBatch = DEFAULT_PURGE_BATCH;
        private boolean createTable;
        private Duration purgeEvery;
        private AutoCloseable resources;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The table, optionally schema-qualified; default {@value JdbcReplayLedger#DEFAULT_TABLE}. */
        public Builder table(String name) {
            if (name == null || !TABLE.matcher(name).matches()) {
                throw new IllegalArgumentException("table must be a plain SQL identifier, optionally schema.qualified");
            }
            for (String part : name.split("\\.")) {
                if (RESERVED.contains(part.toLowerCase(java.util.Locale.ROOT))) {
                    // Unquoted, it is a syntax error in every statement: each request would get 503.
                    throw new IllegalArgumentException("table name must not be a reserved word of SQL (\"" + part
                            + "\" is one in PostgreSQL)");
                }
            }
            String simple = name.substring(name.indexOf('.') + 1);
            if (simple.length() + LONGEST_DERIVED_SUFFIX.length() > MAX_IDENTIFIER) {
                // PostgreSQL would cut the derived names short, and two of them could then be one.
                throw new IllegalArgumentException("table name must be at most "
                        + (MAX_IDENTIFIER - LONGEST_DERIVED_SUFFIX.length()) + " characters (without its schema): the"
                        + " ledger also makes " + simple + LONGEST_DERIVED_SUFFIX + ", and PostgreSQL names end at "
                        + MAX_IDENTIFIER);
            }
            this.table = name;
            return this;
        }

        /** Per statement; rounded up to whole seconds (JDBC's unit). Default 2s. */
        public Builder queryTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("queryTimeout must be positive");
            }
            this.queryTimeout = timeout;
            return this;
        }

        /** Run the shipped DDL at start-up ({@code CREATE ... IF NOT EXISTS}); off by default. */
        public Builder createTable(boolean create) {
            this.createTable = create;
            return this;
        }

        /** Purge expired rows every {@code interval} on a daemon thread; off by default. */
        public Builder purgeEvery(Duration interval) {
            if (interval != null && (interval.isZero() || interval.isNegative())) {
                throw new IllegalArgumentException("purge interval must be positive");
            }
            this.purgeEvery = interval;
            return this;
        }

        /** The most rows one purge statement deletes; default {@value JdbcReplayLedger#DEFAULT_PURGE_BATCH}. */
        public Builder purgeBatch(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("purgeBatch must be at least 1");
            }
            this.purgeBatch = rows;
            return this;
        }

        /** This instance's clock, compared with the database's once the first claim goes through. */
        Builder clock(Clock instanceClock) {
            this.clock = Objects.requireNonNull(instanceClock, "clock");
            return this;
        }

        /** Closed with the ledger: the pool a provider made for it. */
        Builder closing(AutoCloseable owned) {
            this.resources = owned;
            return this;
        }

        public JdbcReplayLedger build() {
            return new JdbcReplayLedger(this);
        }
    }
}
