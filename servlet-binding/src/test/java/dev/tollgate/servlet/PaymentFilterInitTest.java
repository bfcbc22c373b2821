package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.testing.FacilitatorDouble;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter configured the web.xml way: init-params, optionally over a properties file. */
class PaymentFilterInitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private FacilitatorDouble facilitator;

    @BeforeEach
    void start() throws Exception {
        facilitator = new FacilitatorDouble();
    }

    @AfterEach
    void stop() {
        facilitator.close();
    }

    private static FilterConfig initParams(Map<String, String> params) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "tollgate";
            }

            @Override
            public ServletContext getServletContext() {
                return null;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }

    private Map<String, String> valid() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("facilitator.url", facilitator.url());
        p.put("payTo", "0x209693Bc6afc0C5328bA36FaF03C514EF312287C");
        p.put("price", "$0.01");
        p.put("routes", "premium");
        p.put("route.premium.path", "/premium/*");
        return p;
    }

    private static JsonNode firstOffer(PaidServer server) throws Exception {
        var r = server.get("/premium/report");
        assertEquals(402, r.statusCode());
        return JSON.readTree(r.body()).get("accepts").get(0);
    }

    @Test
    void initParamsAloneConfigureTheFilter() throws Exception {
        PaymentFilter filter = new PaymentFilter();
        filter.init(initParams(valid()));
        try (PaidServer server = new PaidServer(filter)) {
            assertEquals("10000", firstOffer(server).get("maxAmountRequired").asText());
            assertEquals(200, server.get("/free/page").statusCode());
        }
    }

    @Test
    void anInvalidInitParamFailsInitNamingTheParameter() {
        Map<String, String> params = valid();
        params.put("payTo", "not-an-address");

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("'payTo'"), e.getMessage());
        assertTrue(e.getMessage().contains("tollgate"), "names the filter: " + e.getMessage());
    }

    @Test
    void anInitParamCopiedFromTheJaxRsFeatureWithItsPrefixFailsInitNamingTheSpellingWithoutIt() {
        Map<String, String> params = valid();
        params.put("tollgate.bufferLimit", "4096");

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("'tollgate.bufferLimit'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'bufferLimit'"), e.getMessage());
        assertTrue(e.getMessage().contains("JAX-RS"), e.getMessage());
    }

    @Test
    void aMissingFacilitatorUrlFailsInitNamingIt() {
        Map<String, String> params = valid();
        params.remove("facilitator.url");

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("facilitator.url"), e.getMessage());
    }

    @Test
    void aConfigFileIsReadAndInitParamsOverrideIt() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("config", "classpath:tollgate-test.properties");
        params.put("facilitator.url", facilitator.url());
        params.put("description", "From web.xml");
        PaymentFilter filter = new PaymentFilter();
        filter.init(initParams(params));
        try (PaidServer server = new PaidServer(filter)) {
            JsonNode offer = firstOffer(server);
            assertEquals("50000", offer.get("maxAmountRequired").asText(), "price from the file");
            assertEquals("From web.xml", offer.get("description").asText(), "init-param wins over the file");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://:hunter2@127.0.0.1:6379/0", "rediss://tollgate:hunter2@cache.internal:6380",
            "jdbc:postgresql://db.internal/shop?user=tollgate&password=hunter2"})
    void aLedgerUrlThatNoModuleAcceptsFailsInitWithoutPrintingItsPassword(String url) {
        // Without store-redis / store-jdbc on the class path no provider accepts these URLs; the start-up error
        // ends up in the container's log and must not carry the credentials embedded in them.
        Map<String, String> params = valid();
        params.put("ledger", url);

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("'ledger'"), e.getMessage());
        assertTrue(e.getMessage().contains("store-redis"), "still says what is missing: " + e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aJsonConfigFileWithASyntaxErrorFailsInitWithoutQuotingTheValueAtFault(@TempDir Path dir) throws Exception {
        // A forgotten pair of quotes around a credential is the typical syntax error of a hand-written file.
        Path file = dir.resolve("tollgate.json");
        Files.writeString(file, "{\n  \"payTo\": \"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\n"
                + "  \"facilitator\": {\"header\": {\"X-Api-Key\": sk_live_hunter2}}\n}\n");
        Map<String, String> params = valid();
        params.put("config", file.toString());

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("'config'"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), "says where: " + e.getMessage());
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains("hunter2"), "a logged cause: " + t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://tollgate:hunter2/x+y@facilitator.example", "https://facilitator.example/?apiKey=hunter2 x",
            "ftp://tollgate:hunter2@facilitator.example", "https://tollgate:hunter2#1@facilitator.example"})
    void aMalformedFacilitatorUrlFailsInitWithoutPrintingTheCredentialsInIt(String url) {
        // A generated password or key often holds "/", "+", "#" or a space; unescaped, the URL does not parse, and
        // the start-up error the container logs must still not carry it.
        Map<String, String> params = valid();
        params.put("facilitator.url", url);

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("'facilitator.url'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '=', value = {"network.test.decimals=99",
            "facilitator.requestTimeout=999999999h"})
    void anInvalidValueThatOnlyALowerLayerNoticesStillFailsInitNamingTheParameter(String key, String value) {
        Map<String, String> params = valid();
        if (key.startsWith("network.test.")) {
            // A chain of its own: on 8453, base's, the definition is refused before its decimals are read.
            params.put("network.test.chainId", "31337");
            params.put("network.test.asset", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913");
        }
        params.put(key, value);

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://cash.example/v1/api/?token=hunter2 x", "https://tollgate:hunter2/x@cash.example/v1/api/"})
    void aMalformedCodeSequencerUrlFailsInitWithoutPrintingTheCredentialsInIt(String url) {
        Map<String, String> params = valid();
        params.put("code.destination", "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR");
        params.put("code.amount", "0.05");
        params.put("code.sequencerUrl", url);

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("'code.sequencerUrl'"), e.getMessage());
    }

    @Test
    void theConfigInitParamReadsTheEnvironmentLikeEveryOtherValue() throws Exception {
        // One web.xml for every deployment: the file is named by the environment (here a system property, which
        // ${NAME} falls back to), with a default for the others.
        Map<String, String> params = new LinkedHashMap<>();
        params.put("config", "${TOLLGATE_INIT_TEST_CONFIG:-classpath:no-such-file.properties}");
        params.put("facilitator.url", facilitator.url());
        System.setProperty("TOLLGATE_INIT_TEST_CONFIG", "classpath:tollgate-test.properties");
        PaymentFilter filter = new PaymentFilter();
        try {
            filter.init(initParams(params));
        } finally {
            System.clearProperty("TOLLGATE_INIT_TEST_CONFIG");
        }
        try (PaidServer server = new PaidServer(filter)) {
            assertEquals("50000", firstOffer(server).get("maxAmountRequired").asText(), "price from the file");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET|POST", "GET+POST", "GET&POST", "GET.POST"})
    void aMethodsListJoinedWithASymbolFailsInitInsteadOfLeavingTheRouteFree(String methods) throws Exception {
        // Each is one RFC 9110 token, so one method name, which no client sends: the route would charge for nothing.
        Map<String, String> params = valid();
        params.put("route.premium.methods", methods);

        PaymentFilter filter = new PaymentFilter();
        ServletException e = assertThrows(ServletException.class, () -> {
            filter.init(initParams(params));
            try (PaidServer server = new PaidServer(filter)) {
                assertEquals(402, server.get("/premium/report").statusCode(), "started, and GET is not charged");
            }
        });

        assertTrue(e.getMessage().contains("'route.premium.methods'"), e.getMessage());
    }

    @Test
    void anOptionInInitParamsThatNoAcceptsNamesFailsInitInsteadOfTheRouteOfferingTheTestnet() {
        // Before, accept.main.* was read by nothing: /premium/* was sold at the top-level option, on base-sepolia.
        Map<String, String> params = valid();
        params.put("accept.main.network", "base");
        params.put("accept.main.price", "$0.02");

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("'accept.main.") && e.getMessage().contains("no accepts list names"),
                e.getMessage());
    }

    @Test
    void anOptionThatARoutesAcceptsNamesIsOffered() throws Exception {
        Map<String, String> params = valid();
        params.put("accept.main.network", "base");
        params.put("route.premium.accepts", "main");
        PaymentFilter filter = new PaymentFilter();
        filter.init(initParams(params));
        try (PaidServer server = new PaidServer(filter)) {
            assertEquals("base", firstOffer(server).get("network").asText());
        }
    }

    @Test
    void anUnnamedOptionInASettingsFileIsLeftForTheJaxRsAnnotationsThatMayShareIt(@TempDir Path dir) throws Exception {
        // Regression: a file may be shared with a JAX-RS application, whose @PaymentRequired(accepts) names it.
        Path file = dir.resolve("shared.properties");
        Files.writeString(file, "accept.main.network=base\naccept.main.price=$0.02\n");
        Map<String, String> params = valid();
        params.put("config", file.toString());
        PaymentFilter filter = new PaymentFilter();
        filter.init(initParams(params));
        try (PaidServer server = new PaidServer(filter)) {
            assertEquals("base-sepolia", firstOffer(server).get("network").asText());
        }
    }

    @Test
    void aSettingsFileSharedWithAFilterOfOtherRoutesFailsInitNamingTheFileAndWhatToDo(@TempDir Path dir)
            throws Exception {
        // Deliberate (an unlisted route's path was charged nothing); the message named neither the file nor the remedy.
        Path file = dir.resolve("shared.properties");
        Files.writeString(file, "route.reports.path=/reports/*\nroute.reports.price=$0.10\n");
        Map<String, String> params = valid();
        params.put("config", file.toString());

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("'route.reports.") && e.getMessage().contains("set in the config file "
                + file) && e.getMessage().contains("shared by filters that list different routes"), e.getMessage());
    }

    @Test
    void aSettingOfTheFileThatAnInitParamOverridesIsNotSaidToBeSetInTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tollgate.properties");
        Files.writeString(file, "payTo=0x209693Bc6afc0C5328bA36FaF03C514EF312287C\n");
        Map<String, String> params = valid();
        params.put("config", file.toString());
        params.put("payTo", "0x1234");

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("'payTo'") && !e.getMessage().contains("config file"), e.getMessage());
    }

    @Test
    void aConfigFileThatDoesNotExistFailsInitNamingIt() {
        Map<String, String> params = valid();
        params.put("config", "classpath:no-such-file.properties");

        ServletException e = assertThrows(ServletException.class, () -> new PaymentFilter().init(initParams(params)));

        assertTrue(e.getMessage().contains("no-such-file.properties"), e.getMessage());
    }
}
