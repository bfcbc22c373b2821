package dev.tollgate.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.core.evm.Hex;
import dev.tollgate.core.evm.Keccak256;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoAccountsTest {

    @Test
    void theDemoKeyIsTheKeccakOfItsPublishedDerivationText() {
        assertEquals(DemoAccounts.DEMO_PAYER_PRIVATE_KEY,
                Hex.encode(Keccak256.hash(DemoAccounts.KEY_DERIVATION.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void theDemoPayerAddressIsTheOneTheReadmePublishes() {
        assertEquals("0xF6aea08DB148C0CAA8233cEa71EA8C78d5f24753", DemoAccounts.DEMO_PAYER.toChecksumHex());
    }

    @Test
    void theDemoKeyNeverPrintsItself() {
        assertEquals(-1, DemoAccounts.DEMO_PAYER_KEY.toString().indexOf(DemoAccounts.DEMO_PAYER_PRIVATE_KEY.substring(2)));
    }
}
