package dev.tollgate.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A container's request threads outlive the web application that used them: whatever Tollgate leaves on them must
 * not keep the application's class loader (and every class and static it loaded) alive after an undeploy.
 */
class InMemoryReplayLedgerUndeployTest {

    @Test
    void aThreadThatClaimedAndSettledKeepsNothingThatHoldsTheLedgersClassLoader() throws Exception {
        WeakReference<ClassLoader> loader = useLedgerInOwnClassLoader();

        for (int i = 0; i < 20 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }

        assertNull(loader.get(), "the undeployed class loader is still reachable from this thread");
    }

    /** What a web application does on a request thread: its own copy of the classes, a claim, a settlement. */
    private static WeakReference<ClassLoader> useLedgerInOwnClassLoader() throws Exception {
        URL classes = InMemoryReplayLedger.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader webapp = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = webapp.loadClass(InMemoryReplayLedger.class.getName());
            Object ledger = type.getConstructor().newInstance();
            Instant until = Instant.now().plusSeconds(60);
            String key = "eip155:84532|0xasset|0xpayer|0xnonce";
            Object claimed = type.getMethod("claim", String.class, Instant.class).invoke(ledger, key, until);
            assertEquals("CLAIMED", claimed.toString());
            type.getMethod("settled", String.class, Instant.class).invoke(ledger, key, until);
            return new WeakReference<>(webapp);
        }
    }
}
