package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.verify.HttpFacilitatorClient;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.X402Headers;
import dev.tollgate.jaxrs.PaymentRequired;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.impl.bootstrap.HttpRequester;
import org.apache.hc.core5.http.impl.bootstrap.RequesterBootstrap;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestConnControl;
import org.apache.hc.core5.http.protocol.RequestContent;
import org.apache.hc.core5.http.protocol.RequestTargetHost;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.util.Timeout;

/**
 * Copies of the sample's BenchServlet and BenchResource (sample-webapp is a shaded jar, not a library), for
 * {@link BenchServer}: the same body, the same {@code ?bytes=N} padding.
 */
final class BenchHandlers {
    static final String BODY = "{\"bench\":\"ok\"}";
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private BenchHandlers() {
    }

    static byte[] body(String bytes) {
        byte[] small = BODY.getBytes(StandardCharsets.US_ASCII);
        if (bytes == null) {
            return small;
        }
        int n;
        try {
            n = Math.min(MAX_BYTES, Math.max(small.length, Integer.parseInt(bytes)));
        } catch (NumberFormatException e) {
            return small;
        }
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) ' ');
        System.arraycopy(small, 0, out, 0, small.length - 1);
        out[n - 1] = '}';
        return out;
    }

    public static final class Servlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = body(req.getParameter("bytes"));
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }

    /**
     * The unprotected handler answering with the three headers a settled paid response carries, of the same sizes
     * (a transaction hash and payer as BenchServer's settler reports them): what the protocol's response headers
     * cost the container and the client, with no gate at all. The paid path cannot be cheaper than this.
     */
    public static final class ServletWithSettlementHeaders extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final String PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
        private static final String TRANSACTION = "0x" + "0".repeat(48) + "8000000000000001";

        static String header(String network) {
            String json = "{\"success\":true,\"transaction\":\"" + TRANSACTION + "\",\"network\":\"" + network
                    + "\",\"payer\":\"" + PAYER + "\"}";
            return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.US_ASCII));
        }

        private static final String V2 = header("eip155:84532");
        private static final String V1 = header("base-sepolia");

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setHeader(X402Headers.PAYMENT_RESPONSE, V2);
            resp.setHeader(X402Headers.X_PAYMENT_RESPONSE, V1);
            resp.setHeader("Access-Control-Expose-Headers", X402Headers.EXPOSED);
            byte[] body = body(req.getParameter("bytes"));
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }

    /**
     * The unprotected handler making the paid path's two facilitator calls itself, with Tollgate's own client
     * and one fixed proof, and no gate: {@code /verify}, then the body, then {@code /settle}. Set beside the
     * paid path at target 6's rate, it tells the gate's share of that path's latency from the calls' share.
     */
    public static final class Relay extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient HttpFacilitatorClient facilitator;
        private final transient PaymentAttempt attempt;

        Relay(HttpFacilitatorClient facilitator, PaymentAttempt attempt) {
            this.facilitator = facilitator;
            this.attempt = attempt;
        }

        /**
         * {@code ?calls=settle} makes the {@code /settle} call only: the one round trip a paid request would make
         * if {@code /verify} were skipped where {@code /settle} verifies anyway (the planners' open option).
         */
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            boolean verify = !"settle".equals(req.getParameter("calls"));
            if (verify && !(facilitator.verify(attempt) instanceof VerifyOutcome.Valid)) {
                resp.sendError(502, "the facilitator did not answer valid");
                return;
            }
            byte[] body = body(req.getParameter("bytes"));
            if (!(facilitator.settle(attempt) instanceof SettleOutcome.Settled)) {
                resp.sendError(502, "the facilitator did not settle");
                return;
            }
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }

    /**
     * The relay's calls over httpcore5's own classic requester: the library Apache HttpClient 5 is built on, with
     * a connection pool and keep-alive but without the client's execution chain (route planning, request
     * interceptors, exec handlers). The same JSON bodies, read with Jackson. Beside {@link Relay} at target 6's
     * rate it shows how much of the calls' cost is the client's, without writing an HTTP client by hand. Not a
     * replacement for Tollgate's client: it has none of its deadlines, size limits or failure handling.
     */
    public static final class CoreRelay extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final Timeout TIMEOUT = Timeout.ofSeconds(5);
        private final transient HttpRequester requester;
        private final transient HttpHost facilitator;
        private final transient byte[] requestBody;
        private final transient ObjectMapper json = new ObjectMapper();

        CoreRelay(URI facilitator, PaymentAttempt attempt) throws IOException {
            this.facilitator = new HttpHost(facilitator.getScheme(), facilitator.getHost(), facilitator.getPort());
            this.requester = RequesterBootstrap.bootstrap()
                    // The default processor adds "Expect: 100-continue" to every request with a body, which costs
                    // an extra exchange per call; Tollgate's client sends none either.
                    .setHttpProcessor(HttpProcessorBuilder.create()
                            .addAll(new RequestContent(), new RequestTargetHost(), new RequestConnControl()).build())
                    .setSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(TIMEOUT).build())
                    .setMaxTotal(64).setDefaultMaxPerRoute(64)
                    .create();
            ObjectNode body = json.createObjectNode().put("x402Version", attempt.x402Version());
            body.set("paymentPayload", attempt.paymentPayload());
            body.set("paymentRequirements", json.valueToTree(attempt.requirements()));
            this.requestBody = json.writeValueAsBytes(body);
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            boolean verify = !"settle".equals(req.getParameter("calls"));
            if (verify && !call("/verify").path("isValid").asBoolean()) {
                resp.sendError(502, "the facilitator did not answer valid");
                return;
            }
            byte[] body = body(req.getParameter("bytes"));
            if (!call("/settle").path("success").asBoolean()) {
                resp.sendError(502, "the facilitator did not settle");
                return;
            }
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }

        private JsonNode call(String path) throws IOException {
            ClassicHttpRequest request = ClassicRequestBuilder.post().setHttpHost(facilitator).setPath(path)
                    .setHeader("Accept", "application/json")
                    .setEntity(new ByteArrayEntity(requestBody, ContentType.APPLICATION_JSON)).build();
            try (ClassicHttpResponse response = requester.execute(facilitator, request, TIMEOUT,
                    HttpCoreContext.create())) {
                return json.readTree(EntityUtils.toByteArray(response.getEntity()));
            } catch (HttpException e) {
                throw new IOException(e);
            }
        }
    }

    @Path("bench")
    @Produces(MediaType.APPLICATION_JSON)
    public static class Resource {
        @GET
        @Path("free")
        public byte[] free(@QueryParam("bytes") String bytes) {
            return body(bytes);
        }

        @GET
        @Path("paid")
        @PaymentRequired(price = "$0.01", description = "Benchmark", mimeType = "application/json")
        public byte[] paid(@QueryParam("bytes") String bytes) {
            return body(bytes);
        }
    }
}
