package dev.tollgate.benchmarks;

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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

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
