package dev.tollgate.core.evm;

import java.math.BigInteger;

/**
 * The EIP-712 golden vector of /work/shared/vectors/x402.json ("eip712"): the x402 v2 HTTP transport
 * spec's example payment, with intermediate hashes computed independently.
 */
final class GoldenVector {

    static final String NAME = "USDC";
    static final String VERSION = "2";
    static final long CHAIN_ID = 84532;
    static final String VERIFYING_CONTRACT = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

    static final String FROM = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
    static final String TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    static final String VALUE = "10000";
    static final String VALID_AFTER = "1740672089";
    static final String VALID_BEFORE = "1740672154";
    static final String NONCE = "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480";

    static final String SIGNATURE = "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce64"
            + "96642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c";

    static final String TYPE_HASH = "0x7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267";
    static final String DOMAIN_SEPARATOR = "0x71f17a3b2ff373b803d70a5a07c046c1a2bc8e89c09ef722fcb047abe94c9818";
    static final String STRUCT_HASH = "0x49ad644555c7bdf3ea4fc022a4940ae5589b230b1dde0065c5504fa19bbe39a4";
    static final String DIGEST = "0xf256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6";

    /** What the same signature recovers to when the domain name is "USD Coin" (Base mainnet's name). */
    static final String RECOVERS_UNDER_USD_COIN = "0xed07b31fa76779c7a25ba712fb1bfbecefa2ad7e";

    /** Inside the authorization's window (validAfter + 11 s, 54 s before validBefore). */
    static final long INSIDE_WINDOW_EPOCH_SECOND = 1740672100L;

    static Eip712Domain domain() {
        return new Eip712Domain(NAME, VERSION, CHAIN_ID, EvmAddress.parse(VERIFYING_CONTRACT));
    }

    static ExactEvmAuthorization authorization() {
        return ExactEvmAuthorization.parse(FROM, TO, VALUE, VALID_AFTER, VALID_BEFORE, NONCE);
    }

    static ExactEvmRequirement requirement() {
        return new ExactEvmRequirement("exact", "eip155:84532", CHAIN_ID, EvmAddress.parse(VERIFYING_CONTRACT),
                NAME, VERSION, EvmAddress.parse(TO), new BigInteger(VALUE));
    }

    static ExactEvmPayment payment() {
        return new ExactEvmPayment("exact", "eip155:84532", authorization(), SIGNATURE);
    }

    private GoldenVector() {
    }
}
