package dev.tollgate.core.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The {@code Cache-Control} a paid answer goes out with. A shared cache between Tollgate and its clients (a CDN, a
 * reverse proxy) does not know that the request it forwarded carried a payment: a paid 200 without
 * {@code Cache-Control} is stored by default (Varnish for two minutes; heuristically by any cache when it carries
 * {@code Last-Modified}, as every static file does) and served to the next client, who never paid. So a paid answer
 * is always {@code private}: the payer's own browser may still keep it as the handler asked.
 *
 * <p>Some shared caches obey a header of their own in preference to {@code Cache-Control}: a handler's
 * {@code CDN-Cache-Control: max-age=600} (RFC 9213) or {@code Surrogate-Control} makes a CDN store the answer whatever
 * {@code Cache-Control} says. A paid answer that carries one has it replaced by a value that stores nothing
 * ({@link #SHARED_CACHE_OVERRIDES}). Both bindings apply the two rules through {@link #applyToPaidAnswer}.
 */
public final class PaidCaching {
    /** The header this class decides. */
    public static final String HEADER = "Cache-Control";

    /** Directives that only widen (or only concern) what shared caches do, and {@code private} itself. */
    private static final Set<String> SHARED = Set.of("public", "s-maxage", "proxy-revalidate", "private");

    /**
     * The headers a shared cache reads instead of {@code Cache-Control}, each with the value a paid answer that carries
     * it goes out with: RFC 9213's targeted fields (the generic one and those of Cloudflare and Akamai), the Edge
     * Architecture's {@code Surrogate-Control} (Fastly, Varnish setups, Akamai), Akamai's {@code Edge-Control}, and
     * nginx's {@code X-Accel-Expires}, for which 0 means "do not cache". Replaced rather than removed: the Servlet API
     * cannot remove a header, and an empty one may be read as no directive at all.
     */
    public static final Map<String, String> SHARED_CACHE_OVERRIDES = Map.of(
            "CDN-Cache-Control", "no-store",
            "Cloudflare-CDN-Cache-Control", "no-store",
            "Akamai-Cache-Control", "no-store",
            "Surrogate-Control", "no-store",
            "Edge-Control", "no-store",
            "X-Accel-Expires", "0");

    /** The names of {@link #SHARED_CACHE_OVERRIDES}, for the one pass over an answer's header names. */
    private static final String[] OVERRIDDEN = SHARED_CACHE_OVERRIDES.keySet().toArray(String[]::new);

    private PaidCaching() {
    }

    /**
     * Makes a paid answer's headers keep it from shared caches: {@code Cache-Control} as {@link #forPaidAnswer} has
     * it, and each of {@link #SHARED_CACHE_OVERRIDES} the handler set replaced by its value that stores nothing.
     *
     * @param current a header's value as the handler left it (several joined with commas), or null
     * @param names   the names of the headers the answer carries, in any case (null: none), read once before anything
     *                is set (a look-up per override name cost Jetty a scan of every header each time)
     * @param set     replaces a header's values with one
     */
    public static void applyToPaidAnswer(Function<String, String> current, Iterable<String> names,
                                         BiConsumer<String, String> set) {
        List<String> carried = null;
        for (String name : names != null ? names : List.<String>of()) {
            String overridden = overridden(name);
            if (overridden != null) {
                carried = carried == null ? new ArrayList<>(2) : carried;
                carried.add(overridden);
            }
        }
        set.accept(HEADER, forPaidAnswer(current.apply(HEADER)));
        if (carried != null) {
            for (String name : carried) {
                set.accept(name, SHARED_CACHE_OVERRIDES.get(name));
            }
        }
    }

    /** The override's name that {@code name} is, in any case; null when it is none of them. */
    private static String overridden(String name) {
        if (name == null) {
            return null;
        }
        for (String o : OVERRIDDEN) {
            if (o.length() == name.length() && o.equalsIgnoreCase(name)) {
                return o;
            }
        }
        return null;
    }

    /**
     * @param handlers the handler's {@code Cache-Control} (several headers joined with commas), or null
     * @return the same, if it already keeps shared caches out ({@code private} or {@code no-store}); else
     *         {@code private}, followed by the handler's directives other than those addressed to shared caches
     *         ({@code public}, {@code s-maxage}, {@code proxy-revalidate}, a {@code private} naming fields)
     */
    public static String forPaidAnswer(String handlers) {
        if (handlers == null || handlers.isBlank()) {
            return "private";
        }
        List<String> kept = new ArrayList<>();
        for (String directive : directives(handlers)) {
            String d = directive.strip();
            String name = d.split("=", 2)[0].strip().toLowerCase(Locale.ROOT);
            boolean qualified = d.contains("=");
            if ((name.equals("private") && !qualified) || name.equals("no-store")) {
                return handlers;
            }
            // A qualified private="field" keeps only those fields from shared caches: the unqualified one replaces it.
            if (!d.isEmpty() && !SHARED.contains(name)) {
                kept.add(d);
            }
        }
        kept.add(0, "private");
        return String.join(", ", kept);
    }

    /** The comma-separated directives, a comma inside a quoted argument ({@code no-cache="a, b"}) not counting. */
    private static List<String> directives(String value) {
        List<String> all = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == ',' && !quoted) {
                all.add(value.substring(start, i));
                start = i + 1;
            }
        }
        all.add(value.substring(start));
        return all;
    }
}
