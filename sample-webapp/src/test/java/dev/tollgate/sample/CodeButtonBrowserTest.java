package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.core.code.PaymentIntents;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import dev.tollgate.core.testing.FacilitatorDouble;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The button page in a real browser: headless Chromium (Debian's chromium + chromedriver, nothing downloaded)
 * with Code's script replaced by a local stand-in that keeps its button contract. Skipped, with the reason,
 * when the browser or its driver is not installed ({@code apt-get install chromium chromium-driver}).
 */
class CodeButtonBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHROMIUM = System.getProperty("tollgate.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("tollgate.chromedriver", "/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final List<String> requests = new CopyOnWriteArrayList<>();
    private static FacilitatorDouble facilitator;
    private static CodeSequencerDouble sequencer;
    private static HttpServer scriptHost;
    private static Server server;
    private static Path profile;
    private static ChromeDriverService service;
    private static WebDriver browser;
    private static String missing;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            missing = "browser test skipped: no Chromium at " + CHROMIUM + " (apt-get install chromium)";
        } else if (!Files.isExecutable(Path.of(CHROMEDRIVER))) {
            missing = "browser test skipped: no chromedriver at " + CHROMEDRIVER
                    + " (apt-get install chromium-driver)";
        }
        if (missing != null) {
            // Assumed per test, not here: surefire counts a class aborted in @BeforeAll as no tests at all.
            System.err.println("CodeButtonBrowserTest: " + missing);
            return;
        }
        facilitator = new FacilitatorDouble();
        sequencer = CodeSequencerDouble.start();
        scriptHost = standInScriptHost();
        System.setProperty("TOLLGATE_FACILITATOR_URL", facilitator.url());
        DevMode.DEMO_ACCOUNTS.forEach(System::setProperty);
        System.setProperty("TOLLGATE_CODE_SEQUENCER_URL", sequencer.endpoint().toString());
        System.setProperty("TOLLGATE_CODE_SCRIPT_URL", standInOrigin() + "/v1/code-stand-in.js");
        System.setProperty("TOLLGATE_CODE_FRAME_ORIGIN", standInOrigin());
        server = Main.start("127.0.0.1", 0);
        server.setRequestLog((request, response) -> requests.add(request.getMethod() + " "
                + request.getHttpURI().getPath()));
        browser = startBrowser();
    }

    private static WebDriver startBrowser() throws IOException {
        profile = Files.createTempDirectory("tollgate-chromium-");
        // The driver and browser are given explicitly, so Selenium Manager has nothing to look up or download.
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        // Before any script of a page runs (and outside its policy): every Content-Security-Policy violation in it.
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.cspViolations = []; document.addEventListener('securitypolicyviolation', e =>"
                        + " window.cspViolations.push(e.effectiveDirective + ' ' + e.blockedURI));"));
        return driver;
    }

    private static String standInOrigin() {
        return "http://127.0.0.1:" + scriptHost.getAddress().getPort();
    }

    @SuppressWarnings("unchecked")
    private static List<String> violations() {
        return (List<String>) ((ChromeDriver) browser).executeScript("return window.cspViolations");
    }

    /** Serves the stand-in as Code serves its script: a JavaScript module, readable from other origins. */
    private static HttpServer standInScriptHost() throws IOException {
        byte[] script;
        try (InputStream in = CodeButtonBrowserTest.class.getResourceAsStream("code-stand-in.js")) {
            script = in.readAllBytes();
        }
        HttpServer host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        host.createContext("/v1/code-stand-in.js", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "text/javascript; charset=utf-8");
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                exchange.sendResponseHeaders(200, script.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(script);
                }
            }
        });
        // The button's frame, as Code's element host serves it.
        host.createContext("/v1/elements/payment-request-button/", exchange -> {
            try (exchange) {
                byte[] page = "<!DOCTYPE html><html><body>Code button frame</body></html>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(page);
                }
            }
        });
        // Another origin (another port) that frames the button page, as a clickjacking decoy would.
        host.createContext("/decoy.html", exchange -> {
            try (exchange) {
                byte[] page = ("<!DOCTYPE html><html><body><iframe id=\"victim\" src=\"" + server.getURI().resolve("/")
                        + "\" onload=\"document.body.dataset.framed='loaded'\"></iframe></body></html>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(page);
                }
            }
        });
        host.start();
        return host;
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (server != null) {
            server.stop();
        }
        if (scriptHost != null) {
            scriptHost.stop(0);
        }
        if (sequencer != null) {
            sequencer.close();
        }
        if (facilitator != null) {
            facilitator.close();
        }
        System.clearProperty("TOLLGATE_FACILITATOR_URL");
        DevMode.DEMO_ACCOUNTS.keySet().forEach(System::clearProperty);
        System.clearProperty("TOLLGATE_CODE_SEQUENCER_URL");
        System.clearProperty("TOLLGATE_CODE_SCRIPT_URL");
        System.clearProperty("TOLLGATE_CODE_FRAME_ORIGIN");
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void clearLog() {
        Assumptions.assumeTrue(missing == null, missing);
        requests.clear();
    }

    private WebElement record() {
        return browser.findElement(By.id("code-stand-in"));
    }

    private void waitForState(String state) {
        new WebDriverWait(browser, WAIT).until(d -> {
            String now = d.findElement(By.id("code-stand-in")).getAttribute("data-state");
            assertTrue(!"cancelled".equals(now) && !"no-client-secret".equals(now),
                    "the button ended in state " + now + "; page says: " + d.findElement(By.id("status")).getText());
            return state.equals(now);
        });
    }

    /** Opens the page, clicks the button, and returns the intent id the browser can derive from what it got. */
    private String clickPayWithCode() throws IOException {
        browser.get(server.getURI().resolve("/").toString());
        new WebDriverWait(browser, WAIT).until(d -> !d.findElements(By.id("code-button")).isEmpty());
        assertEquals("mounted", record().getAttribute("data-state"));
        browser.findElement(By.id("code-button")).click();
        waitForState("ready");

        String secret = record().getAttribute("data-client-secret");
        JsonNode options = JSON.readTree(record().getAttribute("data-options"));
        // As Code's script does: the intent id follows from the button's amount and currency and the secret.
        return PaymentIntents.withClientSecret(options.path("destination").asText(),
                options.path("amount").asDouble(), options.path("currency").asText(), secret).id();
    }

    @Test
    void clickingTheButtonAsksTheServerForAnIntentAndHandsTheClientSecretToTheButton() throws Exception {
        String intentId = clickPayWithCode();

        assertEquals(1, requests.stream().filter("POST /create-intent"::equals).count(), requests.toString());
        JsonNode options = JSON.readTree(record().getAttribute("data-options"));
        assertEquals("usd", options.path("currency").asText());
        assertEquals(0.05, options.path("amount").asDouble());
        assertEquals(CodeCheckoutTest.DESTINATION, options.path("destination").asText());
        assertEquals("/verify/{{INTENT_ID}}", options.path("confirmParams").path("success").path("url").asText());
        // The server announced exactly the intent the browser will show: same terms on both sides.
        CodeSequencerDouble.StoredIntent announced = sequencer.intent(intentId).orElseThrow(
                () -> new AssertionError("the sequencer never heard of the intent the button derives"));
        assertEquals(0.05, announced.amount());
    }

    @Test
    void underItsContentSecurityPolicyThePageLoadsAndRunsAllItNeeds() throws Exception {
        clickPayWithCode();
        new WebDriverWait(browser, WAIT).until(d -> "loaded".equals(record().getAttribute("data-frame")));

        // Code's script (script-src), the page's own scripts and style (nonce), its fetch of /create-intent
        // (connect-src) and the button's frame (frame-src): none refused.
        assertEquals(List.of(), violations());
        assertEquals("", browser.findElement(By.id("status")).getText());
    }

    @Test
    void thePagesPolicyRefusesScriptsAndLoadsItDoesNotName() {
        browser.get(server.getURI().resolve("/").toString());
        new WebDriverWait(browser, WAIT).until(d -> !d.findElements(By.id("code-button")).isEmpty());

        // What an injection into the page would try: an inline script, and sending data out as an image.
        ((ChromeDriver) browser).executeScript("const s = document.createElement('script');"
                + " s.textContent = 'window.injected = true'; document.body.append(s);"
                + " const i = new Image(); i.src = arguments[0]; document.body.append(i);",
                standInOrigin() + "/leak?secret=1");
        new WebDriverWait(browser, WAIT).until(d -> violations().size() >= 2);

        assertEquals(null, ((ChromeDriver) browser).executeScript("return window.injected === true ? true : null"));
        List<String> refused = violations();
        assertTrue(refused.stream().anyMatch(v -> v.startsWith("script-src-elem inline")), refused.toString());
        assertTrue(refused.stream().anyMatch(v -> v.startsWith("img-src " + standInOrigin() + "/leak")),
                refused.toString());
    }

    @Test
    void anotherSiteCannotFrameTheButtonUnderADecoy() {
        browser.get("http://127.0.0.1:" + scriptHost.getAddress().getPort() + "/decoy.html");
        new WebDriverWait(browser, WAIT).until(d -> "loaded".equals(
                d.findElement(By.tagName("body")).getAttribute("data-framed")));

        browser.switchTo().frame("victim");
        try {
            assertTrue(browser.findElements(By.id("code-button")).isEmpty(), "the pay button was drawn inside the frame");
        } finally {
            browser.switchTo().defaultContent();
        }
        assertTrue(requests.contains("GET /"), "the browser did ask for the page: " + requests);
    }

    @Test
    void afterPaymentTheSuccessRedirectShowsThePaidPage() throws Exception {
        String intentId = clickPayWithCode();
        sequencer.markSubmitted(intentId);

        ((ChromeDriver) browser).executeScript("window.codeStandIn.paid(arguments[0])", intentId);

        new WebDriverWait(browser, WAIT).until(d -> d.getCurrentUrl().endsWith("/verify/" + intentId));
        String page = browser.findElement(By.tagName("body")).getText();
        assertTrue(page.contains("Paid - thank you"), page);
        assertTrue(page.contains("Premium market report"), page);

        browser.navigate().refresh();
        String again = browser.findElement(By.tagName("body")).getText();
        assertTrue(again.contains("Payment already used"), again);
    }
}
