package dev.tollgate.sample;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The web application's error page (web.xml's default {@code <error-page>}): every {@code sendError} and uncaught
 * exception answers a short JSON error with its status. The container's own page would name the servlet and the
 * server's version, and for an exception may show more; a client needs none of that, and the sample speaks JSON.
 * The error message a servlet passed is not repeated either: the status's own words say enough and quote nothing.
 */
public class ErrorServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Asked for directly (GET /error), it is a page that does not exist.
        int status = code instanceof Integer c ? c : 404;
        if (req.getAttribute(RequestDispatcher.ERROR_EXCEPTION) != null && status < 500) {
            status = 500;
        }
        resp.setStatus(status);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("application/json");
        resp.getOutputStream().write(body(status));
    }

    /** The JSON error for {@code status}, here and for requests that never reach the application ({@link Main}). */
    static byte[] body(int status) {
        return ("{\"error\":\"" + words(status) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** The status's reason phrase (RFC 9110), lower case: nothing from the request or the failure. */
    static String words(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 406 -> "not acceptable";
            case 408 -> "request timeout";
            case 409 -> "conflict";
            case 411 -> "length required";
            case 413 -> "content too large";
            case 414 -> "URI too long";
            case 415 -> "unsupported media type";
            case 431 -> "request header fields too large";
            case 500 -> "internal server error";
            case 501 -> "not implemented";
            case 503 -> "service unavailable";
            default -> "HTTP " + status;
        };
    }
}
