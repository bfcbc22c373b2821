package dev.tollgate.core.config;

import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.LocalExactEvmPaymentVerifier;
import dev.tollgate.core.gate.AssetTransferMethod;
import dev.tollgate.core.gate.LedgerFailurePolicy;
import dev.tollgate.core.gate.PaymentGate;
import dev.tollgate.core.gate.PaymentIdentifierPolicy;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.SettlementMode;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.route.Route;
import dev.tollgate.core.route.RoutePattern;
import dev.tollgate.core.route.RouteTable;
import dev.tollgate.core.verify.FacilitatorAuthorization;
import dev.tollgate.core.verify.FacilitatorDialect;
import dev.tollgate.core.verify.FacilitatorPolicy;
import dev.tollgate.core.verify.FacilitatorSettings;
import dev.tollgate.core.verify.PaymentSettler;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.wire.HeaderCodec;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Tollgate's one configuration model. It is read from flat settings (web.xml init-params, a properties or
 * JSON file, or the {@link Builder}) and validated whole at start-up: every problem is reported with the
 * name of the setting. The settings are documented in README.md ("Configuration reference").
 */
public final class TollgateConfig {
    public static final int DEFAULT_MAX_TIMEOUT_SECONDS = 60;
    public static final long DEFAULT_BUFFER_LIMIT = 1024 * 1024;
    public static final Duration DEFAULT_MAX_CLAIM = Duration.ofHours(24);
    public static final String DEFAULT_NETWORK = "base-sepolia";

    private final RouteTable routes;
    private final FacilitatorSettings facilitator;
    private final FacilitatorPolicy facilitatorPolicy;
    private final int maxHeaderBytes;
    private final long bufferLimit;
    private final Duration maxClaim;
    private final NetworkRegistry networks;
    private final PaymentVerifier verifier;
    private final PaymentSettler settler;
    private final ReplayLedger ledger;
    private final ReplayLedger ledgerFromSettings;
    private final PaymentListener listener;
    private final FacilitatorAuthorization facilitatorAuthorization;
    /** What the settings made by class name and that holds resources, by setting: its Tollgate closes it. */
    private final Map<String, AutoCloseable> madeToClose;
    private final Clock clock;
    private final Settings settings;
    private final UnaryOperator<String> environment;
    private final CodeSettings code;
    /** The Code settings before they were given the shared ledger's intent store; null when Code is off. */
    private final CodeSettings codeOwnStore;
    /** Whether the Code intent store was supplied in code (a shared ledger's then keeps none of the intents). */
    private final boolean codeStoreGiven;
    private final LedgerFailurePolicy ledgerFailure;
    private final Duration ledgerCloseTimeout;
    private final PaymentIdentifierPolicy paymentIdentifier;

    private TollgateConfig(Builder b, Settings s) {
        KnownSettings.check(s.asMap().keySet(), LedgerSetting.keysRead(classLoader()));
        this.settings = s;
        this.environment = b.environment;
        this.networks = networks(s, b.networks);
        this.maxHeaderBytes = s.get("maxHeaderBytes").map(v -> Settings.positiveInt("maxHeaderBytes", v))
                .orElse(HeaderCodec.DEFAULT_MAX_HEADER_BYTES);
        if (maxHeaderBytes < 1024) {
            throw new ConfigurationException("maxHeaderBytes", "must be at least 1024");
        }
        this.bufferLimit = s.get("bufferLimit").map(v -> (long) Settings.positiveInt("bufferLimit", v))
                .orElse(DEFAULT_BUFFER_LIMIT);
        this.maxClaim = s.get("maxClaim").map(v -> Settings.duration("maxClaim", v)).orElse(DEFAULT_MAX_CLAIM);
        this.facilitatorPolicy = FacilitatorPolicySettings.read(s);
        this.facilitator = FacilitatorPolicySettings.adjust(s,
                s.get("facilitator.url").map(url -> facilitator(s, url)).orElse(null), facilitatorPolicy);
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.verifier = verifier(s, b.verifier, clock);
        this.settler = b.settler;
        if ((verifier == null || settler == null) && facilitator == null) {
            throw new ConfigurationException("facilitator.url",
                    "is required: the URL of an x402 facilitator (or supply a verifier and settler in code)");
        }
        if (verifier instanceof LocalExactEvmPaymentVerifier && settler == null && facilitator != null
                && facilitatorPolicy.dialect() == FacilitatorDialect.PROOF_API && !facilitatorPolicy.proofApiSettle()) {
            // The dialect verifies payments already made and settles nothing unless its /settle is offered; an
            // authorization checked here is no payment made, and without that /settle nobody would ever submit it.
            throw new ConfigurationException("verify", "is local, and facilitator.dialect=proof-api settles only through"
                    + " the facilitator's POST /settle: set facilitator.proofApi.settle=true (the facilitator must offer"
                    + " it), or verify=facilitator; otherwise no payment verified here would ever be made");
        }
        CodeSettings codeSettings = CodeSettings.read(s, b.codeApi, b.codeStore, clock);
        this.routes = b.withoutRoutes ? new RouteTable(List.of()) : routes(s);
        if (!b.withoutRoutes && b.readByRouteTableOnly != null) {
            requireOffered(s, b.readByRouteTableOnly);
        }
        this.ledgerFailure = ledgerFailure(s);
        this.ledgerCloseTimeout = ledgerCloseTimeout(s);
        this.paymentIdentifier = paymentIdentifier(s);
        if (paymentIdentifier.enabled() && b.ledger != null && b.ledger.paymentIdentifiers() == null) {
            throw new ConfigurationException("paymentIdentifier", "needs a ledger that keeps payment identifiers;"
                    + " the one supplied in code (" + b.ledger.getClass().getName() + ") keeps none");
        }
        // Last, with the ledger, so that no other setting's error leaves an instance holding resources behind.
        Map<String, AutoCloseable> made = new LinkedHashMap<>();
        try {
            PaymentListener listener = b.listener != null ? b.listener
                    : madeFromSetting(made, s, "listener", PaymentListener.class);
            this.listener = listener != null ? listener : PaymentListener.NONE;
            this.facilitatorAuthorization = b.facilitatorAuthorization != null ? b.facilitatorAuthorization
                    : madeFromSetting(made, s, "facilitator.authorization", FacilitatorAuthorization.class);
            this.ledgerFromSettings = b.ledger == null ? LedgerSetting.create(s, classLoader()) : null;
        } catch (RuntimeException | Error e) {
            closeAll(made);
            throw e;
        }
        this.madeToClose = Collections.unmodifiableMap(made);
        this.ledger = b.ledger != null ? b.ledger : ledgerFromSettings;
        if (paymentIdentifier.enabled() && ledgerFromSettings != null && ledgerFromSettings.paymentIdentifiers() == null) {
            ledgerFromSettings.close();
            closeAll(made);
            throw new ConfigurationException("paymentIdentifier", "needs a ledger that keeps payment identifiers;"
                    + " ledger=" + s.get("ledger").orElse("") + " keeps none");
        }
        this.codeOwnStore = codeSettings;
        this.codeStoreGiven = b.codeStore != null;
        this.code = code(codeSettings, codeStoreGiven, ledger);
    }

    /** {@code c}, with what a Tollgate closes (a ledger, listener or authorization the settings made) made anew. */
    private TollgateConfig(TollgateConfig c) {
        this.settings = c.settings;
        this.environment = c.environment;
        this.networks = c.networks;
        this.maxHeaderBytes = c.maxHeaderBytes;
        this.bufferLimit = c.bufferLimit;
        this.maxClaim = c.maxClaim;
        this.facilitatorPolicy = c.facilitatorPolicy;
        this.facilitator = c.facilitator;
        this.clock = c.clock;
        this.verifier = c.verifier;
        this.settler = c.settler;
        this.routes = c.routes;
        this.ledgerFailure = c.ledgerFailure;
        this.ledgerCloseTimeout = c.ledgerCloseTimeout;
        this.paymentIdentifier = c.paymentIdentifier;
        // What the first Tollgate closed is made anew; what was given in code, or holds nothing, is shared.
        Map<String, AutoCloseable> made = new LinkedHashMap<>();
        try {
            this.listener = c.madeToClose.containsKey("listener")
                    ? madeFromSetting(made, settings, "listener", PaymentListener.class) : c.listener;
            this.facilitatorAuthorization = c.madeToClose.containsKey("facilitator.authorization")
                    ? madeFromSetting(made, settings, "facilitator.authorization", FacilitatorAuthorization.class)
                    : c.facilitatorAuthorization;
            this.ledgerFromSettings = c.ownsLedger() ? LedgerSetting.create(settings, classLoader()) : null;
        } catch (RuntimeException | Error e) {
            closeAll(made);
            throw e;
        }
        this.madeToClose = Collections.unmodifiableMap(made);
        this.ledger = c.ownsLedger() ? ledgerFromSettings : c.ledger;
        this.codeOwnStore = c.codeOwnStore;
        this.codeStoreGiven = c.codeStoreGiven;
        this.code = code(codeOwnStore, codeStoreGiven, ledger);
    }

    /**
     * A shared ledger keeps the intents too, unless a store was supplied in code: an intent created on one instance
     * and paid, then presented to another, must be found there.
     */
    private static CodeSettings code(CodeSettings own, boolean storeGiven, ReplayLedger ledger) {
        return own != null && !storeGiven && ledger != null && ledger.codeIntents() != null
                ? own.withSharedStore(ledger.codeIntents()) : own;
    }

    /**
     * This configuration for one more Tollgate: itself, unless the settings made its ledger, or a listener or
     * facilitator authorization that holds resources. A Tollgate closes those when it is closed, so a binding that
     * makes a Tollgate again from the same configuration (a JAX-RS application that is reloaded) would otherwise get
     * closed ones, and answer every paid request 503. Then a copy with its own, made from the same settings, which
     * that Tollgate owns in turn.
     *
     * @throws ConfigurationException naming the setting at fault
     */
    public TollgateConfig forAnotherTollgate() {
        return ownsLedger() || !madeToClose.isEmpty() ? new TollgateConfig(this) : this;
    }

    /**
     * What the settings made by class name ({@code listener}, {@code facilitator.authorization}) and that holds
     * resources ({@link AutoCloseable}), by the setting that named it: its Tollgate closes it when it is closed, as
     * it closes a ledger the settings made. What was given in code belongs to whoever gave it, and is not listed.
     */
    public Map<String, AutoCloseable> madeToClose() {
        return madeToClose;
    }

    /**
     * Closes each of {@code made} (see {@link #madeToClose}), all of them whatever one throws; what one throws is
     * logged by the setting and class, not its message (which could quote a credential), and not thrown.
     */
    public static void closeAll(Map<String, AutoCloseable> made) {
        made.forEach((setting, instance) -> {
            try {
                instance.close();
            } catch (Exception e) {
                System.getLogger("dev.tollgate").log(System.Logger.Level.WARNING, instance.getClass().getName()
                        + " (made from the setting '" + setting + "') could not be closed: " + e.getClass().getName());
            }
        });
    }

    /** The instance of the class {@code setting} names, or null; listed in {@code made} if it is to be closed. */
    private <T> T madeFromSetting(Map<String, AutoCloseable> made, Settings s, String setting, Class<T> type) {
        T instance = instanceNamed(s, setting, type, classLoader());
        if (instance instanceof AutoCloseable closeable) {
            made.put(setting, closeable);
        }
        return instance;
    }

    /** {@code ledger.onUnavailable} (closed|open) and {@code ledger.retryAfter}. */
    private static LedgerFailurePolicy ledgerFailure(Settings s) {
        String policy = s.get("ledger.onUnavailable").orElse("closed").strip().toLowerCase(Locale.ROOT);
        if (!policy.equals("closed") && !policy.equals("open")) {
            throw new ConfigurationException("ledger.onUnavailable", "must be 'closed' (503, the default) or 'open'"
                    + " (admit without replay protection), was \"" + policy + "\"");
        }
        Duration retryAfter = s.get("ledger.retryAfter").map(v -> Settings.duration("ledger.retryAfter", v))
                .orElse(LedgerFailurePolicy.DEFAULT_RETRY_AFTER);
        return new LedgerFailurePolicy(policy.equals("open"), retryAfter);
    }

    /**
     * {@code ledger.closeTimeout}: at most an hour, since nothing that ends by itself takes that long (the facilitator
     * client is closed by then) and a ledger kept open longer keeps its connections and the application's classes.
     */
    private static Duration ledgerCloseTimeout(Settings s) {
        Duration d = s.get("ledger.closeTimeout").map(v -> Settings.duration("ledger.closeTimeout", v))
                .orElse(PaymentGate.LEDGER_CLOSE_GRACE);
        if (d.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigurationException("ledger.closeTimeout", "must be at most 1h");
        }
        return d;
    }

    /** {@code paymentIdentifier} (off|optional|required, or false|true) and {@code paymentIdentifier.ttl}. */
    private static PaymentIdentifierPolicy paymentIdentifier(Settings s) {
        String value = s.get("paymentIdentifier").orElse("off").strip().toLowerCase(Locale.ROOT);
        PaymentIdentifierPolicy.Mode mode = switch (value) {
            case "off", "false" -> PaymentIdentifierPolicy.Mode.OFF;
            case "optional", "true" -> PaymentIdentifierPolicy.Mode.OPTIONAL;
            case "required" -> PaymentIdentifierPolicy.Mode.REQUIRED;
            default -> throw new ConfigurationException("paymentIdentifier",
                    "must be 'off', 'optional' (or 'true') or 'required', was \"" + value + "\"");
        };
        Duration ttl = s.get("paymentIdentifier.ttl").map(v -> Settings.duration("paymentIdentifier.ttl", v))
                .orElse(PaymentIdentifierPolicy.DEFAULT_TTL);
        if (ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw new ConfigurationException("paymentIdentifier.ttl", "must be at most 7 days (168h)");
        }
        return new PaymentIdentifierPolicy(mode, ttl);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads settings (for example web.xml init-params), resolving {@code ${VAR}} from the environment. */
    public static TollgateConfig fromSettings(Map<String, String> settings) {
        return builder().settings(settings).build();
    }

    /**
     * The terms of a route defined outside these settings, such as a JAX-RS resource method by its annotation.
     * {@code routeSettings} holds a route's keys without the route prefix (price, amount, payTo, network,
     * asset, scheme, maxTimeoutSeconds, eip712.name, eip712.version, accepts, description, mimeType,
     * settlement) and is layered over the top-level and {@code accept.<option>.*} settings exactly as a
     * {@code route.<name>.*} entry would be, with the same validation.
     *
     * @throws ConfigurationException naming the setting at fault; a key of {@code routeSettings} is named
     *         {@code route.<name>.<key>}
     */
    public PaymentTerms routeTerms(String name, Map<String, String> routeSettings) {
        String prefix = "route." + name + ".";
        return terms(settings.overlay(prefix, routeSettings, environment), prefix);
    }

    private RouteTable routes(Settings s) {
        List<String> names = s.list("routes");
        List<Route> out = new ArrayList<>();
        if (names.isEmpty()) {
            // No route list: the filter protects everything it is mapped to, at the top-level terms.
            out.add(new Route("default", Set.of(), pattern(s.get("path").orElse("/*"), "path"), terms(s, "")));
        }
        requireListed(s, names);
        if (!names.isEmpty() && s.get("path").isPresent()) {
            // Only the one route of a filter without a route list reads it: beside routes it would be ignored.
            throw new ConfigurationException("path", "is the pattern of the one route a filter without routes has;"
                    + " with routes (" + String.join(",", names) + ") each route has its own route.<name>.path: remove"
                    + " path, or routes");
        }
        for (String name : names) {
            String prefix = "route." + name + ".";
            String pathKey = prefix + "path";
            String path = s.get(pathKey).orElseThrow(() -> new ConfigurationException(pathKey,
                    "is required for route '" + name + "' (for example /premium/*)"));
            if (out.stream().anyMatch(r -> r.name().equals(name))) {
                throw new ConfigurationException("routes", "names route '" + name + "' twice; give each route a name"
                        + " of its own");
            }
            Route route = new Route(name, methods(s.list(prefix + "methods"), prefix + "methods"),
                    pattern(path, pathKey), terms(s, prefix));
            for (Route earlier : out) {
                // First match wins: a route the earlier one takes every request of would never charge its own terms.
                if (earlier.shadows(route)) {
                    throw new ConfigurationException(pathKey, "\"" + path + "\" is never reached: route '"
                            + earlier.name() + "' (\"" + earlier.pattern() + "\"), listed before it in routes, matches"
                            + " every request it would, and the first match wins; list '" + name + "' first, or remove it");
                }
            }
            out.add(route);
        }
        return new RouteTable(out);
    }

    /**
     * A route whose settings are there but whose name {@code routes} does not list would be charged for at the
     * top-level terms, or not at all: refused, naming one of its settings. Routes defined outside the settings
     * (JAX-RS annotations) never come here.
     */
    private static void requireListed(Settings s, List<String> names) {
        for (String key : s.asMap().keySet()) {
            if (!key.startsWith("route.")) {
                continue;
            }
            String rest = key.substring("route.".length());
            // A name may hold a dot ("code.amount" follows one too): listed if any reading of the key names a listed route.
            boolean listed = KnownSettings.ROUTE.stream().anyMatch(k -> rest.endsWith("." + k)
                    && names.contains(rest.substring(0, rest.length() - k.length() - 1)));
            if (!listed) {
                throw new ConfigurationException(key, "belongs to a route that routes does not list"
                        + (names.isEmpty() ? " (it is not set, so the filter charges for path at the top-level terms)"
                        : " (" + String.join(",", names) + ")") + "; add the route's name to routes, or remove its settings"
                        // Deliberate since the twenty-first session; the one case where the remedy is not obvious.
                        + ". A settings file shared by filters that list different routes must hold only routes that"
                        + " each of them lists: give each filter its own routes in its init-params or in a file of its own");
            }
        }
    }

    /**
     * An {@code accept.<option>.*} setting among {@code keys} of an option that no {@code accepts} list names is read
     * by nothing: with {@code accept.main.network=base} and no accepts, the route offers the top-level option (by
     * default on the testnet) instead. Refused, naming it. Only keys nothing else reads come here (a servlet filter's
     * init-params): an option in a file may be named by a JAX-RS annotation of an application sharing the file.
     */
    private static void requireOffered(Settings s, Set<String> keys) {
        Set<String> named = new HashSet<>(s.list("accepts"));
        for (String route : s.list("routes")) {
            named.addAll(s.list("route." + route + ".accepts"));
        }
        for (String key : keys) {
            String k = key.strip();
            if (!k.startsWith("accept.") || s.get(k).isEmpty()) {
                continue;
            }
            String rest = k.substring("accept.".length());
            // A name may hold a dot: offered if any reading of the key names an option an accepts list names.
            List<String> readings = KnownSettings.OPTION.stream().filter(o -> rest.endsWith("." + o)
                    && rest.length() > o.length() + 1).map(o -> rest.substring(0, rest.length() - o.length() - 1))
                    .toList();
            if (!readings.isEmpty() && readings.stream().noneMatch(named::contains)) {
                throw new ConfigurationException(k, "belongs to option '" + readings.get(0) + "', which no accepts"
                        + " list names" + (named.isEmpty() ? "" : " (" + String.join(",", new java.util.TreeSet<>(named))
                        + ")") + ", so no route offers it and its setting is read by nothing; add '" + readings.get(0)
                        + "' to accepts (or to a route's route.<name>.accepts), or remove its settings");
            }
        }
    }

    private static RoutePattern pattern(String path, String key) {
        try {
            return RoutePattern.parse(path);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(key, e.getMessage());
        }
    }

    /**
     * A route's methods; empty for every method. A route applies only to the methods it lists, so a listed "method"
     * that no request can have ("GET POST", or "*" taken literally) would leave the route charging nothing: "*" alone
     * means every method, as in {@link Builder#route}, and anything else must be an HTTP method token (RFC 9110).
     */
    private static Set<String> methods(List<String> listed, String key) {
        if (listed.equals(List.of("*"))) {
            return Set.of();
        }
        for (String method : listed) {
            if (method.isEmpty() || !isMethodName(method)) {
                throw new ConfigurationException(key, "\"" + method + "\" is not an HTTP method; list methods separated by "
                        + "commas (GET,POST), or give \"*\" alone or nothing for every method");
            }
        }
        return Set.copyOf(listed);
    }

    /**
     * Written as every registered HTTP method is: letters, digits, "-", "_" (so never "*", nor empty, which the
     * caller checks). RFC 9110 lets a method token hold "|", "+", "&", "." and more, but in a methods list they are
     * separators typed by mistake ("GET|POST" is one token), and the route would charge for nothing.
     */
    private static boolean isMethodName(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    private PaymentTerms terms(Settings s, String routePrefix) {
        String acceptsKey = routePrefix + "accepts";
        List<String> accepts = s.list(acceptsKey);
        if (accepts.isEmpty()) {
            acceptsKey = "accepts";
            accepts = s.list(acceptsKey);
        }
        List<PaymentOption> options = new ArrayList<>();
        if (accepts.isEmpty()) {
            options.add(option(s, List.of(routePrefix, "")));
        }
        if (new HashSet<>(accepts).size() < accepts.size()) {
            throw new ConfigurationException(acceptsKey, "names an option twice, was \"" + String.join(",", accepts)
                    + "\"; a 402 offers each option once");
        }
        for (String a : accepts) {
            String optionPrefix = "accept." + a + ".";
            if (s.asMap().keySet().stream().noneMatch(k -> k.startsWith(optionPrefix))) {
                throw new ConfigurationException(acceptsKey, "names option '" + a
                        + "' but no " + optionPrefix + "* setting exists");
            }
            options.add(option(s, List.of(optionPrefix, routePrefix, "")));
        }
        String settlementKey = routePrefix + "settlement";
        SettlementMode mode = s.first(List.of(settlementKey, "settlement")).map(e -> {
            try {
                return SettlementMode.valueOf(e.getValue().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw new ConfigurationException(e.getKey(), "must be 'after' or 'before', was \"" + e.getValue() + "\"");
            }
        }).orElse(SettlementMode.AFTER);
        String description = s.first(List.of(routePrefix + "description", "description")).map(Map.Entry::getValue)
                .orElse("");
        String mime = s.first(List.of(routePrefix + "mimeType", "mimeType")).map(Map.Entry::getValue).orElse(null);
        return new PaymentTerms(options, description, mime, mode, CodeSettings.option(s, routePrefix));
    }

    private PaymentOption option(Settings s, List<String> prefixes) {
        Lookup look = new Lookup(s, prefixes);
        Map.Entry<String, String> networkSetting = look.find("network").orElse(Map.entry("network", DEFAULT_NETWORK));
        Network network = networks.find(networkSetting.getValue()).orElseThrow(() -> new ConfigurationException(
                networkSetting.getKey(), "unknown network \"" + networkSetting.getValue() + "\"; known: "
                        + networks.all().stream().map(Network::v1Name).toList()));
        Map.Entry<String, String> scheme = look.find("scheme").orElse(Map.entry("scheme", PaymentOption.SCHEME_EXACT));
        // In any case, as every other word a setting takes; the 402 names it as the protocol writes it.
        if (!PaymentOption.SCHEME_EXACT.equalsIgnoreCase(scheme.getValue())) {
            throw new ConfigurationException(scheme.getKey(), "only the 'exact' scheme is supported, was \""
                    + scheme.getValue() + "\"");
        }
        Map.Entry<String, String> payTo = look.find("payTo").orElseThrow(() -> new ConfigurationException(
                look.key("payTo"), "is required: the address that receives payments"));
        requireAddress(payTo, "20-byte EVM address");
        Map.Entry<String, String> asset = look.find("asset").orElse(Map.entry("asset", network.usdcAddress()));
        requireAddress(asset, "token contract address");
        java.math.BigInteger amount = PriceSetting.atomicAmount(s, prefixes, network, asset);
        int timeout = look.find("maxTimeoutSeconds").map(e -> Settings.positiveInt(e.getKey(), e.getValue()))
                .orElse(DEFAULT_MAX_TIMEOUT_SECONDS);
        if (timeout > maxClaim.getSeconds()) {
            // Payers sign for maxTimeoutSeconds, and the gate refuses a proof valid for longer than it remembers one.
            throw new ConfigurationException(look.find("maxTimeoutSeconds").map(Map.Entry::getKey).orElse("maxClaim"),
                    "lets a payment stay valid for " + timeout + " s, longer than maxClaim (" + maxClaim + "), the time"
                    + " a used payment is remembered: every proof would be refused; lower maxTimeoutSeconds or raise"
                    + " maxClaim");
        }
        Optional<Map.Entry<String, String>> methodSetting = look.find("assetTransferMethod");
        AssetTransferMethod method = methodSetting.map(e -> AssetTransferMethod.named(e.getValue()).orElseThrow(
                () -> new ConfigurationException(e.getKey(), "must be 'eip3009' or 'permit2' (x402's asset transfer"
                        + " methods of the exact scheme on EVM), was \"" + e.getValue() + "\""))).orElse(null);
        boolean permit2 = method == AssetTransferMethod.PERMIT2;
        if (permit2 && facilitator != null && facilitatorPolicy.dialect() == FacilitatorDialect.PROOF_API) {
            // That dialect's /verify takes a transaction already made, not an x402 payload: nothing could pay it.
            throw new ConfigurationException(methodSetting.get().getKey(), "is permit2, an x402 v2 payment that"
                    + " facilitator.dialect=proof-api cannot verify or settle; it needs an x402 facilitator");
        }
        Optional<Map.Entry<String, String>> nameSetting = look.find("eip712.name");
        Optional<Map.Entry<String, String>> versionSetting = look.find("eip712.version");
        // Permit2 signs under its own EIP-712 domain, so a token paid through it needs none of its own.
        if (!permit2 && !asset.getValue().equalsIgnoreCase(network.usdcAddress())
                && (nameSetting.isEmpty() || versionSetting.isEmpty())) {
            // Payers sign for the domain the 402 names, the token checks its own: USDC's name and version under
            // another token make every signature fail, and nothing can be paid.
            throw new ConfigurationException(asset.getKey(), "is another token than " + network.v1Name()
                    + "'s USDC, so its EIP-712 domain must be given too: set " + look.key("eip712.name") + " and "
                    + look.key("eip712.version") + " to the token contract's name() and version()");
        }
        if (facilitator != null && verifier == null && facilitatorPolicy.dialect() == FacilitatorDialect.PROOF_API
                && !asset.getValue().equalsIgnoreCase(network.usdcAddress())) {
            // The dialect's /verify reports what was paid as a USDC amount, nothing else: a price in any other token
            // could only be compared with a number of dollars, and would be "paid" in the wrong currency.
            throw new ConfigurationException(asset.getKey(), "is another token than " + network.v1Name() + "'s USDC; "
                    + "facilitator.dialect=proof-api verifies payments in USDC only, so leave " + asset.getKey()
                    + " unset (or set it to " + network.usdcAddress() + ")");
        }
        // A Permit2 option for another token than USDC names a token domain only when one is configured.
        boolean usdc = asset.getValue().equalsIgnoreCase(network.usdcAddress());
        String name = nameSetting.map(Map.Entry::getValue).orElse(permit2 && !usdc ? null : network.eip712Name());
        String version = versionSetting.map(Map.Entry::getValue).orElse(permit2 && !usdc ? null : network.eip712Version());
        if (permit2 && (name == null) != (version == null)) {
            throw new ConfigurationException(look.key(name == null ? "eip712.name" : "eip712.version"),
                    "is required when " + look.key(name == null ? "eip712.version" : "eip712.name") + " is set");
        }
        return new PaymentOption(PaymentOption.SCHEME_EXACT, network, amount, asset.getValue(), payTo.getValue(), timeout,
                name, version, method);
    }

    /**
     * A 0x-prefixed 20-byte address ({@code what} says of what). One in mixed case claims to be EIP-55 and must be:
     * a wrong one is usually a typo in where money goes, wallets refuse to pay it, and the in-process verifier, which
     * parses the option's addresses, would fail on every proof. All-lowercase and all-uppercase addresses carry no
     * checksum and pass.
     */
    private static void requireAddress(Map.Entry<String, String> address, String what) {
        if (!address.getValue().matches("0x[0-9a-fA-F]{40}")) {
            throw new ConfigurationException(address.getKey(), "must be a 0x-prefixed " + what + ", was \""
                    + address.getValue() + "\"");
        }
        try {
            EvmAddress.parse(address.getValue());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(address.getKey(), e.getMessage());
        }
    }

    /**
     * {@code verify=facilitator} (default): the facilitator verifies. {@code verify=local}: signatures and fields
     * are checked in-process and the facilitator only settles (hybrid mode); a verifier given in code wins.
     */
    private static PaymentVerifier verifier(Settings s, PaymentVerifier supplied, Clock clock) {
        String mode = s.get("verify").orElse("facilitator");
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "facilitator" -> supplied;
            case "local" -> supplied != null ? supplied : new LocalExactEvmPaymentVerifier(clock);
            default -> throw new ConfigurationException("verify",
                    "must be 'facilitator' or 'local', was \"" + mode + "\"");
        };
    }

    private static FacilitatorSettings facilitator(Settings s, String url) {
        URI uri = SettingValues.httpUrl("facilitator.url", url);
        // Each endpoint is this URL with /verify, /settle or /supported appended: a query or fragment would swallow
        // that path, and a user name and password would not be sent. Not quoted: either may hold a credential.
        if (uri.getRawUserInfo() != null) {
            throw new ConfigurationException("facilitator.url", "holds a user name or password, which is not sent to"
                    + " the facilitator; give credentials as facilitator.header.Authorization (or another header) instead");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigurationException("facilitator.url", "has a " + (uri.getRawQuery() != null ? "query" : "fragment")
                    + ", which the facilitator's endpoints (/verify, /settle, /supported appended to the URL's path) would"
                    + " not get; give the base URL alone, and credentials as facilitator.header.<Name>");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        s.asMap().forEach((k, v) -> {
            if (k.startsWith("facilitator.header.") && !v.isEmpty()) {
                String name = k.substring("facilitator.header.".length());
                if (!FacilitatorSettings.sendableHeader(name, v)) {
                    // The value may be a credential: it is not quoted.
                    throw new ConfigurationException(k, "is no header that can be sent: the name must be an HTTP token"
                            + " (letters, digits, '-', ...) and the value one line");
                }
                headers.put(name, v);
            }
        });
        Duration connect = s.get("facilitator.connectTimeout")
                .map(v -> Settings.duration("facilitator.connectTimeout", v))
                .orElse(FacilitatorSettings.DEFAULT_CONNECT_TIMEOUT);
        Duration request = s.get("facilitator.requestTimeout")
                .map(v -> Settings.duration("facilitator.requestTimeout", v))
                .orElse(FacilitatorSettings.DEFAULT_REQUEST_TIMEOUT);
        return new FacilitatorSettings(uri, headers, connect, request, FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES);
    }

    /** Extra or replaced networks: {@code network.<name>.caip2, .chainId, .asset, .decimals, .eip712.name, .eip712.version}. */
    private static NetworkRegistry networks(Settings s, NetworkRegistry base) {
        NetworkRegistry registry = base == null ? NetworkRegistry.defaults() : base;
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String k : s.asMap().keySet()) {
            if (k.startsWith("network.") && k.indexOf('.', "network.".length()) > 0) {
                names.add(k.substring("network.".length(), k.indexOf('.', "network.".length())));
            }
        }
        // Who is on which chain once every definition is in: a definition by a network's own name replaces it, so
        // only the networks none of these names redefine keep their chains.
        Map<Long, String> chains = new LinkedHashMap<>();
        for (Network known : registry.all()) {
            if (names.stream().noneMatch(n -> n.equalsIgnoreCase(known.v1Name()))) {
                chains.put(known.chainId(), known.v1Name());
            }
        }
        for (String n : names) {
            String p = "network." + n + ".";
            String chainKey = p + "chainId";
            // A positive whole number, which may be larger than an int (Palm's is 11297108109).
            long chainId = s.get(chainKey).map(v -> SettingValues.positiveLong(chainKey, v))
                    .orElseThrow(() -> new ConfigurationException(chainKey, "is required to define network " + n));
            String other = chains.putIfAbsent(chainId, n);
            if (other != null) {
                // One chain, one network: a v2 payment names the chain (eip155:<chainId>), not the network, and the
                // registry keeps one network per chain, so this definition would silently remove the other, and every
                // route still naming it would fail as an unknown network (or pay on a token other than it names).
                throw new ConfigurationException(chainKey, chainId + " is the chain id of network '" + other
                        + "' too; one chain has one network: to change " + other + ", define network." + other
                        + ".* instead, or give this network another chain id");
            }
            Map.Entry<String, String> asset = s.get(p + "asset").map(v -> Map.entry(p + "asset", v))
                    .orElseThrow(() -> new ConfigurationException(p + "asset", "is required to define network " + n));
            // Checked here, naming this setting: an option on the network would otherwise take it as its default
            // asset and name "asset", which was never set.
            requireAddress(asset, "token contract address");
            int decimals = s.get(p + "decimals").map(v -> decimals(p + "decimals", v)).orElse(6);
            String caip2 = s.get(p + "caip2").orElse("eip155:" + chainId);
            if (!caip2.equals("eip155:" + chainId)) {
                // The exact scheme signs for chainId; a CAIP-2 id naming another chain (or none) makes x402
                // clients refuse the whole 402, or pay on the wrong chain.
                throw new ConfigurationException(p + "caip2", "must be \"eip155:" + chainId + "\" (the CAIP-2 id of chainId "
                        + chainId + "), or be left out, was \"" + caip2 + "\"");
            }
            Network network;
            try {
                network = new Network(n, caip2, chainId, asset.getValue(), decimals,
                        s.get(p + "eip712.name").orElse("USDC"), s.get(p + "eip712.version").orElse("2"));
            } catch (IllegalArgumentException e) {
                // Network refuses only decimals beyond what a price can be scaled by.
                throw new ConfigurationException(p + "decimals", e.getMessage());
            }
            registry = registry.with(network);
        }
        return registry;
    }

    /** A token's decimals: 0 too, for a token that has no fractions (a dollar price must then be whole). */
    private static int decimals(String key, String value) {
        try {
            int d = Integer.parseInt(value.strip());
            if (d >= 0 && d <= Network.MAX_DECIMALS) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(key, "must be a whole number from 0 to " + Network.MAX_DECIMALS + ", was \""
                + value + "\"");
    }

    public RouteTable routes() {
        return routes;
    }

    /** Null when a verifier and settler were supplied in code instead. */
    public FacilitatorSettings facilitator() {
        return facilitator;
    }

    /** Dialect, cache, circuit breaker and concurrency bound of the facilitator; defaults when none is set. */
    public FacilitatorPolicy facilitatorPolicy() {
        return facilitatorPolicy;
    }

    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    public long bufferLimit() {
        return bufferLimit;
    }

    public Duration maxClaim() {
        return maxClaim;
    }

    public NetworkRegistry networks() {
        return networks;
    }

    public PaymentVerifier verifier() {
        return verifier;
    }

    public PaymentSettler settler() {
        return settler;
    }

    /** The ledger supplied in code or chosen by the {@code ledger} setting; null for the in-memory default. */
    public ReplayLedger ledger() {
        return ledger;
    }

    /** Whether the ledger was made from settings, so that its Tollgate owns it and closes it. */
    public boolean ownsLedger() {
        return ledger != null && ledger == ledgerFromSettings;
    }

    /**
     * The replay ledger that {@code ledger} and the other {@code ledger.*} settings name, or null for
     * {@code memory}: for application code beside the filter, such as a checkout page, that must share the
     * filter's store (its Code intents and redemptions). Values are taken as given (no environment references).
     * The caller closes it.
     *
     * @throws ConfigurationException naming the setting at fault
     */
    public static ReplayLedger sharedLedger(Map<String, String> settings) {
        return LedgerSetting.create(new Settings(settings, name -> null), classLoader());
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : TollgateConfig.class.getClassLoader();
    }

    /**
     * How long closing the Tollgate keeps a ledger it made from settings open for the checks and session endings still
     * using it ({@code ledger.closeTimeout}); past it the ledger is closed anyway, naming what still ran.
     */
    public Duration ledgerCloseTimeout() {
        return ledgerCloseTimeout;
    }

    /** What a paid request gets while the ledger's store is unreachable ({@code ledger.onUnavailable}). */
    public LedgerFailurePolicy ledgerFailure() {
        return ledgerFailure;
    }

    /** The x402 v2 payment-identifier extension ({@code paymentIdentifier}); off by default. */
    public PaymentIdentifierPolicy paymentIdentifier() {
        return paymentIdentifier;
    }

    public PaymentListener listener() {
        return listener;
    }

    /** Headers made for each facilitator request ({@code facilitator.authorization}, or given in code); or null. */
    public FacilitatorAuthorization facilitatorAuthorization() {
        return facilitatorAuthorization;
    }

    /**
     * A setting naming a class to make with its public constructor without arguments (such as
     * {@code facilitator.authorization} or {@code listener}), so that web.xml and properties files can name one.
     */
    private static <T> T instanceNamed(Settings s, String key, Class<T> kind, ClassLoader loader) {
        return s.get(key).map(String::strip).filter(v -> !v.isEmpty()).map(name -> {
            Class<?> type;
            try {
                type = Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ConfigurationException(key, "names no class on the class path: \"" + name + "\"");
            }
            if (!kind.isAssignableFrom(type)) {
                throw new ConfigurationException(key, "\"" + name + "\" does not implement " + kind.getName());
            }
            try {
                return kind.cast(type.getConstructor().newInstance());
            } catch (NoSuchMethodException e) {
                throw new ConfigurationException(key, "\"" + name + "\" needs a public constructor without arguments");
            } catch (java.lang.reflect.InvocationTargetException e) {
                // Not the message: a constructor that reads a credential may quote it when it fails.
                throw new ConfigurationException(key, "\"" + name + "\" could not be made: its constructor threw "
                        + e.getCause().getClass().getName());
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                throw new ConfigurationException(key, "\"" + name + "\" could not be made: " + e.getClass().getName());
            }
        }).orElse(null);
    }

    public Clock clock() {
        return clock;
    }

    /** How Code intents are announced and checked; null when no setting mentions Code (see {@link CodeSettings}). */
    public dev.tollgate.core.code.CodeIntentApi codeIntentApi() {
        return code == null ? null : code.api();
    }

    /** Where created Code intents are remembered; null when Code is not configured. */
    public dev.tollgate.core.code.CodeIntentStore codeIntentStore() {
        return code == null ? null : code.store();
    }

    /** How long a created Code intent can be redeemed; null when Code is not configured. */
    public Duration codeIntentLifetime() {
        return code == null ? null : code.intentLifetime();
    }

    /** Resolves one setting of an option through its prefixes: option, then route, then top level. */
    static final class Lookup {
        private final Settings s;
        private final List<String> prefixes;

        Lookup(Settings s, List<String> prefixes) {
            this.s = s;
            this.prefixes = prefixes;
        }

        java.util.Optional<Map.Entry<String, String>> find(String key) {
            return s.first(prefixes.stream().map(p -> p + key).toList());
        }

        /** The most specific key name, for messages about a missing setting. */
        String key(String key) {
            return prefixes.get(0) + key;
        }
    }

    /** Programmatic face of the same settings, plus the parts only code can supply. */
    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private UnaryOperator<String> environment = Settings.ENVIRONMENT;
        private PaymentVerifier verifier;
        private PaymentSettler settler;
        private ReplayLedger ledger;
        private PaymentListener listener;
        private FacilitatorAuthorization facilitatorAuthorization;
        private Clock clock;
        private NetworkRegistry networks;
        private int routeCount;
        private boolean withoutRoutes;
        private Set<String> readByRouteTableOnly;
        private dev.tollgate.core.code.CodeIntentApi codeApi;
        private dev.tollgate.core.code.CodeIntentStore codeStore;

        private Builder() {
        }

        public Builder settings(Map<String, String> values) {
            settings.putAll(values);
            return this;
        }

        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder facilitatorUrl(String url) {
            return set("facilitator.url", url);
        }

        public Builder payTo(String address) {
            return set("payTo", address);
        }

        public Builder network(String network) {
            return set("network", network);
        }

        public Builder price(String price) {
            return set("price", price);
        }

        public Builder settlement(SettlementMode mode) {
            return set("settlement", mode.name().toLowerCase(Locale.ROOT));
        }

        /** Adds a route after those already added; {@code method} may be "*" for any. */
        public Builder route(String method, String path, String price) {
            String name = "r" + (routeCount++);
            String list = settings.getOrDefault("routes", "");
            settings.put("routes", list.isEmpty() ? name : list + "," + name);
            settings.put("route." + name + ".path", path);
            if (!"*".equals(method)) {
                settings.put("route." + name + ".methods", method);
            }
            if (price != null) {
                settings.put("route." + name + ".price", price);
            }
            return this;
        }

        /**
         * No route table: the terms come from elsewhere (JAX-RS annotations, through {@link #routeTerms}), so the
         * top-level option settings are defaults only and need not be complete (no price is required).
         */
        public Builder withoutRoutes() {
            this.withoutRoutes = true;
            return this;
        }

        /**
         * Says that of these settings, {@code keys} are read by this configuration's route table alone, as a servlet
         * filter's init-params are (no JAX-RS annotation sees them): an {@code accept.<option>.*} among them that no
         * {@code accepts} list names would be read by nothing, and fails {@link #build}. Leave out keys that others
         * may read, such as a settings file's, which a JAX-RS application's annotations may share.
         */
        public Builder readByRouteTableOnly(java.util.Collection<String> keys) {
            this.readByRouteTableOnly = Set.copyOf(keys);
            return this;
        }

        /** Speaks to the Code sequencer (default: {@code code.sequencerUrl} over the protobuf API). */
        public Builder codeIntentApi(dev.tollgate.core.code.CodeIntentApi api) {
            this.codeApi = api;
            return this;
        }

        /** Remembers created Code intents (default: in memory, {@code code.maxOpenIntents}); share it in a cluster. */
        public Builder codeIntentStore(dev.tollgate.core.code.CodeIntentStore store) {
            this.codeStore = store;
            return this;
        }

        /** Where {@code ${NAME}} references are looked up (default: environment, then system properties). */
        public Builder environment(UnaryOperator<String> lookup) {
            this.environment = lookup;
            return this;
        }

        public Builder verifier(PaymentVerifier v) {
            this.verifier = v;
            return this;
        }

        public Builder settler(PaymentSettler s) {
            this.settler = s;
            return this;
        }

        public Builder ledger(ReplayLedger l) {
            this.ledger = l;
            return this;
        }

        /** Headers made for each facilitator request, such as a short-lived signed token; wins over the setting. */
        public Builder facilitatorAuthorization(FacilitatorAuthorization authorization) {
            this.facilitatorAuthorization = authorization;
            return this;
        }

        public Builder listener(PaymentListener l) {
            this.listener = l;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        public Builder networks(NetworkRegistry registry) {
            this.networks = registry;
            return this;
        }

        /** @throws ConfigurationException naming the first setting at fault */
        public TollgateConfig build() {
            Settings s = new Settings(settings, environment);
            try {
                return new TollgateConfig(this, s);
            } catch (ConfigurationException e) {
                throw s.naming(e);
            }
        }
    }
}
