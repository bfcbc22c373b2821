package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server this machine runs (`.ci/run` starts it), database {@code test}, trust authentication as
 * {@code postgres} or the OS user. Tests are skipped, with the reason, where it is absent.
 */
final class LocalPostgres {
    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static String user;
    private static String problem;

    private LocalPostgres() {
    }

    /** Call per test (in {@code @BeforeEach}): Surefire counts an abort in {@code @BeforeAll} as no test at all. */
    static void assumeReachable() {
        assumeTrue(reachable(), "PostgreSQL not reachable at " + URL + ": " + problem);
    }

    static synchronized boolean reachable() {
        if (user == null && problem == null) {
            List<String> failures = new ArrayList<>();
            for (String candidate : List.of("postgres", System.getProperty("user.name"))) {
                try (Connection c = simple(candidate).getConnection()) {
                    user = candidate;
                    break;
                } catch (SQLException e) {
                    failures.add(candidate + ": " + e.getMessage());
                }
            }
            if (user == null) {
                problem = String.join("; ", failures);
                // Surefire's console shows only a count of skips; say once why, where CI logs show it.
                System.err.println("[tollgate] skipping PostgreSQL tests: not reachable at " + URL + ": " + problem);
            }
        }
        return user != null;
    }

    static String user() {
        return user;
    }

    static PGSimpleDataSource simple(String as) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(URL);
        ds.setUser(as);
        ds.setConnectTimeout(2);
        ds.setLoginTimeout(3);
        return ds;
    }

    static HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername(user);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(3000);
        return new HikariDataSource(config);
    }

    /** A table name no other test run uses. */
    static String uniqueTable() {
        return "tollgate_test_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Drops a ledger's table and the tables beside it (payment identifiers, Code intents). */
    static void dropLedgerTables(String table) throws SQLException {
        execute("DROP TABLE IF EXISTS " + table + ", " + JdbcReplayLedger.identifierTable(table) + ", "
                + JdbcReplayLedger.codeIntentTable(table));
    }

    static void execute(String sql) throws SQLException {
        try (Connection c = simple(user).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(String sql) throws SQLException {
        try (Connection c = simple(user).getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
