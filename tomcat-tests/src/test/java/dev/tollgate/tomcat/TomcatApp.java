package dev.tollgate.tomcat;

import com.sun.net.httpserver.HttpExchange;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.testing.FacilitatorDouble;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * A real embedded Tomcat 11 on 127.0.0.1 that deploys the test application from its web.xml
 * ({@code src/test/resources/webapp}), as Tomcat deploys any web application: it makes the PaymentFilter and the
 * servlets from their class names and hands the filter its init-params. The application is deployed twice: at the
 * root with Tomcat 11's defaults, and at {@link #RELAXED} with {@code suspendWrappedResponseAfterForward="false"}, as
 * a {@code <Context>} in context.xml or server.xml sets it, which paid servlets that forward need. In front of a
 * facilitator double on loopback that records the order of the calls it gets and settles or refuses as told.
 */
final class TomcatApp implements AutoCloseable {
    /** The variable web.xml reads the facilitator's URL from. */
    static final String FACILITATOR_URL_VARIABLE = "TOMCAT_TESTS_FACILITATOR_URL";
    /** The context path of the deployment whose response Tomcat leaves open at the end of a forward. */
    static final String RELAXED = "/relaxed";
    static final String SETTLE_REFUSED = "{\"success\":false,\"errorReason\":\"insufficient_funds\","
            + "\"transaction\":\"\",\"network\":\"base-sepolia\"}";

    final FacilitatorDouble facilitator;
    /** The facilitator calls in the order they came: "verify", "settle". */
    final List<String> facilitatorCalls = new CopyOnWriteArrayList<>();
    private final AtomicInteger transactions = new AtomicInteger();
    private volatile boolean refuseSettlements;
    private final Path base;
    private final Tomcat tomcat;
    private final Connector connector;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TomcatApp() throws Exception {
        facilitator = new FacilitatorDouble();
        facilitator.onVerify((ex, req) -> {
            facilitatorCalls.add("verify");
            FacilitatorDouble.acceptVerify(ex, req);
        });
        facilitator.onSettle(this::settle);
        System.setProperty(FACILITATOR_URL_VARIABLE, facilitator.url());

        base = Files.createTempDirectory("tollgate-tomcat");
        Files.createDirectories(base.resolve("webapps"));
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        connector = new Connector("HTTP/1.1");
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(0);
        tomcat.setConnector(connector);
        // Only what the application's web.xml declares: no default servlet, no JSP servlet (Jasper is not here).
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context app = deploy("");
        Context relaxed = deploy(RELAXED);
        relaxed.setSuspendWrappedResponseAfterForward(false);
        tomcat.start();
        for (Context c : new Context[] {app, relaxed}) {
            if (!c.getState().isAvailable()) {
                close();
                throw new IllegalStateException("the test application did not start at '" + c.getPath() + "': "
                        + c.getState());
            }
        }
    }

    private Context deploy(String contextPath) throws URISyntaxException {
        Context app = tomcat.addWebapp(contextPath, webapp().toString());
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false); // the test class path holds no web fragments; scanning it is slow
        app.setJarScanner(scanner);
        return app;
    }

    private static Path webapp() throws URISyntaxException {
        return Path.of(TomcatApp.class.getResource("/webapp/WEB-INF/web.xml").toURI()).getParent().getParent();
    }

    private void settle(HttpExchange ex, JsonNode req) throws IOException {
        facilitatorCalls.add("settle");
        if (refuseSettlements) {
            FacilitatorDouble.respond(ex, 200, SETTLE_REFUSED);
            return;
        }
        String payer = req.path("paymentPayload").path("payload").path("authorization").path("from").asText("");
        String tx = String.format("0x%064x", transactions.incrementAndGet());
        FacilitatorDouble.respond(ex, 200, "{\"success\":true,\"transaction\":\"" + tx
                + "\",\"network\":\"base-sepolia\",\"payer\":\"" + payer + "\"}");
    }

    /** From now on the double refuses every settlement ({@code insufficient_funds}), or settles every one. */
    void refuseSettlements(boolean refuse) {
        refuseSettlements = refuse;
    }

    /** Forgets the calls seen so far, and settles again. */
    void reset() {
        refuseSettlements = false;
        facilitatorCalls.clear();
        facilitator.verifyRequests().clear();
        facilitator.settleRequests().clear();
        PaidServlets.RUNS.set(0);
        PaidServlets.asyncAfterForward = new java.util.concurrent.CompletableFuture<>();
    }

    long settlements() {
        return facilitatorCalls.stream().filter("settle"::equals).count();
    }

    String url(String path) {
        return "http://127.0.0.1:" + connector.getLocalPort() + path;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return client.send(request(path, headers), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<byte[]> getBytes(String path, String... headers) throws Exception {
        return client.send(request(path, headers), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A request of any method, without a body. */
    HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpRequest request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    /** The whole raw answer to a GET with these extra header lines, read until Tomcat closes the connection. */
    String raw(String target, String... headerLines) throws IOException {
        try (Socket s = new Socket("127.0.0.1", connector.getLocalPort())) {
            s.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String line : headerLines) {
                head.append(line).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(head.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            facilitator.close();
            System.clearProperty(FACILITATOR_URL_VARIABLE);
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
