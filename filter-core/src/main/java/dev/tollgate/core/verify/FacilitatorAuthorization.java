package dev.tollgate.core.verify;

import java.net.URI;
import java.util.Map;

/**
 * Headers for one facilitator request, made just before it is sent: for credentials that change with every
 * request or expire within minutes, such as the signed token (a JWT naming the method, host and path) that
 * Coinbase's CDP facilitator asks of {@code /verify} and {@code /settle}. Fixed credentials need no code: they
 * are {@code facilitator.header.<Name>} settings, and headers made here replace those of the same name.
 *
 * <p>It is called on the request thread and its time counts against the paid request, so it must not wait
 * for the network: sign locally, and cache what can be cached. Its headers are sent, never logged. When it
 * throws, nothing is sent: the call ends as "facilitator unavailable" (a 503 with {@code Retry-After}), and
 * the reason names the exception's class only, since its message could quote the secret.
 */
@FunctionalInterface
public interface FacilitatorAuthorization {
    /**
     * @param method the HTTP method of the request about to be sent ({@code POST}, or {@code GET} for
     *               {@code /supported})
     * @param uri    its full URL (without user info)
     * @return the headers to add; null or empty for none
     */
    Map<String, String> headers(String method, URI uri) throws Exception;
}
