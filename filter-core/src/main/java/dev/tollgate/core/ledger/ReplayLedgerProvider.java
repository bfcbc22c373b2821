package dev.tollgate.core.ledger;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a {@link ReplayLedger} from settings, so that a deployment picks its ledger with {@code ledger=NAME}
 * and the core never depends on a store's client library. Store modules register one with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.tollgate.core.ledger.ReplayLedgerProvider}).
 */
public interface ReplayLedgerProvider {

    /** The value of the {@code ledger} setting that selects this provider, for example {@code redis}. */
    String name();

    /**
     * Whether {@code ledger} may name this provider by a URL instead, such as {@code redis://host:6379}; the
     * URL then reaches {@link #create} as {@code ledger.url}.
     */
    default boolean acceptsUrl(String url) {
        return false;
    }

    /**
     * A ledger configured by the {@code ledger.*} settings (environment references already resolved). Should
     * not need the store to be reachable yet: an unreachable store is a per-request 503, not a start-up failure.
     *
     * @throws dev.tollgate.core.config.ConfigurationException naming the setting at fault
     */
    ReplayLedger create(Map<String, String> settings);

    /**
     * The {@code ledger.*} settings this provider reads, so that a misspelt one stops start-up instead of leaving its
     * default in place. A provider that does not say leaves every {@code ledger.*} key unchecked.
     */
    default Optional<Set<String>> settingKeys() {
        return Optional.empty();
    }
}
