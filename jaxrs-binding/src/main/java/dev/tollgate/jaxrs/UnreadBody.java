package dev.tollgate.jaxrs;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * Answers given before anyone read the request's body. A container that finds that body unread once the answer
 * is committed drops the connection after it (Jetty does, when the body was still on its way); a client reusing
 * the connection, for its paid retry or its corrected request, would find it dead. So such an answer says it
 * will close whenever the request declared a body.
 */
final class UnreadBody {
    private UnreadBody() {
    }

    static Response.ResponseBuilder closeIfDeclared(ContainerRequestContext request, Response.ResponseBuilder answer) {
        if (request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null) {
            answer.header("Connection", "close");
        }
        return answer;
    }
}
