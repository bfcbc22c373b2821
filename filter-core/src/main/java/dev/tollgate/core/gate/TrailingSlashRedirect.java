package dev.tollgate.core.gate;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The redirect a server makes from a directory's path to the same path with its trailing slash ({@code /docs} to
 * {@code /docs/}), as a servlet container's default servlet does before it serves the directory's welcome page or
 * listing. It sells nothing: the payer asked for the page and would be charged again for it at the new path. So such
 * an answer does not deliver, and is not settled (see {@link PaymentSession#complete(int, boolean)}), whoever made
 * it: a handler that chose to send the same redirect sells nothing either. Only for a GET: the default servlet
 * serves nothing else, and a handler of another method may have done the paid action before it redirects.
 */
public final class TrailingSlashRedirect {
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private TrailingSlashRedirect() {
    }

    /**
     * Whether an answer of {@code status} to a {@code method} request can be such a redirect at all: what an adapter
     * asks first, so that a paid request answered otherwise builds no URL to compare.
     */
    public static boolean mayBe(String method, int status) {
        return "GET".equals(method) && REDIRECTS.contains(status);
    }

    /**
     * Whether the answer of {@code status} with {@code location} to a {@code method} request sends the client from
     * {@code requestUrl} (scheme, authority and path, as the client asked for it) with {@code query} (null: none) to
     * that path with a slash added, and nothing else: the same origin, the same query or none, no fragment. A relative
     * {@code location} is resolved against {@code requestUrl}, as the client resolves it. Anything that cannot be read
     * so is a redirect like any other.
     */
    public static boolean is(String method, int status, String requestUrl, String query, String location) {
        if (!mayBe(method, status) || requestUrl == null || location == null || location.isBlank()) {
            return false;
        }
        try {
            URI asked = new URI(requestUrl);
            String path = asked.getRawPath();
            if (path == null || path.isEmpty() || path.endsWith("/") || asked.getRawQuery() != null) {
                return false;
            }
            URI to = asked.resolve(new URI(location.strip()));
            return to.getRawFragment() == null
                    && sameText(asked.getScheme(), to.getScheme())
                    && sameText(asked.getRawAuthority(), to.getRawAuthority())
                    && (path + "/").equals(to.getRawPath())
                    && (to.getRawQuery() == null || to.getRawQuery().equals(query));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean sameText(String a, String b) {
        return a == null || b == null ? Objects.equals(a, b)
                : a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
}
