package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Request targets sent byte for byte to Jersey as a servlet on Jetty: an ambiguous path is refused with 400
 * before matching, as the servlet filter refuses it, whether it would have matched a paid method or not.
 * Before, {@code /api/report;x=1} or {@code /api/x/../report} got a 402 or a 404 depending on how Jersey
 * happened to read it.
 */
class AmbiguousPathTest {
    private static FacilitatorDouble facilitator;
    private static Server server;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler("/");
        TollgateConfig config = TollgateConfig.builder().withoutRoutes()
                .facilitatorUrl(facilitator.url()).payTo(Proofs.PAY_TO)
                .set("accept.sepolia.network", "base-sepolia").set("accept.mainnet.network", "base").build();
        context.addServlet(new ServletHolder(new ServletContainer(new ResourceConfig(Resources.Api.class, Pages.class)
                .register(TollgateFeature.from(config)))), "/api/*");
        server.setHandler(context);
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @ParameterizedTest
    @CsvSource({
        "/api/report, 402",
        "/api/free, 200",
        "/api/report;x=1, 400",
        "/api;x=1/report, 400",
        "/api/report%3B, 400",
        "/api/x/../report, 400",
        "/api/./report, 400",
        "/free/../api/report, 400",
        "/api/report/., 400",
        "/api/report%2e, 400",
        "/api//report, 400",
        "/api/%2e%2e/api/report, 400",
        "/api/free;x=1, 400",
    })
    void ambiguousPathsAreRefusedBeforeMatching(String target, int status) throws IOException {
        String response = raw(target);
        assertEquals("HTTP/1.1 " + status, response.substring(0, 12), target + " -> " + response);
        assertFalse(response.contains(Resources.CONTENT), target);
    }

    /** A paid page, a paid numbered item, and free catch-alls beside them, as a site serving pages by name has. */
    @Path("pages")
    public static class Pages {
        static final String PAID = "PAID-PAGE-CONTENT";

        @GET
        @Path("report")
        @PaymentRequired(price = "$0.01")
        public String report() {
            return PAID;
        }

        @GET
        @Path("items/{id: [0-9]+}")
        @PaymentRequired(price = "$0.01")
        public String item(@PathParam("id") String id) {
            return PAID + " " + id;
        }

        @GET
        @Path("items/{name}")
        public String itemByName(@PathParam("name") String name) {
            return "free item " + name;
        }

        @GET
        @Path("{page}")
        public String page(@PathParam("page") String page) {
            return "free page " + page;
        }
    }

    /**
     * JAX-RS matches the request path in its encoded form, while the container and every decoder after it read the
     * decoded one: {@code /api/pages/repor%74} was matched to the free {@code {page}} method, which was handed the
     * paid page's name, "report", and {@code /api/pages/items/%31} reached the free by-name method with "1". A
     * character that may stand unencoded has two spellings, so its percent-encoding is refused; an encoding that
     * is the only spelling of its character (a space, a non-ASCII letter) is not.
     */
    @ParameterizedTest
    @CsvSource({
        "/api/pages/report, 402",
        "/api/pages/items/1, 402",
        "/api/pages/repor%74, 400",
        "/api/pages/%72eport, 400",
        "/api/pages/%52eport, 400",
        "/api/pages/items/%31, 400",
        "/api/pages/re%2Dport, 400",
        "/api/pages/re%5Fport, 400",
        "/api/pages/re%7Eport, 400",
        "/api/%70ages/report, 400",
        "/api/pages/caf%C3%A9, 200",
        "/api/pages/a%20b, 200",
    })
    void anEncodedCharacterThatMayStandUnencodedIsRefusedBeforeMatching(String target, int status) throws IOException {
        String response = raw(target);
        assertEquals("HTTP/1.1 " + status, response.substring(0, 12), target + " -> " + response);
        assertFalse(response.contains(Pages.PAID), target);
        assertFalse(response.contains("free page report") || response.contains("free item 1"),
                target + " was handed to a free method under the paid one's name: " + response);
    }

    @Test
    void aRefusalSentBeforeTheRequestsBodyWasReadTellsTheClientTheConnectionCloses() throws IOException {
        // The declared body never comes: Jetty drops such a connection after the answer, and the answer says so.
        String refused = head("POST /api/upload;x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 100\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 400 "), refused);
        assertTrue(refused.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), refused);

        String withoutBody = head("GET /api/report;x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(withoutBody.startsWith("HTTP/1.1 400 "), withoutBody);
        assertFalse(withoutBody.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), withoutBody);
    }

    private static String head(String request) throws IOException {
        return RawHttp.head(((NetworkConnector) server.getConnectors()[0]).getLocalPort(), request);
    }

    private static String raw(String target) throws IOException {
        int port = ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
