package dev.tollgate.store.redis;

import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.code.CreatedIntent;
import dev.tollgate.core.code.StoredIntent;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import java.time.Instant;
import java.util.Optional;

/**
 * Code intents in the ledger's Redis, under {@code <keyPrefix>intent:<id>}: one string ({@link StoredIntent})
 * that Redis expires itself at the intent's expiry ({@code PXAT}). Each operation is one command, with
 * the ledger's timeout. The number of open intents each instance creates is bounded in front of this store
 * ({@code code.maxOpenIntents}, {@link dev.tollgate.core.code.BoundedCodeIntentStore}).
 */
final class RedisCodeIntentStore implements CodeIntentStore {
    static final String KEY_PART = "intent:";

    private final RedisReplayLedger ledger;

    RedisCodeIntentStore(RedisReplayLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public boolean remember(CreatedIntent intent) throws LedgerUnavailableException {
        if (!intent.expiresAt().isAfter(Instant.now())) {
            return true; // nothing to keep: it could not be redeemed anyway
        }
        try {
            ledger.commands().set(key(intent.id()), StoredIntent.encode(intent),
                    SetArgs.Builder.pxAt(intent.expiresAt().toEpochMilli()));
        } catch (RedisException e) {
            throw ledger.unavailable("remember Code intent", e);
        }
        return true;
    }

    @Override
    public Optional<CreatedIntent> find(String intentId) throws LedgerUnavailableException {
        String text;
        try {
            text = ledger.commands().get(key(intentId));
        } catch (RedisException e) {
            throw ledger.unavailable("find Code intent", e);
        }
        return StoredIntent.found(intentId, text);
    }

    @Override
    public void forget(CreatedIntent intent) throws LedgerUnavailableException {
        try {
            ledger.commands().del(key(intent.id()));
        } catch (RedisException e) {
            throw ledger.unavailable("forget Code intent", e);
        }
    }

    private String key(String id) {
        return ledger.keyPrefix() + KEY_PART + id;
    }
}
