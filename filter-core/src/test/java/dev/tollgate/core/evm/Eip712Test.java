package dev.tollgate.core.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class Eip712Test {

    @Test
    void transferWithAuthorizationTypeHashMatchesTheVector() {
        assertEquals(GoldenVector.TYPE_HASH, Hex.encode(TransferWithAuthorization.typeHash()));
    }

    @Test
    void domainSeparatorMatchesTheVector() {
        assertEquals(GoldenVector.DOMAIN_SEPARATOR, Hex.encode(GoldenVector.domain().separator()));
    }

    @Test
    void structHashMatchesTheVector() {
        assertEquals(GoldenVector.STRUCT_HASH,
                Hex.encode(TransferWithAuthorization.structHash(GoldenVector.authorization())));
    }

    @Test
    void digestMatchesTheVector() {
        assertEquals(GoldenVector.DIGEST,
                Hex.encode(TransferWithAuthorization.digest(GoldenVector.domain(), GoldenVector.authorization())));
    }

    @Test
    void domainSeparatorChangesWithTheTokenName() {
        Eip712Domain usdCoin = new Eip712Domain("USD Coin", GoldenVector.VERSION, GoldenVector.CHAIN_ID,
                EvmAddress.parse(GoldenVector.VERIFYING_CONTRACT));
        assertNotEquals(GoldenVector.DOMAIN_SEPARATOR, Hex.encode(usdCoin.separator()));
    }

    @Test
    void keccakOfTheEmptyInputIsTheWellKnownConstant() {
        // Guards against NIST SHA3-256 sneaking in: it hashes "" to 0xa7ffc6f8...
        assertEquals("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
                Hex.encode(Keccak256.hash(new byte[0])));
    }
}
