package dev.tollgate.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnknownSettingsTest {
    private static final String PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

    private static Map<String, String> minimalWith(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("facilitator.url", "https://facilitator.example/x402");
        m.put("payTo", PAY_TO);
        m.put("price", "$0.01");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static TollgateConfig build(Map<String, String> settings) {
        return TollgateConfig.builder().environment(name -> null).settings(settings).build();
    }

    private static ConfigurationException refused(String... keyValues) {
        return assertThrows(ConfigurationException.class, () -> build(minimalWith(keyValues)));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "setlement, settlement",
        "maxclaim, maxClaim",
        "facilitator.requestTimout, facilitator.requestTimeout",
        "leger, ledger",
        "facilitator.circuit.failureTreshold, facilitator.circuit.failureThreshold",
        "mimetype, mimeType",
        "paymentIdentifer, paymentIdentifier",
        "code.destinaton, code.destination",
    })
    void aMisspeltKeyStopsStartUpNamingItAndTheKeyMostLikelyMeant(String typed, String meant) {
        ConfigurationException e = refused(typed, "x");
        assertEquals(typed, e.setting());
        assertTrue(e.getMessage().contains("did you mean '" + meant + "'"), e.getMessage());
    }

    @Test
    void withinARouteTheSuggestionKeepsTheRouteName() {
        ConfigurationException e = refused("routes", "premium", "route.premium.path", "/premium/*",
                "route.premium.prcie", "$0.02");
        assertEquals("route.premium.prcie", e.setting());
        assertTrue(e.getMessage().contains("did you mean 'route.premium.price'"), e.getMessage());
    }

    @Test
    void aMisspeltOptionOrNetworkKeyIsNamedWithItsOwnNameKept() {
        ConfigurationException option = refused("accepts", "main", "accept.main.netwrok", "base");
        assertTrue(option.getMessage().contains("did you mean 'accept.main.network'"), option.getMessage());
        ConfigurationException network = refused("network.mine.chainID", "7");
        assertTrue(network.getMessage().contains("did you mean 'network.mine.chainId'"), network.getMessage());
    }

    /** The JAX-RS feature's properties carry the prefix; a setting copied from them into a file or a map does not. */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "tollgate.payTo, payTo",
        "tollgate.facilitator.url, facilitator.url",
        "tollgate.route.premium.price, route.premium.price",
        "tollgate.ledger, ledger",
    })
    void aSettingCopiedWithTheJaxRsPrefixIsNamedWithTheSpellingWithoutIt(String typed, String meant) {
        ConfigurationException e = refused("routes", "premium", "route.premium.path", "/premium/*", typed, "x");
        assertEquals(typed, e.setting());
        assertTrue(e.getMessage().contains("did you mean '" + meant + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("JAX-RS"), "says where the prefix belongs: " + e.getMessage());
    }

    @Test
    void aPrefixedKeyOfNoSettingGetsNoGuess() {
        ConfigurationException e = refused("tollgate.colour", "blue");
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
    }

    @Test
    void aKeyLikeNoSettingGetsNoGuess() {
        ConfigurationException e = refused("colour", "blue");
        assertEquals("colour", e.setting());
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
        assertTrue(e.getMessage().contains("Configuration reference"), e.getMessage());
    }

    @Test
    void aRouteKeyWithoutARouteNameIsNoRouteKey() {
        assertEquals("route.price", refused("route.price", "$0.02").setting());
    }

    @Test
    void everyFamilyOfKeysWithNamesOfTheUsersOwnIsAccepted() {
        TollgateConfig config = build(minimalWith(
                "routes", "premium,cheap",
                "route.premium.path", "/premium/*",
                "route.premium.methods", "GET",
                "route.premium.accepts", "main",
                "route.cheap.path", "/cheap/*",
                "route.cheap.price", "$0.001",
                "route.cheap.settlement", "before",
                "accept.main.network", "mine",
                "accept.main.price", "$0.05",
                "network.mine.chainId", "7",
                "network.mine.asset", "0x036cbd53842c5426634e7929541ec2318f3dcf7e",
                "network.mine.decimals", "6",
                "facilitator.header.Authorization", "Bearer t"));
        assertEquals(2, config.routes().routes().size());
        assertEquals("Bearer t", config.facilitator().headers().get("Authorization"));
    }

    @Test
    void aLedgerKeyIsUncheckedOnlyWhenALedgerOnTheClassPathDoesNotListWhatItReads() {
        assertTrue(KnownSettings.known("ledger.table", Set.of("ledger.table")));
        assertFalse(KnownSettings.known("ledger.tabel", Set.of("ledger.table")));
        assertTrue(KnownSettings.known("ledger.anything", null));
        // filter-core's own class path has no ledger but memory, which reads none of these.
        ConfigurationException e = refused("ledger.table", "t");
        assertTrue(e.getMessage().contains("read by no ledger on the class path"), e.getMessage());
    }

    /** Every key README.md documents is one the check lets through: the two lists cannot drift apart unseen. */
    @Test
    void everySettingTheReadmeDocumentsIsKnown() throws IOException {
        List<String> documented = documentedKeys(Files.readString(Path.of("..", "README.md")));
        assertTrue(documented.size() > 50, "README's setting tables were not found: " + documented);
        List<String> unknown = new ArrayList<>();
        for (String key : documented) {
            // The ledger providers' own keys are checked against their lists in their modules.
            if (!KnownSettings.known(key, key.startsWith("ledger.") ? null : Set.of())) {
                unknown.add(key);
            }
        }
        assertEquals(List.of(), unknown);
    }

    /**
     * The first cell of every row of README's "| setting | default | meaning |" tables: one or more keys in backticks,
     * where {@code .caip2} after {@code network.<name>.decimals} continues that key's prefix, and placeholders take
     * a name of the user's.
     */
    static List<String> documentedKeys(String readme) {
        List<String> keys = new ArrayList<>();
        boolean inTable = false;
        Pattern code = Pattern.compile("`([^`]+)`");
        for (String line : readme.split("\n")) {
            if (line.startsWith("| setting | default | meaning |")) {
                inTable = true;
                continue;
            }
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            if (!inTable || line.startsWith("|---")) {
                continue;
            }
            String cell = line.substring(1, line.indexOf('|', 1));
            Matcher m = code.matcher(cell);
            String base = null;
            while (m.find()) {
                String key = m.group(1);
                if (key.contains("<setting>")) {
                    continue;
                }
                if (key.startsWith(".") && base != null) {
                    key = base + key;
                } else {
                    base = key.contains("<name>.") ? key.substring(0, key.indexOf("<name>.") + "<name>".length())
                            : null;
                }
                keys.add(key.replace("<name>", "x").replace("<Name>", "X-Api-Key"));
            }
        }
        return keys;
    }
}
