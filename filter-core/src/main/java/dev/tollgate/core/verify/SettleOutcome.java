package dev.tollgate.core.verify;

import dev.tollgate.core.wire.SettleResponse;
import java.time.Duration;

/** What settlement achieved, or why it could not be attempted. */
public sealed interface SettleOutcome {

    record Settled(SettleResponse response) implements SettleOutcome {
    }

    /** Settlement was attempted and refused (insufficient funds, nonce used, ...). */
    record Failed(SettleResponse response) implements SettleOutcome {
    }

    record Unavailable(Duration retryAfter, String detail) implements SettleOutcome {
    }

    record Malfunction(String detail) implements SettleOutcome {
    }
}
