package dev.tollgate.core.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkRegistryTest {
    private final NetworkRegistry registry = NetworkRegistry.defaults();

    @ParameterizedTest(name = "{0} = {1}, chain {2}")
    @CsvSource({
            "base,           eip155:8453,  8453,  0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913, USD Coin",
            "base-sepolia,   eip155:84532, 84532, 0x036CbD53842c5426634e7929541eC2318f3dCF7e, USDC",
            "avalanche,      eip155:43114, 43114, 0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E, USD Coin",
            "avalanche-fuji, eip155:43113, 43113, 0x5425890298aed601595a70AB815c96711a31Bc65, USD Coin",
            "polygon,        eip155:137,   137,   0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359, USD Coin",
            "polygon-amoy,   eip155:80002, 80002, 0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582, USDC",
    })
    void eachDefaultNetworkIsFoundByItsV1NameAndByItsCaip2Id(String name, String caip2, long chainId, String usdc,
                                                            String eip712Name) {
        Network byName = registry.find(name).orElseThrow();
        Network byCaip2 = registry.find(caip2).orElseThrow();
        assertSame(byName, byCaip2);
        assertEquals(name, byName.v1Name());
        assertEquals(caip2, byName.caip2());
        assertEquals(chainId, byName.chainId());
        assertEquals(usdc, byName.usdcAddress());
        assertEquals(6, byName.decimals());
        assertEquals(eip712Name, byName.eip712Name());
        assertEquals("2", byName.eip712Version());
    }

    @Test
    void thereAreExactlySixDefaultNetworks() {
        assertEquals(6, registry.all().size());
    }

    @Test
    void baseSepoliaSignsUnderTheNameUsdcAndBaseUnderUsdCoin() {
        assertEquals("USDC", registry.find("base-sepolia").orElseThrow().eip712Name());
        assertEquals("USD Coin", registry.find("base").orElseThrow().eip712Name());
    }

    @Test
    void lookupIgnoresCaseAndSurroundingSpace() {
        assertEquals("base-sepolia", registry.find(" Base-Sepolia ").orElseThrow().v1Name());
        assertEquals("base", registry.find("EIP155:8453").orElseThrow().v1Name());
    }

    @Test
    void unknownAndNullNamesFindNothing() {
        assertTrue(registry.find("ethereum").isEmpty());
        assertTrue(registry.find("eip155:1").isEmpty());
        assertTrue(registry.find("solana").isEmpty());
        assertTrue(registry.find(null).isEmpty());
    }

    @Test
    void withAddsANetworkUnderBothIds() {
        Network local = new Network("anvil", "eip155:31337", 31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3",
                6, "USDC", "2");
        NetworkRegistry extended = registry.with(local);
        assertSame(local, extended.find("anvil").orElseThrow());
        assertSame(local, extended.find("eip155:31337").orElseThrow());
        assertEquals(7, extended.all().size());
    }

    @Test
    void withReplacesTheEntryOfTheSameNameAndLeavesTheOriginalAlone() {
        Network otherToken = new Network("base", "eip155:8453", 8453, "0x1111111111111111111111111111111111111111",
                18, "Other", "1");
        NetworkRegistry replaced = registry.with(otherToken);
        assertSame(otherToken, replaced.find("base").orElseThrow());
        assertSame(otherToken, replaced.find("eip155:8453").orElseThrow());
        assertEquals(6, replaced.all().size());
        assertEquals("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", registry.find("base").orElseThrow().usdcAddress());
    }

    @Test
    void withRenamingANetworkDropsBothOfItsOldIds() {
        Network renamed = new Network("base-test", "eip155:84532", 84532, "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                6, "USDC", "2");
        NetworkRegistry replaced = registry.with(renamed);
        assertTrue(replaced.find("base-sepolia").isEmpty());
        assertSame(renamed, replaced.find("eip155:84532").orElseThrow());
        assertEquals(6, replaced.all().size());
    }
}
