package dev.tollgate.sample;

import dev.tollgate.core.dev.DevFacilitator;
import dev.tollgate.core.wire.WireJson;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * Serves a {@link DevFacilitator} as a standard x402 facilitator: {@code POST /verify}, {@code POST /settle},
 * {@code GET /supported} under wherever it is mapped ({@code /dev-facilitator/*} in the sample). Any x402
 * server can use it in development. Settlement is simulated: no money moves.
 */
public class DevFacilitatorServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient DevFacilitator facilitator;

    public DevFacilitatorServlet(DevFacilitator facilitator) {
        this.facilitator = facilitator;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String endpoint = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (!endpoint.equals("/verify") && !endpoint.equals("/settle")) {
            notFound(resp);
            return;
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            // One byte over the limit is enough for the facilitator to refuse it as too large.
            body = in.readNBytes(DevFacilitator.MAX_REQUEST_BYTES + 1);
        }
        write(resp, endpoint.equals("/verify") ? facilitator.verify(body) : facilitator.settle(body));
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/supported".equals(req.getPathInfo())) {
            notFound(resp);
            return;
        }
        write(resp, new DevFacilitator.Answer(200, facilitator.supported()));
    }

    private static void notFound(HttpServletResponse resp) throws IOException {
        resp.setStatus(404);
        resp.setContentType("application/json");
        resp.getWriter().write("{\"error\":\"dev facilitator endpoints: POST /verify, POST /settle, GET /supported\"}");
    }

    private static void write(HttpServletResponse resp, DevFacilitator.Answer answer) throws IOException {
        resp.setStatus(answer.status());
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(WireJson.mapper().writeValueAsBytes(answer.body()));
    }
}
