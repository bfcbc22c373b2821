package dev.tollgate.core.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A path pattern: {@code /premium/*} (the prefix and everything below it), {@code /api/items/{id}} (one
 * segment per variable), or an exact path. Matching ignores case and a trailing slash: when in doubt, a
 * pattern protects more, never less.
 */
public final class RoutePattern {
    private final String text;
    private final List<String> segments;
    private final boolean prefix;

    private RoutePattern(String text, List<String> segments, boolean prefix) {
        this.text = text;
        this.segments = segments;
        this.prefix = prefix;
    }

    public static RoutePattern parse(String pattern) {
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with \"/\", was \"" + pattern + "\"");
        }
        List<String> segs = split(pattern);
        boolean prefix = false;
        if (!segs.isEmpty() && (segs.get(segs.size() - 1).equals("*") || segs.get(segs.size() - 1).equals("**"))) {
            segs.remove(segs.size() - 1);
            prefix = true;
        }
        for (String s : segs) {
            if (s.contains("*")) {
                throw new IllegalArgumentException("\"*\" may only end a path pattern: \"" + pattern + "\"");
            }
            if (s.startsWith("{") != s.endsWith("}") || (s.startsWith("{") && s.length() < 3)) {
                throw new IllegalArgumentException("malformed variable in path pattern \"" + pattern + "\"");
            }
            if (s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("dot segments are not allowed in path pattern \"" + pattern + "\"");
            }
            // Patterns meet the decoded path, in which PathFirewall lets no '%', ';' or '\' through (it refuses
            // %25, ';', %3B, %5C and '\'): a pattern holding one, such as an encoded "/my%20docs/*", would match
            // no request, and its route would charge nothing.
            if (s.indexOf('%') >= 0 || s.indexOf(';') >= 0 || s.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("path pattern \"" + pattern + "\" holds '%', ';' or '\\', which no "
                        + "request path matched here can contain: write the path decoded (\"/my docs/*\", not "
                        + "\"/my%20docs/*\")");
            }
        }
        return new RoutePattern(pattern, List.copyOf(segs), prefix);
    }

    /** {@code path} must already be decoded and normalized (no dot segments, no empty segments). */
    public boolean matches(String path) {
        List<String> parts = split(path);
        if (prefix ? parts.size() < segments.size() : parts.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (!isVariable(s) && !s.equals(parts.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every path {@code other} matches is matched by this pattern too, so that a route with {@code other}
     * listed after one with this pattern (for the same methods) is never reached.
     */
    public boolean covers(RoutePattern other) {
        if (prefix ? other.segments.size() < segments.size()
                : other.prefix || other.segments.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (!isVariable(s) && !s.equals(other.segments.get(i))) {
                return false; // a variable of other's, or another literal, matches what s does not
            }
        }
        return true;
    }

    /** The pattern's segments, lower-cased; a variable is kept as written ({@code {id}}). */
    List<String> segments() {
        return segments;
    }

    /** Whether the pattern ends in {@code /*}: it then matches its segments and everything below. */
    boolean prefix() {
        return prefix;
    }

    static boolean isVariable(String segment) {
        return segment.startsWith("{");
    }

    /** A path's segments as {@link #matches} compares them: lower-cased, empty segments dropped. */
    static List<String> split(String path) {
        // Every request through a filter is split here, paid or not: one pass, no array of parts in between.
        String lower = path.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>(8);
        int start = 0;
        for (int slash = lower.indexOf('/'); ; slash = lower.indexOf('/', start)) {
            int end = slash < 0 ? lower.length() : slash;
            if (end > start) {
                out.add(lower.substring(start, end));
            }
            if (slash < 0) {
                return out;
            }
            start = slash + 1;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
