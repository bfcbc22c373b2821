package dev.tollgate.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.code.BoundedCodeIntentStore;
import dev.tollgate.core.code.CodeCurrency;
import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.code.CreatedIntent;
import dev.tollgate.core.code.InMemoryCodeIntentStore;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.SettlementMode;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.route.Route;
import dev.tollgate.core.verify.FacilitatorSettings;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.HeaderCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TollgateConfigTest {
    private static final String PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    private static final String SEPOLIA_USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
    private static final String BASE_USDC = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";

    private static Map<String, String> minimal() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("facilitator.url", "https://facilitator.example/x402");
        m.put("payTo", PAY_TO);
        m.put("price", "$0.01");
        return m;
    }

    private static Map<String, String> minimalWith(String... keyValues) {
        Map<String, String> m = minimal();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                m.remove(keyValues[i]);
            } else {
                m.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return m;
    }

    /** Builds with an empty environment, so the machine running the tests cannot change the outcome. */
    private static TollgateConfig build(Map<String, String> settings) {
        return TollgateConfig.builder().environment(name -> null).settings(settings).build();
    }

    private static String failingSetting(Map<String, String> settings) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> build(settings));
        assertTrue(e.getMessage().contains("'" + e.setting() + "'"), e.getMessage());
        return e.setting();
    }

    private static PaymentOption onlyOption(TollgateConfig config) {
        List<Route> routes = config.routes().routes();
        assertEquals(1, routes.size());
        assertEquals(1, routes.get(0).terms().options().size());
        return routes.get(0).terms().options().get(0);
    }

    @Test
    void aFacilitatorUrlAPayToAndAPriceAreAWholeConfiguration() {
        TollgateConfig config = TollgateConfig.fromSettings(minimal());
        PaymentOption o = onlyOption(config);
        assertEquals("exact", o.scheme());
        assertEquals("base-sepolia", o.network().v1Name());
        assertEquals(BigInteger.valueOf(10_000), o.amount());
        assertEquals(SEPOLIA_USDC, o.asset());
        assertEquals(PAY_TO, o.payTo());
        assertEquals(60, o.maxTimeoutSeconds());
        assertEquals("USDC", o.eip712Name());
        assertEquals("2", o.eip712Version());
        assertEquals(URI.create("https://facilitator.example/x402"), config.facilitator().baseUrl());
    }

    @Test
    void theMinimalConfigurationHasSafeDefaults() {
        TollgateConfig config = build(minimal());
        PaymentTerms terms = config.routes().routes().get(0).terms();
        assertEquals(SettlementMode.AFTER, terms.settlement());
        assertEquals(HeaderCodec.DEFAULT_MAX_HEADER_BYTES, config.maxHeaderBytes());
        assertEquals(TollgateConfig.DEFAULT_MAX_CLAIM, config.maxClaim());
        assertEquals(FacilitatorSettings.DEFAULT_CONNECT_TIMEOUT, config.facilitator().connectTimeout());
        assertEquals(FacilitatorSettings.DEFAULT_REQUEST_TIMEOUT, config.facilitator().requestTimeout());
        assertEquals(FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES, config.facilitator().maxResponseBytes());
    }

    @Test
    void withoutARouteListTheFilterProtectsEverythingItIsMappedTo() {
        TollgateConfig config = build(minimal());
        assertTrue(config.routes().match("GET", "/").isPresent());
        assertTrue(config.routes().match("POST", "/any/path").isPresent());
    }

    @Test
    void aTopLevelPathNarrowsTheDefaultRoute() {
        TollgateConfig config = build(minimalWith("path", "/premium/*"));
        assertTrue(config.routes().match("GET", "/premium/x").isPresent());
        assertTrue(config.routes().match("GET", "/free").isEmpty());
    }

    @Test
    void anAmountInAtomicUnitsMayReplaceThePrice() {
        assertEquals(BigInteger.valueOf(12_345), onlyOption(build(minimalWith("price", null, "amount", "12345"))).amount());
    }

    @Test
    void anAmountNoUint256CanHoldIsNamedAtStartUp() {
        // 78 digits pass the digits-only check, but from 2^256 on no authorization can carry the amount.
        String tooLarge = BigInteger.ONE.shiftLeft(256).toString();
        assertEquals("amount", failingSetting(minimalWith("price", null, "amount", tooLarge)));
        String largest = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE).toString();
        assertEquals(new BigInteger(largest), onlyOption(build(minimalWith("price", null, "amount", largest))).amount());
    }

    @Test
    void theNetworkDecidesTheAssetAndItsEip712Domain() {
        PaymentOption o = onlyOption(build(minimalWith("network", "base")));
        assertEquals("eip155:8453", o.network().caip2());
        assertEquals(BASE_USDC, o.asset());
        assertEquals("USD Coin", o.eip712Name());
    }

    @Test
    void aNetworkMayBeNamedByItsCaip2Id() {
        assertEquals("base", onlyOption(build(minimalWith("network", "eip155:8453"))).network().v1Name());
    }

    @Test
    void assetTimeoutAndEip712DomainMayBeOverridden() {
        PaymentOption o = onlyOption(build(minimalWith("asset", "0x1111111111111111111111111111111111111111",
                "price", null, "amount", "10000",
                "maxTimeoutSeconds", "120", "eip712.name", "Token", "eip712.version", "1")));
        assertEquals("0x1111111111111111111111111111111111111111", o.asset());
        assertEquals(120, o.maxTimeoutSeconds());
        assertEquals("Token", o.eip712Name());
        assertEquals("1", o.eip712Version());
    }

    @Test
    void anotherTokensPriceMustBeGivenInItsAtomicUnitsNotInDollars() {
        // Dollars are converted with USDC's 6 decimals: "$1" for an 18-decimal token would ask 10^-12 of one.
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> build(minimalWith(
                "route.other.path", "/other/*", "routes", "other",
                "route.other.asset", "0x1111111111111111111111111111111111111111")));
        assertEquals("price", e.setting(), "the dollar price the route inherits is named");
        assertTrue(e.problem().contains("route.other.amount"), e.problem());
        PaymentOption own = onlyOption(build(minimalWith("asset", "0x1111111111111111111111111111111111111111",
                "price", null, "amount", "1000000000000000000", "eip712.name", "Token", "eip712.version", "1")));
        assertEquals(new java.math.BigInteger("1000000000000000000"), own.amount());
        PaymentOption usdcNamed = onlyOption(build(minimalWith("asset",
                "0x036CBD53842C5426634E7929541EC2318F3DCF7E")));
        assertEquals("0x036CBD53842C5426634E7929541EC2318F3DCF7E", usdcNamed.asset(),
                "the network's USDC, named in another case, still takes a dollar price");
    }

    @Test
    void anotherTokenWithoutItsOwnEip712DomainIsNamedAtStartUp() {
        // Payers would sign for USDC's domain under another token's address: no signature could ever settle.
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> build(minimalWith(
                "route.other.path", "/other/*", "routes", "other", "route.other.amount", "1000",
                "route.other.asset", "0x1111111111111111111111111111111111111111", "route.other.eip712.version", "1")));
        assertEquals("route.other.asset", e.setting());
        assertTrue(e.problem().contains("route.other.eip712.name"), e.problem());
        assertEquals("Token", onlyOption(build(minimalWith("asset", "0x1111111111111111111111111111111111111111",
                "price", null, "amount", "1000", "eip712.name", "Token", "eip712.version", "1"))).eip712Name());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"eip155:8453", "31337", "eip155", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"})
    void aNetworksCaip2IdMustBeThatOfItsChainId(String caip2) {
        assertEquals("network.anvil.caip2", failingSetting(minimalWith("network", "anvil", "network.anvil.chainId", "31337",
                "network.anvil.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "network.anvil.caip2", caip2)));
    }

    @Test
    void settlementBeforeIsReadWithoutRegardToCase() {
        TollgateConfig config = build(minimalWith("settlement", "Before"));
        assertEquals(SettlementMode.BEFORE, config.routes().routes().get(0).terms().settlement());
    }

    @Test
    void descriptionAndMimeTypeReachTheTerms() {
        PaymentTerms t = build(minimalWith("description", "Market data", "mimeType", "application/json"))
                .routes().routes().get(0).terms();
        assertEquals("Market data", t.description());
        assertEquals("application/json", t.mimeType());
    }

    // --- each invalid setting is named --------------------------------------------------------------

    @Test
    void aMissingPayToIsNamed() {
        assertEquals("payTo", failingSetting(minimalWith("payTo", null)));
    }

    @ParameterizedTest(name = "payTo \"{0}\"")
    @ValueSource(strings = {"0x123", "209693Bc6afc0C5328bA36FaF03C514EF312287C", "0x209693Bc6afc0C5328bA36FaF03C514EF312287G",
            "0x209693Bc6afc0C5328bA36FaF03C514EF312287C00", "vitalik.eth"})
    void aPayToThatIsNotAnEvmAddressIsNamed(String payTo) {
        assertEquals("payTo", failingSetting(minimalWith("payTo", payTo)));
    }

    @Test
    void anUnknownNetworkIsNamed() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("network", "ethereum")));
        assertEquals("network", e.setting());
        assertTrue(e.getMessage().contains("base-sepolia"), "the message lists the known networks: " + e.getMessage());
    }

    @ParameterizedTest(name = "price \"{0}\"")
    @ValueSource(strings = {"abc", "$0", "-1", "1e3", "$"})
    void aBadPriceIsNamed(String price) {
        assertEquals("price", failingSetting(minimalWith("price", price)));
    }

    @Test
    void aPriceFinerThanTheAssetsDecimalsIsNamed() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("price", "$0.0000001")));
        assertEquals("price", e.setting());
        assertTrue(e.getMessage().contains("finer than"), e.getMessage());
    }

    @Test
    void aBadAmountIsNamed() {
        assertEquals("amount", failingSetting(minimalWith("price", null, "amount", "1.5")));
    }

    @Test
    void aMissingPriceIsNamed() {
        assertEquals("price", failingSetting(minimalWith("price", null)));
    }

    @Test
    void aPriceAndAnAmountAtTheSameLevelContradictEachOther() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("amount", "10000")));
        assertEquals("amount", e.setting());
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }

    @Test
    void aPriceAndAnAmountInOneRouteContradictEachOther() {
        assertEquals("route.r.amount", failingSetting(minimalWith("routes", "r", "route.r.path", "/r",
                "route.r.price", "$0.02", "route.r.amount", "20000")));
    }

    @Test
    void aRoutesAmountOverridesATopLevelPriceWithoutContradiction() {
        TollgateConfig config = build(minimalWith("routes", "r", "route.r.path", "/r", "route.r.amount", "777"));
        assertEquals(BigInteger.valueOf(777), onlyOption(config).amount());
    }

    @Test
    void aMissingFacilitatorUrlIsNamed() {
        assertEquals("facilitator.url", failingSetting(minimalWith("facilitator.url", null)));
    }

    @ParameterizedTest(name = "facilitator.url \"{0}\"")
    @ValueSource(strings = {"ftp://facilitator.example", "facilitator.example", "http://", "http://exa mple.com",
            "file:///etc/passwd"})
    void aFacilitatorUrlThatIsNotAnHttpUrlWithAHostIsNamed(String url) {
        assertEquals("facilitator.url", failingSetting(minimalWith("facilitator.url", url)));
    }

    @ParameterizedTest(name = "facilitator.url \"{0}\"")
    @ValueSource(strings = {"https://user:s3cret@facilitator.example/x402", "https://facilitator.example/x402?apiKey=s3cret",
            "https://facilitator.example/x402#s3cret", "https://facilitator.example/?"})
    void aFacilitatorUrlWithUserInfoAQueryOrAFragmentFailsStartUpWithoutQuotingIt(String url) {
        // Endpoints are the URL with /verify, /settle or /supported appended: after a query or fragment they went to
        // the base path, and a user name and password were dropped without a word.
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("facilitator.url", url)));
        assertEquals("facilitator.url", e.setting());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void aVerifierAndSettlerInCodeMakeTheFacilitatorUrlOptional() {
        TollgateConfig config = TollgateConfig.builder().environment(n -> null).settings(minimalWith("facilitator.url", null))
                .verifier(a -> new VerifyOutcome.Invalid("no", null))
                .settler(a -> new SettleOutcome.Malfunction("no"))
                .build();
        assertNull(config.facilitator());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"soon", "1d", "-1s", "0", "0s", "1.5s", "ms"})
    void aBadRequestTimeoutIsNamed(String value) {
        assertEquals("facilitator.requestTimeout", failingSetting(minimalWith("facilitator.requestTimeout", value)));
    }

    @Test
    void aBadConnectTimeoutIsNamed() {
        assertEquals("facilitator.connectTimeout", failingSetting(minimalWith("facilitator.connectTimeout", "2 weeks")));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"0", "-1", "10001", "2147483647", "many"})
    void aMaxConcurrentCallsOutsideOneToTenThousandIsNamed(String value) {
        assertEquals("facilitator.maxConcurrentCalls", failingSetting(minimalWith("facilitator.maxConcurrentCalls", value)));
    }

    @Test
    void tenThousandConcurrentFacilitatorCallsAreAllowed() {
        assertEquals(10_000, build(minimalWith("facilitator.maxConcurrentCalls", "10000")).facilitatorPolicy().maxConcurrentCalls());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"com.example.NoSuchAuthorization", "java.lang.String",
            "dev.tollgate.core.config.TollgateConfigTest$SecretReadingAuthorization"})
    void aFacilitatorAuthorizationThatCannotBeMadeIsNamedWithoutQuotingWhatItThrew(String className) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("facilitator.authorization", className)));
        assertEquals("facilitator.authorization", e.setting());
        assertTrue(e.getMessage().contains(className), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void aListenerClassNamedInTheSettingsIsMadeSoThatWebXmlCanTurnOnPaymentLogs() {
        TollgateConfig named = build(minimalWith("listener", "dev.tollgate.core.event.LoggingPaymentListener"));
        assertInstanceOf(dev.tollgate.core.event.LoggingPaymentListener.class, named.listener());
        dev.tollgate.core.event.PaymentListener inCode = new dev.tollgate.core.event.PaymentListener() {
        };
        assertSame(inCode, TollgateConfig.builder().environment(n -> null).settings(minimalWith("listener",
                "com.example.NotLoadedWhenOneIsGivenInCode")).listener(inCode).build().listener());
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("listener", "java.lang.String")));
        assertEquals("listener", e.setting());
    }

    /** Fails as one that reads a key file might: its message quotes the key. */
    public static final class SecretReadingAuthorization implements dev.tollgate.core.verify.FacilitatorAuthorization {
        public SecretReadingAuthorization() {
            throw new IllegalStateException("not a PEM key: s3cret");
        }

        @Override
        public Map<String, String> headers(String method, java.net.URI uri) {
            return Map.of();
        }
    }

    @Test
    void aFacilitatorHeaderThatCannotBeSentIsNamedWithoutQuotingItsValue() {
        ConfigurationException name = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("facilitator.header.X Api Key", "s3cret")));
        assertEquals("facilitator.header.X Api Key", name.setting());
        ConfigurationException value = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("facilitator.header.Authorization", "Bearer s3cret\r\nX-Injected: yes")));
        assertEquals("facilitator.header.Authorization", value.setting());
        assertFalse(value.getMessage().contains("s3cret"), value.getMessage());
    }

    @Test
    void aBadMaxClaimIsNamed() {
        assertEquals("maxClaim", failingSetting(minimalWith("maxClaim", "forever")));
    }

    @Test
    void anOfferValidForLongerThanMaxClaimFailsStartUpNamingTheSettingToChange() {
        // The gate refuses proofs valid for longer than maxClaim, so such an offer could never be paid.
        assertEquals("maxTimeoutSeconds", failingSetting(minimalWith("maxClaim", "1m", "maxTimeoutSeconds", "61")));
        assertEquals("maxClaim", failingSetting(minimalWith("maxClaim", "59s")));
        assertEquals(60, onlyOption(build(minimalWith("maxClaim", "1m"))).maxTimeoutSeconds(), "the bound itself fits");
    }

    @Test
    void durationsAreReadInTheirUnitsAndABareNumberIsMilliseconds() {
        TollgateConfig config = build(minimalWith("facilitator.requestTimeout", "300", "facilitator.connectTimeout",
                "2s", "maxClaim", "10m"));
        assertEquals(Duration.ofMillis(300), config.facilitator().requestTimeout());
        assertEquals(Duration.ofSeconds(2), config.facilitator().connectTimeout());
        assertEquals(Duration.ofMinutes(10), config.maxClaim());
        assertEquals(Duration.ofHours(1), build(minimalWith("maxClaim", "1h")).maxClaim());
    }

    @Test
    void aRouteWithAMalformedPathIsNamed() {
        assertEquals("route.reports.path", failingSetting(minimalWith("routes", "reports",
                "route.reports.path", "reports/*")));
    }

    @Test
    void aRouteWithAStarInTheMiddleOfItsPathIsNamed() {
        assertEquals("route.reports.path", failingSetting(minimalWith("routes", "reports",
                "route.reports.path", "/reports/*/pdf")));
    }

    @Test
    void aRouteWithoutAPathIsNamed() {
        assertEquals("route.reports.path", failingSetting(minimalWith("routes", "reports")));
    }

    @Test
    void aRouteAcceptingAnOptionThatDoesNotExistIsNamed() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> build(minimalWith(
                "routes", "reports", "route.reports.path", "/reports/*", "route.reports.accepts", "gold")));
        assertEquals("route.reports.accepts", e.setting());
        assertTrue(e.getMessage().contains("gold"), e.getMessage());
    }

    @Test
    void aTopLevelAcceptsNamingAMissingOptionIsNamedAsTheTopLevelSetting() {
        assertEquals("accepts", failingSetting(minimalWith("accepts", "gold")));
    }

    @Test
    void aRouteInheritingABadTopLevelAcceptsNamesTheTopLevelSetting() {
        assertEquals("accepts", failingSetting(minimalWith("accepts", "gold",
                "routes", "reports", "route.reports.path", "/reports/*")));
    }

    @Test
    void anUnknownSchemeIsNamed() {
        assertEquals("scheme", failingSetting(minimalWith("scheme", "upto")));
    }

    @Test
    void theSchemeIsReadWithoutRegardToCaseAsEveryOtherWordASettingTakes() {
        // settlement=BEFORE, verify=LOCAL, facilitator.dialect=PROOF-API were taken; scheme=EXACT stopped start-up.
        assertEquals("exact", onlyOption(build(minimalWith("scheme", "EXACT"))).scheme());
    }

    @Test
    void anUnknownSettlementModeIsNamed() {
        assertEquals("settlement", failingSetting(minimalWith("settlement", "whenever")));
    }

    @ParameterizedTest(name = "maxTimeoutSeconds \"{0}\"")
    @ValueSource(strings = {"0", "-5", "sixty", "1.5"})
    void aBadMaxTimeoutSecondsIsNamed(String value) {
        assertEquals("maxTimeoutSeconds", failingSetting(minimalWith("maxTimeoutSeconds", value)));
    }

    @Test
    void anAddressInMixedCaseThatIsNoValidChecksumIsNamedAtStartUp() {
        // Mixed case claims EIP-55; one letter's case changed breaks it. Clients refuse such an address, and the
        // in-process verifier failed on it for every proof, as a 500.
        assertEquals("payTo", failingSetting(minimalWith("payTo", "0x209693bc6afc0C5328bA36FaF03C514EF312287C")));
        assertEquals("asset", failingSetting(minimalWith("asset", "0x036cbD53842c5426634e7929541eC2318f3dCF7e")));
        assertEquals(PAY_TO.toLowerCase(java.util.Locale.ROOT),
                onlyOption(build(minimalWith("payTo", PAY_TO.toLowerCase(java.util.Locale.ROOT)))).payTo());
    }

    @Test
    void aBadAssetIsNamed() {
        assertEquals("asset", failingSetting(minimalWith("asset", "USDC")));
    }

    @Test
    void aHeaderLimitBelow1KiBIsNamed() {
        assertEquals("maxHeaderBytes", failingSetting(minimalWith("maxHeaderBytes", "512")));
    }

    @Test
    void anIncompleteNetworkDefinitionIsNamed() {
        assertEquals("network.anvil.asset", failingSetting(minimalWith("network.anvil.chainId", "31337")));
    }

    @Test
    void aBadNetworkAssetIsNamedAsTheNetworksOwnSetting() {
        // Not "asset", which was never set: the option took the network's asset as its default.
        assertEquals("network.anvil.asset", failingSetting(minimalWith("network", "anvil",
                "network.anvil.chainId", "31337", "network.anvil.asset", "USDC")));
        // Refused even while no option uses the network (here a mixed-case address with a wrong EIP-55 checksum).
        assertEquals("network.anvil.asset", failingSetting(minimalWith("network.anvil.chainId", "31337",
                "network.anvil.asset", "0x5fbDB2315678afecb367f032d93F642f64180aa3")));
    }

    @Test
    void aChainIdBeyondAnIntDefinesANetwork() {
        TollgateConfig config = build(minimalWith("network", "palm", "network.palm.chainId", "11297108109",
                "network.palm.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3"));
        assertEquals(11297108109L, onlyOption(config).network().chainId());
        assertEquals("eip155:11297108109", onlyOption(config).network().caip2());
        assertEquals("network.palm.chainId", failingSetting(minimalWith("network.palm.chainId", "0",
                "network.palm.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3")));
    }

    @Test
    void aNetworkDefinedOnTheChainIdOfAnotherIsRefusedNamingBoth() {
        // It replaced base without a word, and a route that still named base failed as an unknown network.
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> build(minimalWith("network", "base",
                "network.mainnet.chainId", "8453", "network.mainnet.asset", BASE_USDC)));
        assertEquals("network.mainnet.chainId", e.setting());
        assertTrue(e.getMessage().contains("network 'base'") && e.getMessage().contains("network.base.*"),
                e.getMessage());
    }

    @Test
    void twoDefinedNetworksOnOneChainAreRefused() {
        Map<String, String> settings = minimalWith("network.one.chainId", "31337",
                "network.one.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "network.two.chainId", "31337",
                "network.two.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        assertEquals("network.two.chainId", failingSetting(settings));
    }

    @Test
    void aNetworkRedefinedByItsOwnNameKeepsItsChainAndAnotherMayTakeTheChainItLeft() {
        // Regression: replacing by name is what network.<name>.* is for, in any case of the name.
        TollgateConfig config = build(minimalWith("network", "base", "network.Base.chainId", "8453",
                "network.Base.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "network.Base.eip712.name", "Mine"));
        assertEquals("0x5FbDB2315678afecb367f032d93F642f64180aa3", onlyOption(config).asset());
        // base moved to another chain frees 8453 for a network of another name, whatever the order of the two.
        TollgateConfig moved = build(minimalWith("network", "main", "network.main.chainId", "8453",
                "network.main.asset", BASE_USDC, "network.base.chainId", "31337",
                "network.base.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3"));
        assertEquals(8453L, onlyOption(moved).network().chainId());
    }

    @Test
    void aStablecoinWithoutFractionsIsPricedInWholeDollars() {
        Map<String, String> whole = minimalWith("network", "anvil", "network.anvil.chainId", "31337",
                "network.anvil.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "network.anvil.decimals", "0",
                "network.anvil.eip712.name", "Whole Dollar");
        whole.put("price", "$2");
        assertEquals(BigInteger.TWO, onlyOption(build(whole)).amount());
        whole.put("price", "$0.50");
        assertEquals("price", failingSetting(whole));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "37", "six", "1.5"})
    void decimalsOutsideZeroTo36AreNamed(String decimals) {
        assertEquals("network.anvil.decimals", failingSetting(minimalWith("network.anvil.chainId", "31337",
                "network.anvil.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "network.anvil.decimals",
                decimals)));
    }

    // --- environment references ------------------------------------------------------------------------

    @Test
    void aReferenceIsReplacedByTheVariablesValue() {
        Map<String, String> env = Map.of("TOLLGATE_PAY_TO", PAY_TO, "FACILITATOR", "https://f.example");
        TollgateConfig config = TollgateConfig.builder().environment(env::get)
                .settings(minimalWith("payTo", "${TOLLGATE_PAY_TO}", "facilitator.url", "${FACILITATOR}/x402"))
                .build();
        assertEquals(PAY_TO, onlyOption(config).payTo());
        assertEquals(URI.create("https://f.example/x402"), config.facilitator().baseUrl());
    }

    @Test
    void anUnsetVariableTakesItsDefaultEvenWhenTheDefaultContainsADollarSign() {
        TollgateConfig config = TollgateConfig.builder().environment(name -> null)
                .settings(minimalWith("price", "${TOLLGATE_PRICE:-$0.02}")).build();
        assertEquals(BigInteger.valueOf(20_000), onlyOption(config).amount());
    }

    @Test
    void aSetVariableWinsOverItsDefault() {
        TollgateConfig config = TollgateConfig.builder().environment(Map.of("TOLLGATE_PRICE", "$0.03")::get)
                .settings(minimalWith("price", "${TOLLGATE_PRICE:-$0.02}")).build();
        assertEquals(BigInteger.valueOf(30_000), onlyOption(config).amount());
    }

    @Test
    void anUnsetVariableWithoutDefaultFailsStartUpNamingTheSettingAndTheVariable() {
        Map<String, String> settings = minimalWith("payTo", "${TOLLGATE_PAY_TO}");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> TollgateConfig.builder().environment(name -> null).settings(settings).build());
        assertEquals("payTo", e.setting());
        assertTrue(e.problem().contains("${TOLLGATE_PAY_TO}"), e.problem());
        // An optional setting too: left empty, network would quietly be base-sepolia, the testnet.
        ConfigurationException optional = assertThrows(ConfigurationException.class, () -> TollgateConfig.builder()
                .environment(name -> null).settings(minimalWith("network", "${NET}")).build());
        assertEquals("network", optional.setting());
        // Empty on purpose is said so: ${NAME:-}.
        assertEquals("", TollgateConfig.builder().environment(name -> null)
                .settings(minimalWith("description", "${DESCRIPTION:-}")).build()
                .routes().routes().get(0).terms().description());
    }

    @Test
    void anInvalidValueReadFromAVariableNamesTheVariableBesideTheSetting() {
        // The deployer set TOLLGATE_NETWORK; the message named only the init-param network that reads it.
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> TollgateConfig.builder()
                .environment(Map.of("TOLLGATE_NETWORK", "base-mainnet")::get)
                .settings(minimalWith("network", "${TOLLGATE_NETWORK:-base-sepolia}")).build());
        assertEquals("network", e.setting());
        assertTrue(e.getMessage().contains("base-mainnet") && e.getMessage().contains("came from ${TOLLGATE_NETWORK}"),
                e.getMessage());
        // An unset variable's default is what was read: said so, without quoting the default (it may be a secret).
        ConfigurationException fallback = assertThrows(ConfigurationException.class, () -> TollgateConfig.builder()
                .environment(name -> null).settings(minimalWith("facilitator.header.Authorization",
                        "${FACILITATOR_KEY:-Bearer s3cret\nx}")).build());
        assertTrue(fallback.getMessage().contains("${FACILITATOR_KEY:-...}, FACILITATOR_KEY being unset")
                && !fallback.getMessage().contains("s3cret"), fallback.getMessage());
        // A value written in the setting itself is named as before, with nothing added.
        ConfigurationException written = assertThrows(ConfigurationException.class,
                () -> build(minimalWith("network", "base-mainnet")));
        assertFalse(written.getMessage().contains("came from"), written.getMessage());
    }

    @Test
    void anEmptyPriceOrPayToTakesTheNextLevelsAndIsNeverAFreeRouteNorAnotherPayee() {
        // Regression: an empty value is "not set" (README), at every level an option is read from.
        String other = "0x1111111111111111111111111111111111111111";
        Map<String, String> settings = minimalWith("routes", "a", "route.a.path", "/a/*", "route.a.price", "",
                "route.a.payTo", "${A_PAY_TO:-}", "route.a.accepts", "main", "accept.main.network", "base",
                "accept.main.payTo", " ", "accept.main.amount", "", "payTo", other);
        PaymentOption option = build(settings).routes().routes().get(0).terms().options().get(0);
        assertEquals(BigInteger.valueOf(10_000), option.amount());
        assertEquals(other, option.payTo());
        settings.put("price", "");
        assertEquals("accept.main.price", failingSetting(settings));
        settings.put("price", "$0.01");
        settings.put("payTo", "${PAY_TO:-}");
        assertEquals("accept.main.payTo", failingSetting(settings));
    }

    @Test
    void aVariablesValueIsNotExpandedAgain() {
        Map<String, String> env = new HashMap<>();
        env.put("A", "${B}");
        env.put("B", "$0.05");
        TollgateConfig.Builder b = TollgateConfig.builder().environment(env::get)
                .settings(minimalWith("description", "${A}"));
        assertEquals("${B}", b.build().routes().routes().get(0).terms().description());
    }

    // --- routes and options ------------------------------------------------------------------------------

    @Test
    void namedRoutesKeepTheOrderOfTheRouteListAndTheFirstMatchWins() {
        TollgateConfig config = build(minimalWith("routes", "gold, premium",
                "route.premium.path", "/premium/*", "route.premium.price", "$0.01",
                "route.gold.path", "/premium/gold", "route.gold.price", "$1"));
        assertEquals(List.of("gold", "premium"), config.routes().routes().stream().map(Route::name).toList());
        assertEquals(BigInteger.valueOf(1_000_000),
                config.routes().match("GET", "/premium/gold").orElseThrow().options().get(0).amount());
        assertEquals(BigInteger.valueOf(10_000),
                config.routes().match("GET", "/premium/silver").orElseThrow().options().get(0).amount());
    }

    @Test
    void aRouteListedTwiceFailsStartUpNamingTheRouteList() {
        assertEquals("routes", failingSetting(minimalWith("routes", "premium, premium",
                "route.premium.path", "/premium/*")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "the same pattern: /premium/* then /premium/*",
            "the same pattern in another case and with a trailing slash: /premium/* then /PREMIUM/*/",
            "an exact path below a prefix: /premium/* then /premium/gold",
            "a deeper prefix below a prefix: /premium/* then /premium/gold/*",
            "the same variable under another name: /items/{id} then /items/{sku}",
            "a literal under a variable: /items/{id} then /items/special",
            "a route for every method then one for POST: /premium/* then POST /premium/*",
            "a GET route then a HEAD one, which it charges too: GET /premium/* then HEAD /premium/*",
            "GET and POST then POST alone: GET,POST /premium/* then POST /premium/*"})
    void aRouteAnEarlierRouteTakesEveryRequestOfFailsStartUpInsteadOfNeverCharging(String example) {
        // First match wins: before, the later route's terms (here $1) were silently never charged.
        Map<String, String> settings = twoRoutes(example);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> build(settings));
        assertEquals("route.second.path", e.setting());
        assertTrue(e.getMessage().contains("'first'"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "an exact path, then the prefix above it: /premium/gold then /premium/*",
            "a literal, then a variable beside it: /items/special then /items/{id}",
            "a prefix, then its own bare path's sibling: /premium/* then /premiums",
            "one method, then another: GET /premium/* then POST /premium/*",
            "one method, then every method: GET /premium/* then /premium/*",
            "HEAD, then GET: HEAD /premium/* then GET /premium/*"})
    void aRouteThatStillGetsSomeRequestsIsAllowedAfterAnother(String example) {
        Map<String, String> settings = twoRoutes(example);
        assertEquals(2, build(settings).routes().routes().size());
    }

    /** Settings with the routes "first" and "second" of an example ending in ": [METHODS] PATH then [METHODS] PATH". */
    private static Map<String, String> twoRoutes(String example) {
        String[] routes = example.substring(example.lastIndexOf(':') + 1).strip().split(" then ");
        Map<String, String> settings = minimalWith("routes", "first,second", "route.second.price", "$1");
        for (int i = 0; i < 2; i++) {
            String name = i == 0 ? "first" : "second";
            String[] parts = routes[i].split(" ");
            settings.put("route." + name + ".path", parts[parts.length - 1]);
            if (parts.length == 2) {
                settings.put("route." + name + ".methods", parts[0]);
            }
        }
        return settings;
    }

    @Test
    void aRouteWhoseNameTheRouteListLeavesOutFailsStartUpInsteadOfLeavingItsPathFree() {
        // Before, /reports/* was charged nothing (and, without a route list, at the top-level price).
        assertEquals("route.reports.path", failingSetting(minimalWith("routes", "premium",
                "route.premium.path", "/premium/*", "route.reports.path", "/reports/*", "route.reports.price", "$1")));
        assertEquals("route.reports.path", failingSetting(minimalWith("path", "/premium/*",
                "route.reports.path", "/reports/*")));
    }

    @Test
    void aTopLevelPathBesideARouteListFailsStartUpInsteadOfBeingIgnored() {
        // Only a filter without routes reads path: beside routes=premium, path=/reports/* charged nothing there.
        assertEquals("path", failingSetting(minimalWith("path", "/reports/*", "routes", "premium",
                "route.premium.path", "/premium/*")));
    }

    @Test
    void routeSettingsAreLeftToTheAnnotationsWhenTheConfigurationHasNoRouteTable() {
        // A file shared by the servlet filter and the JAX-RS feature holds the filter's routes; the feature reads none.
        TollgateConfig config = TollgateConfig.builder().environment(n -> null).withoutRoutes()
                .settings(minimalWith("route.reports.path", "/reports/*")).build();
        assertTrue(config.routes().routes().isEmpty());
    }

    @Test
    void anOptionNamedTwiceInAcceptsFailsStartUp() {
        assertEquals("accepts", failingSetting(minimalWith("accepts", "base,base", "accept.base.network", "base")));
        assertEquals("route.r.accepts", failingSetting(minimalWith("routes", "r", "route.r.path", "/r",
                "route.r.accepts", "base, base", "accept.base.network", "base")));
    }

    @Test
    void aRoutesMethodsRestrictIt() {
        TollgateConfig config = build(minimalWith("routes", "writes", "route.writes.path", "/api/*",
                "route.writes.methods", "post, PUT"));
        assertTrue(config.routes().match("POST", "/api/x").isPresent());
        assertTrue(config.routes().match("put", "/api/x").isPresent());
        assertTrue(config.routes().match("GET", "/api/x").isEmpty());
    }

    @Test
    void aRouteWhoseMethodsAreAStarAppliesToEveryMethodAsInTheBuilder() {
        // Before, "*" was taken for a method named "*": no request has it, so the route charged nothing.
        TollgateConfig config = build(minimalWith("routes", "all", "route.all.path", "/premium/*",
                "route.all.methods", "*"));
        assertTrue(config.routes().match("GET", "/premium/x").isPresent());
        assertTrue(config.routes().match("POST", "/premium/x").isPresent());
        assertTrue(config.routes().match("PROPFIND", "/premium/x").isPresent());
    }

    @Test
    void aRouteMethodThatNoRequestCanHaveFailsAtStartUpInsteadOfLeavingTheRouteFree() {
        for (String methods : List.of("GET POST", "GET;POST", "GET,*", "GET/POST", "\"GET\"")) {
            assertEquals("route.r.methods", failingSetting(minimalWith("routes", "r", "route.r.path", "/premium/*",
                    "route.r.methods", methods)), methods);
        }
    }

    @Test
    void aPathPatternWrittenPercentEncodedFailsAtStartUpNamingTheSetting() {
        assertEquals("route.docs.path", failingSetting(minimalWith("routes", "docs", "route.docs.path", "/my%20docs/*")));
        assertEquals("path", failingSetting(minimalWith("path", "/my%20docs/*")));
    }

    @Test
    void aRouteInheritsTopLevelSettingsItDoesNotOverride() {
        TollgateConfig config = build(minimalWith("network", "base", "description", "All of it",
                "routes", "r", "route.r.path", "/r", "route.r.description", "Just r"));
        PaymentTerms t = config.routes().routes().get(0).terms();
        assertEquals("base", t.options().get(0).network().v1Name());
        assertEquals("Just r", t.description());
    }

    @Test
    void aRouteMayAcceptSeveralOptionsEachOnItsOwnNetwork() {
        TollgateConfig config = build(minimalWith("routes", "r", "route.r.path", "/r",
                "route.r.accepts", "a,b", "accept.a.network", "base-sepolia", "accept.b.network", "base",
                "accept.b.price", "$0.02"));
        List<PaymentOption> options = config.routes().routes().get(0).terms().options();
        assertEquals(2, options.size());
        assertEquals("base-sepolia", options.get(0).network().v1Name());
        assertEquals(SEPOLIA_USDC, options.get(0).asset());
        assertEquals("USDC", options.get(0).eip712Name());
        assertEquals(BigInteger.valueOf(10_000), options.get(0).amount());
        assertEquals("base", options.get(1).network().v1Name());
        assertEquals(BASE_USDC, options.get(1).asset());
        assertEquals("USD Coin", options.get(1).eip712Name());
        assertEquals(BigInteger.valueOf(20_000), options.get(1).amount());
        assertEquals(PAY_TO, options.get(1).payTo());
    }

    @Test
    void topLevelAcceptsApplyToTheDefaultRoute() {
        TollgateConfig config = build(minimalWith("accepts", "a,b", "accept.a.network", "base-sepolia",
                "accept.b.network", "base"));
        assertEquals(List.of("base-sepolia", "base"), config.routes().routes().get(0).terms().options().stream()
                .map(o -> o.network().v1Name()).toList());
    }

    @Test
    void anOptionsInvalidSettingIsNamedWithItsOptionPrefix() {
        assertEquals("accept.b.network", failingSetting(minimalWith("accepts", "a,b", "accept.a.network",
                "base-sepolia", "accept.b.network", "mainnet")));
    }

    @Test
    void theBuilderAddsRoutesInOrderWithTheirMethodsAndPrices() {
        TollgateConfig config = TollgateConfig.builder().environment(n -> null)
                .facilitatorUrl("http://127.0.0.1:9").payTo(PAY_TO).network("base-sepolia")
                .route("POST", "/api/*", "$0.05")
                .route("*", "/api/*", "$0.01")
                .build();
        assertEquals(2, config.routes().routes().size());
        assertEquals(BigInteger.valueOf(50_000), config.routes().match("POST", "/api/x").orElseThrow().options().get(0).amount());
        assertEquals(BigInteger.valueOf(10_000), config.routes().match("GET", "/api/x").orElseThrow().options().get(0).amount());
    }

    @Test
    void theBuildersSettlementSettingReachesTheTerms() {
        TollgateConfig config = TollgateConfig.builder().environment(n -> null).settings(minimal())
                .settlement(SettlementMode.BEFORE).build();
        assertEquals(SettlementMode.BEFORE, config.routes().routes().get(0).terms().settlement());
    }

    @Test
    void facilitatorHeadersAreSentButNeverPrinted() {
        TollgateConfig config = build(minimalWith("facilitator.header.Authorization", "Bearer s3cret-token",
                "facilitator.header.X-Api-Key", "k3y"));
        assertEquals(Map.of("Authorization", "Bearer s3cret-token", "X-Api-Key", "k3y"), config.facilitator().headers());
        String printed = config.facilitator().toString();
        assertFalse(printed.contains("s3cret"), printed);
        assertFalse(printed.contains("k3y"), printed);
        assertTrue(printed.contains("Authorization"), printed);
    }

    @Test
    void aNetworkDefinedInSettingsCanBeUsed() {
        TollgateConfig config = build(minimalWith("network", "anvil", "network.anvil.chainId", "31337",
                "network.anvil.asset", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "network.anvil.caip2", "eip155:31337"));
        PaymentOption o = onlyOption(config);
        assertEquals("eip155:31337", o.network().caip2());
        assertEquals(31337, o.network().chainId());
        assertEquals("0x5FbDB2315678afecb367f032d93F642f64180aa3", o.asset());
        assertSame(o.network(), config.networks().find("eip155:31337").orElseThrow());
    }

    /** A ledger that keeps Code intents too, as the Redis and JDBC ledgers do. */
    private static ReplayLedger ledgerKeeping(CodeIntentStore intents) {
        InMemoryReplayLedger claims = new InMemoryReplayLedger();
        return new ReplayLedger() {
            @Override
            public ClaimResult claim(String key, Instant until) {
                return claims.claim(key, until);
            }

            @Override
            public void settled(String key, Instant until) {
                claims.settled(key, until);
            }

            @Override
            public void release(String key) {
                claims.release(key);
            }

            @Override
            public CodeIntentStore codeIntents() {
                return intents;
            }
        };
    }

    @Test
    void codeIntentsAreKeptInTheLedgerWhenItKeepsThemAndInMemoryOtherwise() throws Exception {
        Map<String, String> code = minimalWith("code.destination", "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR", "code.amount", "0.05");
        InMemoryCodeIntentStore shared = new InMemoryCodeIntentStore();
        CodeIntentStore used = TollgateConfig.builder().environment(n -> null).settings(code)
                .ledger(ledgerKeeping(shared)).build().codeIntentStore();
        // The ledger's store, with this instance's bound on open intents in front of it.
        assertTrue(used instanceof BoundedCodeIntentStore, used.getClass().getName());
        CreatedIntent intent = new CreatedIntent("intent-1", "premium", new BigDecimal("0.05"), CodeCurrency.of("usd"),
                "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR", Instant.now().plusSeconds(60));
        assertTrue(used.remember(intent));
        assertEquals(Optional.of(intent), shared.find("intent-1"));
        assertTrue(build(code).codeIntentStore() instanceof InMemoryCodeIntentStore);
    }

    @Test
    void aCodeIntentStoreSuppliedInCodeWinsOverTheLedgers() {
        CodeIntentStore mine = new InMemoryCodeIntentStore();
        assertSame(mine, TollgateConfig.builder().environment(n -> null)
                .settings(minimalWith("code.destination", "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR", "code.amount", "0.05"))
                .ledger(ledgerKeeping(new InMemoryCodeIntentStore())).codeIntentStore(mine).build().codeIntentStore());
    }
}
