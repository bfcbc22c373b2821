package dev.tollgate.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.code.BoundedCodeIntentStore;
import dev.tollgate.core.code.CodeCurrency;
import dev.tollgate.core.code.CodeIntentVerifier;
import dev.tollgate.core.code.CodeOption;
import dev.tollgate.core.code.CodeSequencerClient;
import dev.tollgate.core.code.CreatedIntent;
import dev.tollgate.core.code.InMemoryCodeIntentStore;
import dev.tollgate.core.code.PaymentIntent;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.SettingValues;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.core.ledger.ReplayLedger;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's "Pay with Code" flow on three URLs:
 * <ul>
 *   <li>{@code GET /} — the button page, loading Code's browser script ({@code scriptUrl});</li>
 *   <li>{@code POST /create-intent} — a fresh intent for the amount, currency and destination configured here,
 *       answered as {@code {clientSecret, id}}; a request body is refused, so nothing the browser sends can
 *       change the terms;</li>
 *   <li>{@code GET /verify/{id}} — the paid page if the intent is one of ours, confirmed, and not used before;
 *       otherwise an explanation (pending, unknown, for another price, already used). Viewing it uses the
 *       payment, so {@code HEAD} is refused (405) rather than run as a GET.</li>
 * </ul>
 * Init-params (each may read the environment as {@code ${VAR:-default}}): {@code destination}, {@code amount},
 * {@code currency}, {@code sequencerUrl}, {@code scriptUrl}, {@code intentLifetime} (minutes), {@code ledger} (the
 * filter's {@code ledger} setting: {@code memory}, or a Redis or PostgreSQL URL shared by every instance),
 * {@code maxOpenIntents} (how many unexpired intents this instance keeps at once; default 10000),
 * {@code intentsPerClientPerMinute} and {@code intentsPerMinute} (how often {@code /create-intent} may run for one
 * client address and for all together; defaults 30 and 600, see {@link CreateIntentLimiter}).
 */
public class CodeCheckoutServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String ROUTE = "checkout";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(:-([^}]*))?}");

    /**
     * The verify pages and JSON answers load nothing and run nothing: no script, style, image or frame, no form, no
     * base URL, and no one may frame them. The button page's policy is this one with what it needs added.
     */
    static final String STRICT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** Where Code's script loads the button and the wallet's modal from, as frames (its SDK_PATH). */
    static final String CODE_FRAME_ORIGIN = "https://sdk.getcode.com";
    private static final SecureRandom NONCES = new SecureRandom();

    private transient CodeIntentVerifier intents;
    private transient ReplayLedger shared;
    private transient CodeOption option;
    private transient CreateIntentLimiter limiter;
    private String scriptUrl;
    /** The button page's own additions to {@link #STRICT_POLICY}, less its per-answer nonce. */
    private String buttonSources;
    private String template;

    @Override
    public void init() throws ServletException {
        try {
            // Checked here: a URL without a scheme or host was only refused by the first /create-intent, as a 500.
            URI sequencer;
            try {
                sequencer = SettingValues.httpUrl("sequencerUrl",
                        param("sequencerUrl", CodeSequencerClient.DEFAULT_ENDPOINT.toString()));
            } catch (ConfigurationException e) {
                throw new ServletException("Code checkout: " + e.getMessage() + from("sequencerUrl"), e);
            }
            scriptUrl = param("scriptUrl", "https://js.getcode.com/v1");
            String frameOrigin = param("frameOrigin", CODE_FRAME_ORIGIN);
            buttonSources = buttonSources(origin("scriptUrl", scriptUrl), origin("frameOrigin", frameOrigin));
            String destination = param("destination", null);
            try {
                option = new CodeOption(ROUTE, destination, new BigDecimal(param("amount", "0.05")),
                        CodeCurrency.of(param("currency", "usd")), "/create-intent");
            } catch (IllegalArgumentException e) {
                // The SDK's word for a bad destination; the amount and currency are the web.xml's own.
                throw new ServletException("Code checkout: " + e.getMessage()
                        + (String.valueOf(e.getMessage()).contains("destination") ? from("destination") : ""), e);
            }
            Duration lifetime = Duration.ofMinutes(Long.parseLong(param("intentLifetime", "60")));
            CodeSequencerClient client = new CodeSequencerClient(CodeSequencerClient.Config.defaults()
                    .withEndpoint(sequencer).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
            try (InputStream in = CodeCheckoutServlet.class.getResourceAsStream("code-button.html")) {
                if (in == null) {
                    throw new ServletException("code-button.html is missing from the class path");
                }
                template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int maxOpenIntents = positive("maxOpenIntents",
                    param("maxOpenIntents", Integer.toString(InMemoryCodeIntentStore.DEFAULT_CAPACITY)),
                    from("maxOpenIntents"));
            limiter = new CreateIntentLimiter(
                    positive("intentsPerClientPerMinute", param("intentsPerClientPerMinute", "30"),
                            from("intentsPerClientPerMinute")),
                    positive("intentsPerMinute", param("intentsPerMinute", "600"), from("intentsPerMinute")),
                    System::nanoTime);
            try {
                intents = verifier(client, param("ledger", "memory"), lifetime, maxOpenIntents);
            } catch (ConfigurationException e) {
                throw new ServletException("Code checkout: " + e.getMessage() + from("ledger"), e);
            }
        } catch (IllegalArgumentException | ConfigurationException | IOException e) {
            throw new ServletException("Code checkout: " + e.getMessage(), e);
        }
    }

    /**
     * What the button page loads, found by reading Code's SDK: its script (a module, one file, from the script's
     * origin), which draws the button and the wallet's modal as frames from its element host and talks to them by
     * postMessage (no CSP directive governs it); the page's own inline module, fallback script and style, allowed
     * by a nonce; and its fetch of /create-intent, same origin. Going to the success URL is a navigation, which no
     * directive of CSP Level 3 governs either. Nothing else: no image, font, worker, or other connection.
     */
    private static String buttonSources(String scriptOrigin, String frameOrigin) {
        return "script-src 'nonce-{nonce}' " + scriptOrigin + "; style-src 'nonce-{nonce}'; connect-src 'self'; frame-src "
                + frameOrigin;
    }

    /** {@code url}'s scheme, host and port: a CSP source, checked here so that no setting can add a directive. */
    private String origin(String name, String url) throws ServletException {
        URI uri;
        try {
            uri = SettingValues.httpUrl(name, url);
        } catch (ConfigurationException e) {
            throw new ServletException("Code checkout: " + e.getMessage() + from(name), e);
        }
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /**
     * The filter's ledger setting decides where intents and redemptions live: in this process for
     * {@code memory}; with Redis or PostgreSQL every instance finds the intents any of them created, and each is
     * redeemed once. Made last: a servlet whose init fails is never destroyed, so nothing may fail after it.
     */
    private CodeIntentVerifier verifier(CodeSequencerClient client, String ledgerSetting, Duration lifetime,
                                        int maxOpenIntents) throws ServletException {
        Clock clock = Clock.systemUTC();
        ReplayLedger ledger = TollgateConfig.sharedLedger(Map.of("ledger", ledgerSetting));
        if (ledger == null) {
            return new CodeIntentVerifier(client, new InMemoryCodeIntentStore(maxOpenIntents, clock),
                    new InMemoryReplayLedger(), clock, lifetime);
        }
        try {
            if (ledger.codeIntents() == null) {
                throw new ServletException("Code checkout: ledger " + ledgerSetting + " keeps no Code intents");
            }
            CodeIntentVerifier verifier = new CodeIntentVerifier(client, new BoundedCodeIntentStore(
                    ledger.codeIntents(), maxOpenIntents, clock), ledger, clock, lifetime);
            shared = ledger;
            return verifier;
        } catch (ServletException | RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    @Override
    public void destroy() {
        if (shared != null) {
            shared.close();
        }
    }

    /**
     * " (its value came from ${TOLLGATE_...})" for an init-param that reads the environment, else "": the deployer
     * sets the variable, not the init-param that reads it, and a message about its value should name what to change.
     */
    private String from(String name) {
        String raw = getInitParameter(name);
        Matcher m = raw == null ? null : REFERENCE.matcher(raw);
        if (m == null || !m.find()) {
            return "";
        }
        return Environment.value(m.group(1), null) != null ? " (its value came from ${" + m.group(1) + "})"
                : " (its value is the default given with ${" + m.group(1) + ":-...}, " + m.group(1) + " being unset)";
    }

    private String param(String name, String fallback) throws ServletException {
        String raw = getInitParameter(name);
        String value = raw == null ? null : expand(name, raw).strip();
        if (value == null || value.isEmpty()) {
            value = fallback;
        }
        if (value == null) {
            throw new ServletException("Code checkout: init-param '" + name + "' is required");
        }
        return value;
    }

    private static int positive(String name, String value, String from) throws ServletException {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw new ServletException("Code checkout: init-param '" + name + "' must be a positive whole number, was \""
                + value + "\"" + from);
    }

    /**
     * {@code value} with its {@code ${NAME}} and {@code ${NAME:-default}} references resolved. A {@code ${NAME}} that
     * is not set (or blank) is an error naming the variable, as it is for the filter's settings: the deployer sets
     * TOLLGATE_CODE_DESTINATION, not the init-param that reads it.
     */
    static String expand(String name, String value) throws ServletException {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = Environment.value(m.group(1), m.group(3));
            if (v == null) {
                throw new ServletException("Code checkout: init-param '" + name + "' refers to ${" + m.group(1)
                        + "}, which is not set; set it, or give a default as ${" + m.group(1) + ":-value}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Headers on every answer, errors included: nothing is sniffed into HTML, nothing is framed (old browsers read
     * X-Frame-Options, new ones frame-ancestors), and no URL is passed on as a referrer, since a verify page's URL is
     * the intent id that opens the report. The button page adds to the policy what it loads ({@link #page}).
     */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Content-Security-Policy", STRICT_POLICY);
        resp.setHeader("Referrer-Policy", "no-referrer");
        super.service(req, resp);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.isEmpty() || "/".equals(path)) {
            page(req, resp);
        } else if (path.startsWith("/verify/")) {
            verify(path.substring("/verify/".length()), resp);
        } else if ("/create-intent".equals(path)) {
            resp.setHeader("Allow", "POST");
            json(resp, 405, error("use POST"));
        } else {
            resp.sendError(404);
        }
    }

    /**
     * HttpServlet answers HEAD by running GET and dropping the body, which for {@code /verify/{id}} would use
     * up the payment and deliver nothing. Link checkers and prefetchers send HEAD, so it must change nothing:
     * a verification is refused with 405 (its GET is not safe), everything else answers as GET would.
     */
    @Override
    protected void doHead(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.startsWith("/verify/")) {
            resp.setHeader("Allow", "GET");
            resp.setHeader("Cache-Control", "no-store");
            resp.setStatus(405);
            return;
        }
        super.doHead(req, resp);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/create-intent".equals(req.getServletPath())) {
            // A 405 names what the resource takes (RFC 9110): the verify page GET alone (HEAD would use the payment).
            resp.setHeader("Allow", "/verify".equals(req.getServletPath()) ? "GET" : "GET, HEAD");
            resp.sendError(405);
            return;
        }
        if (req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null) {
            // The body stays unread, so the connection cannot carry another request: say so (Jetty drops it).
            resp.setHeader("Connection", "close");
            json(resp, 400, error("send no body: the server fixes amount, currency and destination ("
                    + option.price() + " to " + option.destination() + ")"));
            return;
        }
        // The container's client address: behind TOLLGATE_TRUST_FORWARDED (or the war's container's own proxy
        // rules) the forwarded client, never a header the client wrote itself unless a trusted proxy is in front.
        CreateIntentLimiter.Decision limit = limiter.acquire(req.getRemoteAddr());
        if (!limit.allowed()) {
            resp.setHeader("Retry-After", Long.toString(limit.retryAfterSeconds()));
            json(resp, 429, error((limit.clientsOwnLimit() ? "too many payment intents requested from your address"
                    : "the server is creating too many payment intents right now") + ", try again in "
                    + limit.retryAfterSeconds() + " s"));
            return;
        }
        PaymentIntent intent;
        try {
            intent = intents.create(option);
        } catch (CodeIntentVerifier.CreationException e) {
            log("Code checkout: intent creation failed: " + e.getMessage());
            if (e.retryable()) {
                resp.setHeader("Retry-After", "5");
            }
            json(resp, e.retryable() ? 503 : 502, error("could not create a payment intent, try again shortly"));
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("clientSecret", intent.clientSecret()).put("id", intent.id());
        json(resp, 200, body);
    }

    private void page(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String ctx = req.getContextPath();
        ObjectNode button = JSON.createObjectNode()
                .put("currency", option.currency().code())
                .put("destination", option.destination())
                .put("amount", option.amount());
        button.putObject("confirmParams").putObject("success").put("url", ctx + "/verify/{{INTENT_ID}}");
        String nonce = nonce();
        String html = template
                .replace("__NONCE__", nonce)
                .replace("__PRICE__", escape(option.price().toUpperCase(java.util.Locale.ROOT)))
                .replace("__SCRIPT_URL__", script(JSON.writeValueAsString(scriptUrl)))
                .replace("__CREATE_INTENT_URL__", script(JSON.writeValueAsString(ctx + "/create-intent")))
                .replace("__BUTTON_OPTIONS__", script(JSON.writeValueAsString(button)));
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("Content-Security-Policy", STRICT_POLICY + "; " + buttonSources.replace("{nonce}", nonce));
        // Code's script and wallet may want to know which site the button is on: its origin, never its path.
        resp.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
        html(resp, 200, html);
    }

    /** Fresh for each answer: 128 random bits, so that markup injected into the page cannot guess it. */
    private static String nonce() {
        byte[] bytes = new byte[16];
        NONCES.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private void verify(String id, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        CodeIntentVerifier.Verdict verdict = intents.redeem(id, option);
        if (verdict instanceof CodeIntentVerifier.Redeemable r) {
            CodeIntentVerifier.Redemption redemption = r.redemption();
            try {
                html(resp, 200, paidPage(redemption.intent()));
                redemption.settle();
            } catch (IOException | RuntimeException e) {
                redemption.release();
                throw e;
            }
        } else if (verdict instanceof CodeIntentVerifier.Refused refused) {
            html(resp, refused.reason() == CodeIntentVerifier.Reason.MALFORMED ? 400 : 402, refusedPage(refused));
        } else if (verdict instanceof CodeIntentVerifier.Unavailable u) {
            resp.setHeader("Retry-After", Long.toString(Math.max(1, u.retryAfter().toSeconds())));
            // The message names the sequencer and may quote what it sent: for the operator's log, not the buyer.
            log("Code checkout: intent " + id + " could not be checked: " + u.message());
            html(resp, 503, page("Try again shortly", "The payment could not be checked right now."
                    + " Reload this page in a few seconds."));
        } else {
            log("Code checkout: " + ((CodeIntentVerifier.Malfunction) verdict).message());
            html(resp, 502, page("Payment check failed", "The Code sequencer answered something unexpected."));
        }
    }

    private static String paidPage(CreatedIntent intent) {
        return page("Paid - thank you", "Your payment of " + intent.price().toUpperCase(java.util.Locale.ROOT)
                + " (intent <code>" + escape(intent.id()) + "</code>) was confirmed.</p>"
                + "<h2>Premium market report</h2><p>USDC demand up 3% this week; Code wallet payments up 5%.");
    }

    private static String refusedPage(CodeIntentVerifier.Refused refused) {
        String title = switch (refused.reason()) {
            case PENDING -> "Payment pending";
            case ALREADY_USED -> "Payment already used";
            case UNKNOWN -> "Unknown payment";
            case FOREIGN_TERMS -> "Payment for something else";
            case MALFORMED -> "Not a payment";
        };
        String hint = switch (refused.reason()) {
            case PENDING -> " Finish the payment in the Code wallet, then reload this page.";
            case ALREADY_USED -> " Each payment opens the report once. <a href=\"../\">Pay again</a>.";
            default -> " <a href=\"../\">Start a new payment</a>.";
        };
        return page(title, escape(refused.message()) + "." + hint);
    }

    private static String page(String title, String paragraph) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head><body><h1>" + escape(title) + "</h1><p>" + paragraph + "</p></body></html>";
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void json(HttpServletResponse resp, int status, ObjectNode body) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        byte[] bytes = JSON.writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static void html(HttpServletResponse resp, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/html;charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** JSON is a JavaScript literal; escaping "<" keeps "</script>" in a value from ending the script. */
    private static String script(String json) {
        return json.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

}
