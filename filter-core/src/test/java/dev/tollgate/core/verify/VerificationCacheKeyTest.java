package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerificationCacheKeyTest {
    private static final PaymentOption OPTION = Proofs.option(10_000);
    private static final PaymentOption DEARER = Proofs.option(20_000);
    private static final String[] FIELDS = {"0xsig", "0xfrom", "0xto", "10000", "1", "2", "0xnonce"};

    private static ExactEvmPayload evm(String[] f) {
        return new ExactEvmPayload(f[0], new ExactEvmPayload.Authorization(f[1], f[2], f[3], f[4], f[5], f[6]));
    }

    private static String evmKey(String json, PaymentOption option, String[] fields) {
        return VerificationCache.key(PaymentAttempt.ofJson(2, json.getBytes(StandardCharsets.UTF_8),
                option.requirementsV2(), option, evm(fields)));
    }

    @Test
    void anExactEvmProofIsKeyedByItsSignedFieldsAndTheRequirement() {
        String key = evmKey("{\"a\":1,\"b\":2}", OPTION, FIELDS);
        // The same authorization in other JSON (key order, spacing, fields nobody signs) is the same proof.
        assertEquals(key, evmKey("{\"b\":2, \"a\":1}", OPTION, FIELDS));
        Set<String> keys = new HashSet<>(Set.of(key, evmKey("{}", DEARER, FIELDS)));
        for (int i = 0; i < FIELDS.length; i++) {
            String[] changed = FIELDS.clone();
            changed[i] = changed[i] + "0";
            keys.add(evmKey("{}", OPTION, changed));
            String[] moved = FIELDS.clone(); // the same characters split differently across two fields
            if (i + 1 < FIELDS.length) {
                moved[i] = FIELDS[i] + FIELDS[i + 1].charAt(0);
                moved[i + 1] = FIELDS[i + 1].substring(1);
                keys.add(evmKey("{}", OPTION, moved));
            }
        }
        assertEquals(2 + FIELDS.length + FIELDS.length - 1, keys.size());
        assertNotEquals(key, VerificationCache.key(PaymentAttempt.ofJson(1, "{}".getBytes(StandardCharsets.UTF_8),
                OPTION.requirementsV2(), OPTION, evm(FIELDS))));
    }

    @Test
    void otherProofsAreKeyedByTheirJsonInAnyKeyOrder() throws Exception {
        JsonNode one = WireJson.mapper().readTree("{\"x\":{\"p\":1,\"q\":[1,2]},\"y\":\"z\"}");
        JsonNode same = WireJson.mapper().readTree("{\"y\":\"z\",\"x\":{\"q\":[1,2],\"p\":1}}");
        JsonNode other = WireJson.mapper().readTree("{\"y\":\"z\",\"x\":{\"q\":[2,1],\"p\":1}}");
        String key = VerificationCache.key(new PaymentAttempt(2, one, OPTION.requirementsV2(), OPTION, null));
        assertEquals(key, VerificationCache.key(new PaymentAttempt(2, same, OPTION.requirementsV2(), OPTION, null)));
        assertNotEquals(key, VerificationCache.key(new PaymentAttempt(2, other, OPTION.requirementsV2(), OPTION, null)));
        assertNotEquals(key, VerificationCache.key(new PaymentAttempt(2, one,
                OPTION.requirementsV1("http://h/p", "d", null), OPTION, null)));
    }
}
