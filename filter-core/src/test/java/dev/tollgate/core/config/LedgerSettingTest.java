package dev.tollgate.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.ledger.ReplayLedgerProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerSettingTest {
    @TempDir
    Path services;

    private static TollgateConfig.Builder base() {
        return TollgateConfig.builder().facilitatorUrl("http://127.0.0.1:9").payTo(
                "0x209693Bc6afc0C5328bA36FaF03C514EF312287C").price("$0.01").environment(n -> null);
    }

    @Test
    void withoutALedgerSettingTheTollgateUsesItsOwnInMemoryLedger() {
        TollgateConfig config = base().build();
        assertNull(config.ledger());
        assertFalse(config.ownsLedger());
        assertNull(base().set("ledger", "memory").build().ledger());
    }

    @Test
    void aLedgerUrlWithoutTheLedgerSettingFailsStartUpInsteadOfLeavingEachInstanceItsOwnMemory() {
        // Before, ledger.url=redis://... alone (or beside ledger=${LEDGER:-}) was ignored: an in-memory ledger, in which
        // every instance admits a proof once of its own.
        for (String ledger : new String[] {null, "", "${LEDGER:-}"}) {
            TollgateConfig.Builder b = base().set("ledger.url", "redis://:s3cret@127.0.0.1:6379");
            if (ledger != null) {
                b.set("ledger", ledger);
            }
            ConfigurationException e = assertThrows(ConfigurationException.class, b::build);
            assertEquals("ledger", e.setting());
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        }
        assertNull(base().set("ledger", "memory").set("ledger.url", "redis://127.0.0.1:6379").build().ledger(),
                "said on purpose, memory keeps a URL meant for another environment");
    }

    @Test
    void aLedgerNamedButNotOnTheClasspathFailsAtStartUpNamingTheSetting() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> base().set("ledger", "redis").set("ledger.url", "redis://127.0.0.1:6379").build());
        assertEquals("ledger", e.setting());
        assertTrue(e.getMessage().contains("\"redis\""), e.getMessage());
        assertTrue(e.getMessage().contains("store-redis"), e.getMessage());
    }

    @Test
    void aLedgerUrlThatNoModuleAcceptsFailsAtStartUpNamingTheSetting() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> base().set("ledger", "jdbc:postgresql://127.0.0.1/test").build());
        assertEquals("ledger", e.setting());
    }

    @Test
    void theProviderNamedByLedgerMakesTheLedgerFromTheResolvedLedgerSettings() throws Exception {
        RecordingProvider.reset();
        TollgateConfig config = withProvider(() -> base().environment(n -> "PREFIX".equals(n) ? "tg:" : null)
                .set("ledger", "Recording").set("ledger.keyPrefix", "${PREFIX}").build());
        assertTrue(config.ownsLedger());
        assertSame(RecordingProvider.made, config.ledger());
        assertEquals("tg:", RecordingProvider.seen.get("ledger.keyPrefix"));
        assertEquals(ClaimResult.CLAIMED, config.ledger().claim("k", Instant.now().plusSeconds(60)));
    }

    @Test
    void aUrlAsTheLedgerSettingPicksTheProviderThatAcceptsItAndArrivesAsLedgerUrl() throws Exception {
        RecordingProvider.reset();
        TollgateConfig config = withProvider(() -> base().set("ledger", "recording://store:1").build());
        assertSame(RecordingProvider.made, config.ledger());
        assertEquals("recording://store:1", RecordingProvider.seen.get("ledger.url"));
        assertEquals("recording", RecordingProvider.seen.get("ledger"));
    }

    @Test
    void aUrlInBothLedgerAndLedgerUrlThatDisagreeIsRefused() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> withProvider(
                () -> base().set("ledger", "recording://a:1").set("ledger.url", "recording://b:1").build()));
        assertEquals("ledger.url", e.setting());
    }

    @Test
    void theTollgateClosesALedgerMadeFromSettings() throws Exception {
        RecordingProvider.reset();
        Tollgate tollgate = Tollgate.create(withProvider(() -> base().set("ledger", "recording").build()));
        assertFalse(RecordingProvider.made.closed);
        tollgate.close();
        assertTrue(RecordingProvider.made.closed);
    }

    @Test
    void aLedgerSuppliedInCodeWinsOverTheSettingAndStaysOpen() {
        RecordingLedger mine = new RecordingLedger();
        TollgateConfig config = base().set("ledger", "redis").ledger(mine).build();
        assertSame(mine, config.ledger());
        assertFalse(config.ownsLedger());
        Tollgate.create(config).close();
        assertFalse(mine.closed);
    }

    @Test
    void anInvalidOtherSettingLeavesNoLedgerBehind() {
        RecordingProvider.reset();
        assertThrows(ConfigurationException.class, () -> withProvider(
                () -> base().set("ledger", "recording").set("maxClaim", "soon").build()));
        assertNull(RecordingProvider.made);
    }

    @Test
    void aLedgerFromSettingsThatKeepsNoIdentifiersIsClosedAndRefusedWhenTheExtensionIsOn() throws Exception {
        RecordingProvider.reset();
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> withProvider(
                () -> base().set("ledger", "recording").set("paymentIdentifier", "required").build()));
        assertEquals("paymentIdentifier", e.setting());
        assertTrue(RecordingProvider.made.closed);
    }

    @Test
    void aProviderThatListsItsKeysMakesEveryOtherLedgerKeyFailStartUp() throws Exception {
        RecordingProvider.reset();
        TollgateConfig config = withProviders(() -> base().set("ledger", "recording").set("ledger.keyPrefix", "a:")
                .build(), RecordingProvider.class, ListingProvider.class);
        // RecordingProvider lists nothing, which leaves every ledger key unchecked.
        assertEquals("a:", RecordingProvider.seen.get("ledger.keyPrefix"));
        config.ledger().close();
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> withProviders(
                () -> base().set("ledger", "listing").set("ledger.bucketz", "b").build(), ListingProvider.class));
        assertEquals("ledger.bucketz", e.setting());
        assertTrue(e.getMessage().contains("did you mean 'ledger.buckets'"), e.getMessage());
        TollgateConfig listed = withProviders(
                () -> base().set("ledger", "listing").set("ledger.buckets", "b").build(), ListingProvider.class);
        assertSame(ListingProvider.made, listed.ledger());
    }

    /** Runs {@code build} with a context class loader that registers {@link RecordingProvider} as a service. */
    private <T> T withProvider(Callable<T> build) throws IOException {
        return withProviders(build, RecordingProvider.class);
    }

    private <T> T withProviders(Callable<T> build, Class<?>... providers) throws IOException {
        Path file = services.resolve("META-INF/services/" + ReplayLedgerProvider.class.getName());
        Files.createDirectories(file.getParent());
        StringBuilder names = new StringBuilder();
        for (Class<?> p : providers) {
            names.append(p.getName()).append('\n');
        }
        Files.writeString(file, names.toString());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {services.toUri().toURL()},
                LedgerSettingTest.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            return build.call();
        } catch (RuntimeException | IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public static final class RecordingProvider implements ReplayLedgerProvider {
        static Map<String, String> seen;
        static RecordingLedger made;

        static void reset() {
            seen = null;
            made = null;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public boolean acceptsUrl(String url) {
            return url.startsWith("recording://");
        }

        @Override
        public ReplayLedger create(Map<String, String> settings) {
            seen = new HashMap<>(settings);
            made = new RecordingLedger();
            return made;
        }
    }

    /** A provider that lists the ledger keys it reads: {@code ledger.buckets} and {@code ledger.url}. */
    public static final class ListingProvider implements ReplayLedgerProvider {
        static RecordingLedger made;

        @Override
        public String name() {
            return "listing";
        }

        @Override
        public Optional<Set<String>> settingKeys() {
            return Optional.of(Set.of("ledger.buckets", "ledger.url"));
        }

        @Override
        public ReplayLedger create(Map<String, String> settings) {
            made = new RecordingLedger();
            return made;
        }
    }

    static final class RecordingLedger implements ReplayLedger {
        volatile boolean closed;

        @Override
        public ClaimResult claim(String key, Instant until) {
            return ClaimResult.CLAIMED;
        }

        @Override
        public void settled(String key, Instant until) {
        }

        @Override
        public void release(String key) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
