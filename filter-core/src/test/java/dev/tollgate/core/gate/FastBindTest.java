package dev.tollgate.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.PaymentPayloadV2;
import dev.tollgate.core.wire.WireJson;
import org.junit.jupiter.api.Test;

class FastBindTest {
    static final String AUTH = "{\"from\":\"0x857b06519E91e3A54538791bDbb0E22373e36b66\","
            + "\"to\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"value\":\"10000\",\"validAfter\":\"1\","
            + "\"validBefore\":\"2\",\"nonce\":\"0x01\"}";
    private static final String ACCEPTED = "{\"scheme\":\"exact\",\"network\":\"eip155:84532\",\"amount\":\"10000\","
            + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\",\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\","
            + "\"maxTimeoutSeconds\":60,\"extra\":{\"name\":\"USDC\",\"version\":\"2\"},\"unknown\":[1]}";

    private static JsonNode tree(String json) throws Exception {
        return WireJson.mapper().readTree(json);
    }

    private static String proof(String accepted, String resource, String payload) {
        return "{\"x402Version\":2," + (resource == null ? "" : "\"resource\":" + resource + ",")
                + "\"accepted\":" + accepted + ",\"payload\":" + payload + ",\"extensions\":{}}";
    }

    @Test
    void aProofOfTheUsualShapeBindsToWhatJacksonBinds() throws Exception {
        JsonNode t = tree(proof(ACCEPTED, "{\"url\":\"http://h/p\",\"description\":null}",
                "{\"signature\":\"0xab\",\"authorization\":" + AUTH + "}"));
        PaymentPayloadV2 fast = FastBind.paymentPayloadV2(t);
        assertNotNull(fast);
        assertEquals(WireJson.mapper().treeToValue(t, PaymentPayloadV2.class), fast);
        assertEquals(WireJson.mapper().treeToValue(t.get("payload"), ExactEvmPayload.class),
                FastBind.exactEvmPayload(t.get("payload")));
    }

    @Test
    void anythingJacksonWouldCoerceIsLeftToJackson() throws Exception {
        assertNull(FastBind.paymentPayloadV2(tree(proof(ACCEPTED.replace("\"10000\"", "10000"), null, "{}"))));
        assertNull(FastBind.paymentPayloadV2(tree(proof(ACCEPTED.replace("60", "\"60\""), null, "{}"))));
        assertNull(FastBind.paymentPayloadV2(tree(proof(ACCEPTED.replace(",\"maxTimeoutSeconds\":60", ""), null, "{}"))));
        assertNull(FastBind.paymentPayloadV2(tree(proof(ACCEPTED, "\"http://h/p\"", "{}"))));
        assertNull(FastBind.paymentPayloadV2(tree(proof(ACCEPTED, null, "null"))));
        assertNull(FastBind.exactEvmPayload(tree("{\"signature\":\"0xab\",\"authorization\":"
                + AUTH.replace("\"10000\"", "10000") + "}")));
        assertNull(FastBind.exactEvmPayload(tree("{\"signature\":1,\"authorization\":" + AUTH + "}")));
    }

    @Test
    void anOptionsTwoSettlementHeadersNameItsNetworkEachTheirWay() {
        dev.tollgate.core.wire.HeaderCodec codec = new dev.tollgate.core.wire.HeaderCodec();
        PaymentOption option = new PaymentOption("exact", dev.tollgate.core.pricing.NetworkRegistry.defaults()
                .find("base-sepolia").orElseThrow(), java.math.BigInteger.valueOf(10_000),
                "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", 60,
                "USDC", "2");
        dev.tollgate.core.wire.SettleResponse r = new dev.tollgate.core.wire.SettleResponse(true, null,
                "0x" + "ab".repeat(32), "x", "0x857b06519E91e3A54538791bDbb0E22373e36b66");
        java.util.Map<String, String> headers = new Answers(codec).settlementHeaders(r, option);
        assertEquals(codec.encode(new dev.tollgate.core.wire.SettleResponse(true, null, r.transaction(),
                "eip155:84532", r.payer())), headers.get("PAYMENT-RESPONSE"));
        assertEquals(codec.encode(new dev.tollgate.core.wire.SettleResponse(true, null, r.transaction(),
                "base-sepolia", r.payer())), headers.get("X-PAYMENT-RESPONSE"));
    }

    @Test
    void settlementHeadersAreByteForByteWhatTheCodecWritesForTheRecord() {
        dev.tollgate.core.wire.HeaderCodec codec = new dev.tollgate.core.wire.HeaderCodec();
        for (dev.tollgate.core.wire.SettleResponse r : java.util.List.of(
                new dev.tollgate.core.wire.SettleResponse(true, null, "0xabc", "x", "0x01"),
                new dev.tollgate.core.wire.SettleResponse(false, "insufficient \"funds\"\n\u00e9\u2028", "", "x", null),
                new dev.tollgate.core.wire.SettleResponse(true, null, null, "x", null),
                new dev.tollgate.core.wire.SettleResponse(false, "invalid_payload", null, "x", null),
                new dev.tollgate.core.wire.SettleResponse(true, null, "0x\u00e9", "x", "0x0\\1"))) {
            for (String network : java.util.List.of("eip155:84532", "base-sepolia", "net\"work")) {
                assertEquals(codec.encode(new dev.tollgate.core.wire.SettleResponse(r.success(), r.errorReason(),
                        r.transaction(), network, r.payer())), Answers.settlementHeader(r, network));
            }
        }
    }
}
