package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** TOLLGATE_TRUST_FORWARDED is true or false; anything else is a start-up error naming it, never a silent false. */
class MainTrustForwardedTest {
    @Test
    void anythingButTrueOrFalseIsRefusedWithAMessageNamingIt() {
        assertTrue(Main.trustForwarded("true"));
        assertTrue(Main.trustForwarded(" TRUE "));
        assertFalse(Main.trustForwarded("false"));
        for (String bad : new String[] {"1", "yes", "on", "treu"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Main.trustForwarded(bad),
                    bad);
            assertEquals("TOLLGATE_TRUST_FORWARDED must be true or false, was \"" + bad + "\"", e.getMessage());
        }
    }

    @Test
    void theSampleDoesNotStartWithAValueItWouldIgnore() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleServer.start("TOLLGATE_TRUST_FORWARDED", "yes").close());
        assertTrue(e.getMessage().startsWith("TOLLGATE_TRUST_FORWARDED"), e.getMessage());
    }
}
