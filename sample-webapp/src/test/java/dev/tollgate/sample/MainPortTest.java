package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A wrong PORT is a start-up error that names it, not a NumberFormatException's stack trace. */
class MainPortTest {
    @Test
    void aPortThatIsNoPortNumberIsRefusedWithAMessageNamingIt() {
        assertEquals(8080, Main.port("8080"));
        assertEquals(0, Main.port(" 0 "));
        for (String bad : new String[] {"abc", "", "-1", "65536", "99999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Main.port(bad), bad);
            assertTrue(e.getMessage().startsWith("PORT must be a number from 0 to 65535"), e.getMessage());
        }
    }
}
