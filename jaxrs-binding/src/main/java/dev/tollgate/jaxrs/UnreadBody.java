package dev.tollgate.jaxrs;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Locale;

/**
 * Answers given before anyone read the request's body. A container that finds that body unread once the answer
 * is committed drops an HTTP/1.1 connection after it (Jetty does, when the body was still on its way); a client
 * reusing the connection, for its paid retry or its corrected request, would find it dead. So such an answer says it
 * will close whenever the request declared a body, but only over HTTP/1: HTTP/2 ends the stream alone, and a
 * {@code Connection} field makes an HTTP/2 answer malformed (RFC 9113 8.2.2), which Tomcat sends as is and strict
 * clients refuse, so the payer would never see the challenge.
 *
 * <p>A JAX-RS request does not say its protocol. Served from a servlet container, the servlet request's does
 * ({@link ProtocolProperty}), and decides. Elsewhere the request's own fields tell: {@code Transfer-Encoding} exists
 * only in HTTP/1.1, and every HTTP/1.1 request carries {@code Host} (RFC 9112 3.2; containers refuse one without),
 * where an HTTP/2 request names its authority in the {@code :authority} pseudo-field (RFC 9113 8.3.1), which Tomcat
 * does not expose as a field. A request that asks to upgrade to h2c may be answered over HTTP/2 already (Tomcat does
 * so, having read its body to upgrade). Where the evidence is missing the field is left out: at worst an HTTP/1 client
 * finds the connection closed without being told, against a payer who cannot read the answer at all.
 */
final class UnreadBody {
    private UnreadBody() {
    }

    static Response.ResponseBuilder closeIfDeclared(ContainerRequestContext request, Response.ResponseBuilder answer) {
        boolean chunked = request.getHeaderString("Transfer-Encoding") != null;
        if ((chunked || request.getLength() > 0) && overHttp1(request)) {
            answer.header("Connection", "close");
        }
        return answer;
    }

    /** Whether the request evidently came over HTTP/1 (see above), where a {@code Connection} field may be sent. */
    static boolean overHttp1(ContainerRequestContext request) {
        String protocol = ProtocolProperty.of(request);
        if (protocol != null) {
            return protocol.startsWith("HTTP/1.");
        }
        boolean chunked = request.getHeaderString("Transfer-Encoding") != null;
        String upgrade = request.getHeaderString("Upgrade");
        if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("h2c")) {
            return false;
        }
        return chunked || request.getHeaderString("Host") != null;
    }

    /**
     * Whether the request evidently came over HTTP/2 (or later, where {@code Connection} is forbidden too): the servlet
     * request says so, or, where none is known, the request has neither {@code Host} nor {@code Transfer-Encoding}. A
     * request asking to upgrade to h2c is then no evidence either way (Tomcat answers it over HTTP/2, Jetty without h2c
     * over HTTP/1.1).
     */
    static boolean evidentlyHttp2(ContainerRequestContext request) {
        String protocol = ProtocolProperty.of(request);
        if (protocol != null) {
            return !protocol.startsWith("HTTP/1.");
        }
        return request.getHeaderString("Host") == null && request.getHeaderString("Transfer-Encoding") == null;
    }
}
