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

    /** As {@link VerifyOutcome.Unavailable}. */
    record Unavailable(Duration retryAfter, String detail, boolean facilitatorDown) implements SettleOutcome {
        public Unavailable(Duration retryAfter, String detail) {
            this(retryAfter, detail, true);
        }
    }

    record Malfunction(String detail) implements SettleOutcome {
    }
}
