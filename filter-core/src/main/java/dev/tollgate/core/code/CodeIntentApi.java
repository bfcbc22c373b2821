package dev.tollgate.core.code;

/**
 * What a merchant server needs from Code: announce an intent, later ask whether it was paid. Two wire
 * formats implement it: the current protobuf API ({@link CodeSequencerClient}) and the legacy JSON API
 * ({@link LegacyCodeApiClient}) older SDKs used.
 */
public interface CodeIntentApi {

    /** Which wire format to speak. */
    enum Flavor { PROTOBUF, LEGACY_JSON }

    /**
     * @return the intent, once the server accepted it
     * @throws CodeApiException if it did not
     */
    PaymentIntent createIntent(PaymentIntent intent);

    /**
     * @throws CodeApiException         if the server could not answer
     * @throws IllegalArgumentException if the id is not a base58 32-byte key
     */
    IntentStatus getStatus(String intentId);

    /**
     * The switch between the two APIs. The endpoint in {@code config} must belong to the chosen API:
     * {@link CodeSequencerClient.Config#defaults()} or {@link LegacyCodeApiClient#defaults()}.
     */
    static CodeIntentApi create(Flavor flavor, CodeSequencerClient.Config config) {
        return switch (flavor) {
            case PROTOBUF -> new CodeSequencerClient(config);
            case LEGACY_JSON -> new LegacyCodeApiClient(config);
        };
    }
}
