package dev.tollgate.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The benchmark handler (docs/benchmarks.md): mapped at {@code /bench/free} (unprotected) and
 * {@code /bench/paid} (behind the payment filter), so both sides of a comparison run the same code.
 * {@code ?bytes=N} pads the body to N bytes, to compare answers of equal size (a 402, a 1 MiB body).
 */
public class BenchServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The small body every bench route answers by default. */
    public static final String BODY = "{\"bench\":\"ok\"}";
    static final int MAX_BYTES = 4 * 1024 * 1024;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = body(req.getParameter("bytes"));
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    /** The default body, or one padded with spaces inside the JSON object to {@code bytes} bytes. */
    public static byte[] body(String bytes) {
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
}
