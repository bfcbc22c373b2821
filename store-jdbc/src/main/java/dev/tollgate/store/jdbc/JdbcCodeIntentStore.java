package dev.tollgate.store.jdbc;

import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.code.CreatedIntent;
import dev.tollgate.core.code.StoredIntent;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import java.util.Optional;

/**
 * Code intents in the ledger's database, table {@code <ledger table>_code_intent} (in the shipped DDL): one row
 * per intent, its {@link StoredIntent} text and its expiry. Remembering is an upsert, finding one select of a
 * row that has not expired, forgetting one delete; each has the ledger's query timeout. Expired rows are purged with the ledger's.
 */
final class JdbcCodeIntentStore implements CodeIntentStore {
    private final JdbcReplayLedger ledger;
    private final String rememberSql;
    private final String findSql;
    private final String forgetSql;
    final String purgeSql;

    JdbcCodeIntentStore(JdbcReplayLedger ledger, String table) {
        this.ledger = ledger;
        this.rememberSql = "INSERT INTO " + table + " (intent_id, intent, expires_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (intent_id) DO UPDATE SET intent = EXCLUDED.intent, expires_at = EXCLUDED.expires_at";
        this.findSql = "SELECT intent FROM " + table + " WHERE intent_id = ? AND expires_at > now()";
        this.forgetSql = "DELETE FROM " + table + " WHERE intent_id = ?";
        this.purgeSql = "DELETE FROM " + table + " WHERE intent_id IN (SELECT intent_id FROM " + table
                + " WHERE expires_at <= now() LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= now()";
    }

    @Override
    public boolean remember(CreatedIntent intent) throws LedgerUnavailableException {
        ledger.update("remember Code intent", rememberSql, ps -> {
            ps.setString(1, intent.id());
            ps.setString(2, StoredIntent.encode(intent));
            ps.setObject(3, JdbcReplayLedger.timestamp(intent.expiresAt()));
        });
        return true;
    }

    @Override
    public Optional<CreatedIntent> find(String intentId) throws LedgerUnavailableException {
        String text = ledger.queryOne("find Code intent", findSql, ps -> ps.setString(1, intentId), rs -> rs.getString(1));
        return StoredIntent.found(intentId, text);
    }

    @Override
    public void forget(CreatedIntent intent) throws LedgerUnavailableException {
        ledger.update("forget Code intent", forgetSql, ps -> ps.setString(1, intent.id()));
    }
}
