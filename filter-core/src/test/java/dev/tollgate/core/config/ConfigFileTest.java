package dev.tollgate.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.route.Route;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigFileTest {
    private static final String PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

    @TempDir
    Path dir;

    private String write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file.toString();
    }

    private static final String JSON = """
            {
              "facilitator": {
                "url": "https://facilitator.example",
                "requestTimeout": "3s",
                "header": { "Authorization": "Bearer t0ken" }
              },
              "payTo": "%s",
              "network": "base-sepolia",
              "maxTimeoutSeconds": 90,
              "nothing": null,
              "accept": { "cheap": { "network": "base", "price": "$0.001" } },
              "routes": [
                { "name": "reports", "path": "/reports/*", "methods": ["GET", "POST"], "price": "$0.10" },
                { "path": "/data/{id}", "amount": "5000", "accepts": ["cheap"] }
              ]
            }
            """.formatted(PAY_TO);

    @Test
    void jsonNestingIsFlattenedToTheSameKeysAsProperties() throws IOException {
        Map<String, String> flat = ConfigFile.load(write("tollgate.json", JSON), getClass().getClassLoader());
        assertEquals("https://facilitator.example", flat.get("facilitator.url"));
        assertEquals("3s", flat.get("facilitator.requestTimeout"));
        assertEquals("Bearer t0ken", flat.get("facilitator.header.Authorization"));
        assertEquals(PAY_TO, flat.get("payTo"));
        assertEquals("90", flat.get("maxTimeoutSeconds"));
        assertEquals("base", flat.get("accept.cheap.network"));
        assertEquals("$0.001", flat.get("accept.cheap.price"));
    }

    @Test
    void aJsonRoutesArrayBecomesNamedRoutesInOrder() throws IOException {
        Map<String, String> flat = ConfigFile.load(write("tollgate.json", JSON), getClass().getClassLoader());
        assertEquals("reports,route1", flat.get("routes"));
        assertEquals("/reports/*", flat.get("route.reports.path"));
        assertEquals("GET,POST", flat.get("route.reports.methods"));
        assertEquals("$0.10", flat.get("route.reports.price"));
        assertEquals("/data/{id}", flat.get("route.route1.path"));
        assertEquals("cheap", flat.get("route.route1.accepts"));
    }

    @Test
    void twoJsonRoutesOfOneNameFailStartUpInsteadOfTheSecondReplacingTheFirst() throws IOException {
        // Flattened, both became route.a.*: /first/* lost its route, and was charged nothing.
        String json = """
                {"routes": [{"name": "a", "path": "/first/*", "price": "$1"}, {"name": "a", "path": "/second/*"}]}
                """;
        String file = write("tollgate.json", json);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ConfigFile.load(file, getClass().getClassLoader()));
        assertEquals("routes", e.setting());
        assertTrue(e.getMessage().contains("\"a\""), e.getMessage());
    }

    @Test
    void jsonNumbersAreReadAsWrittenLikeTheSameValueInAPropertiesFile() throws IOException {
        // Read as doubles, 0.00001 became "1.0E-5" (refused as no price), 1e21 "1.0E21" (no amount), and
        // 1.0000000000000001 "1.0": another price than the one written, which is finer than USDC's 6 decimals.
        Map<String, String> flat = ConfigFile.load(write("tollgate.json", """
                {"price": 0.00001, "amount": 1e21, "maxTimeoutSeconds": 90, "network.x.decimals": 6.0,
                 "accept": {"a": {"price": 1.0000000000000001}}, "route": {"r": {"methods": [1.5E-7]}}}
                """), getClass().getClassLoader());
        assertEquals("0.00001", flat.get("price"));
        assertEquals("1000000000000000000000", flat.get("amount"));
        assertEquals("90", flat.get("maxTimeoutSeconds"));
        assertEquals("6", flat.get("network.x.decimals"));
        assertEquals("1.0000000000000001", flat.get("accept.a.price"));
        assertEquals("0.00000015", flat.get("route.r.methods"));
    }

    @Test
    void aSmallJsonPriceBuildsTheSameTermsAsInAPropertiesFile() throws IOException {
        Map<String, String> flat = ConfigFile.load(write("tollgate.json", """
                {"facilitator": {"url": "https://facilitator.example"}, "payTo": "%s", "price": 0.00001}
                """.formatted(PAY_TO)), getClass().getClassLoader());
        TollgateConfig config = TollgateConfig.builder().environment(n -> null).settings(flat).build();
        assertEquals(BigInteger.TEN, config.routes().routes().get(0).terms().options().get(0).amount());
    }

    @Test
    void aKeySetTwiceInAPropertiesFileFailsStartUpAsItDoesInAJsonFile() throws IOException {
        // Before, the properties file's second line won without a word (JSON refuses a duplicate key).
        String file = write("tollgate.properties", "payTo=" + PAY_TO + "\nprice=$0.01\n# later\nprice = $1\n");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ConfigFile.load(file, getClass().getClassLoader()));
        assertEquals("price", e.setting());
        assertFalse(e.getMessage().contains("$1"), "names the key, quotes no value: " + e.getMessage());
    }

    private ConfigurationException refused(String json) throws IOException {
        String file = write("tollgate.json", json);
        return assertThrows(ConfigurationException.class, () -> ConfigFile.load(file, getClass().getClassLoader()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"  \"", "\"a,b\"", "\" a\"", "[\"a\"]", "{}", "true"})
    void aJsonRouteNameThatCannotBeARoutesNameIsRefusedNamingTheRoute(String name) throws IOException {
        // It failed later, on a key made from it: "route..path", or a route "a,b" that routes listed as two.
        ConfigurationException e = refused("""
                {"routes": [{"name": "free", "path": "/free/*"}, {"name": %s, "path": "/paid/*", "price": "$1"}]}
                """.formatted(name));
        assertEquals("routes", e.setting());
        assertTrue(e.getMessage().contains("entry 2 of routes"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"a\"", "null", "[]", "1"})
    void aJsonRoutesEntryThatIsNoObjectIsRefusedSayingWhatRoutesHolds(String entry) throws IOException {
        // ["a", "b"] was read as unnamed routes without a path: "route.route0.path is required".
        ConfigurationException e = refused("{\"routes\": [" + entry + "]}");
        assertEquals("routes", e.setting());
        assertTrue(e.getMessage().contains("entry 1 is") && e.getMessage().contains("each entry of routes is an object"),
                e.getMessage());
    }

    @Test
    void aJsonRouteWithANullNameIsNamedByItsPositionAsOneWithoutAName() throws IOException {
        Map<String, String> flat = ConfigFile.load(write("tollgate.json", """
                {"routes": [{"name": null, "path": "/a/*"}]}
                """), getClass().getClassLoader());
        assertEquals("route0", flat.get("routes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "{\"GET\": 1}", "[\"GET\"]"})
    void aJsonListHoldingNullOrAnObjectOrAListIsRefusedNamingTheKey(String element) throws IOException {
        // A null became the word "null" ("methods": [null] charged only a method no request has), an object or a
        // list the empty string, dropped from the list ("accepts": [{...}] offered the top-level option instead).
        ConfigurationException e = refused("""
                {"routes": [{"name": "a", "path": "/a/*", "methods": ["POST", %s]}]}
                """.formatted(element));
        assertEquals("route.a.methods", e.setting());
    }

    @Test
    void aJsonNullPriceOnARouteIsUnsetSoTheRouteTakesTheTopLevelPriceOrFailsStartUp() throws IOException {
        // Regression: null is "not set", as README says; never a route without a price.
        String json = """
                {"facilitator": {"url": "https://facilitator.example"}, "payTo": "%s", %s
                 "routes": [{"name": "a", "path": "/a/*", "price": null, "payTo": null}]}
                """;
        Map<String, String> flat = ConfigFile.load(write("tollgate.json", json.formatted(PAY_TO, "\"price\": \"$1\",")),
                getClass().getClassLoader());
        TollgateConfig config = TollgateConfig.builder().environment(n -> null).settings(flat).build();
        assertEquals(BigInteger.valueOf(1_000_000), config.routes().routes().get(0).terms().options().get(0).amount());
        assertEquals(PAY_TO, config.routes().routes().get(0).terms().options().get(0).payTo());
        Map<String, String> unpriced = ConfigFile.load(write("unpriced.json", json.formatted(PAY_TO, "")),
                getClass().getClassLoader());
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> TollgateConfig.builder().environment(n -> null).settings(unpriced).build());
        assertEquals("route.a.price", e.setting());
    }

    @Test
    void aJsonNullLeavesTheSettingUnset() throws IOException {
        Map<String, String> flat = ConfigFile.load(write("tollgate.json", JSON), getClass().getClassLoader());
        assertEquals(false, flat.containsKey("nothing"));
    }

    @Test
    void aFlattenedJsonFileBuildsTheConfigurationItDescribes() throws IOException {
        Map<String, String> flat = ConfigFile.load(write("tollgate.json", JSON), getClass().getClassLoader());
        TollgateConfig config = TollgateConfig.builder().environment(n -> null).settings(flat).build();
        List<Route> routes = config.routes().routes();
        assertEquals(List.of("reports", "route1"), routes.stream().map(Route::name).toList());
        assertEquals(BigInteger.valueOf(100_000), routes.get(0).terms().options().get(0).amount());
        assertEquals(90, routes.get(0).terms().options().get(0).maxTimeoutSeconds());
        assertEquals("base", routes.get(1).terms().options().get(0).network().v1Name());
        assertEquals(BigInteger.valueOf(1_000), routes.get(1).terms().options().get(0).amount());
        assertEquals("Bearer t0ken", config.facilitator().headers().get("Authorization"));
    }

    @Test
    void aPropertiesFileIsReadAsIs() throws IOException {
        String file = write("tollgate.properties", "facilitator.url=https://f.example\npayTo=" + PAY_TO
                + "\nprice=$0.01\n# a comment\nroute.a.path=/a/*\n");
        Map<String, String> flat = ConfigFile.load(file, getClass().getClassLoader());
        assertEquals(Map.of("facilitator.url", "https://f.example", "payTo", PAY_TO, "price", "$0.01",
                "route.a.path", "/a/*"), flat);
    }

    @Test
    void aClasspathLocationIsReadFromTheClassLoader() {
        Map<String, String> flat = ConfigFile.load("classpath:/config/tollgate-test.properties",
                getClass().getClassLoader());
        assertEquals("$0.25", flat.get("price"));
    }

    @Test
    void aMissingFileIsAConfigurationError() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ConfigFile.load(dir.resolve("absent.json").toString(), getClass().getClassLoader()));
        assertEquals("config", e.setting());
    }

    @Test
    void aMissingClasspathResourceIsAConfigurationError() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ConfigFile.load("classpath:nowhere.json", getClass().getClassLoader()));
        assertEquals("config", e.setting());
    }

    @Test
    void aJsonFileThatIsNotAnObjectIsAConfigurationError() throws IOException {
        String file = write("tollgate.json", "[1, 2]");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ConfigFile.load(file, getClass().getClassLoader()));
        assertEquals("config", e.setting());
    }

    @Test
    void malformedJsonIsAConfigurationError() throws IOException {
        String file = write("tollgate.json", "{\"payTo\": ");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ConfigFile.load(file, getClass().getClassLoader()));
        assertEquals("config", e.setting());
    }

    @Test
    void aPropertiesFileWithABrokenUnicodeEscapeIsAConfigurationErrorNamingTheFile() throws IOException {
        String file = write("tollgate.properties", "payTo=" + PAY_TO + "\nfacilitator.header.Authorization=Bearer \\u12zz\n");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ConfigFile.load(file, getClass().getClassLoader()));
        assertEquals("config", e.setting());
        assertTrue(e.getMessage().contains(file), e.getMessage());
        assertTrue(e.getMessage().contains("\\u"), e.getMessage());
        assertFalse(e.getMessage().contains("Bearer"), e.getMessage());
    }
}
