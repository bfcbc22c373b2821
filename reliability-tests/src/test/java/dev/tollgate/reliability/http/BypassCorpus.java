package dev.tollgate.reliability.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Generates the request variants that try to reach a paid path without paying. Each knows whether it is
 * ambiguous in the sense of Spring Security's strict firewall (encoded slash, backslash, NUL, dot or percent,
 * ';' parameters, empty or dot segments, a raw backslash): those must be refused with 400, the rest must not
 * get content (402, or 404/405/501 when they no longer name the paid resource).
 */
final class BypassCorpus {

    enum Expect {
        /** Exactly 400: the path's meaning depends on who decodes it. */
        AMBIGUOUS,
        /**
         * Anything but paid content: no 2xx/3xx (except OPTIONS's 200 with an Allow header, and a free page's
         * 200 when the variant no longer names the paid resource), no 500.
         */
        DENIED,
        /**
         * An include of a paid path by a free page (the filter refuses it by throwing, a 500), or Jersey's
         * HttpMethodOverrideFilter turning a POST into a HEAD (Jetty then answers 500 for free resources too).
         */
        DENIED_OR_500
    }

    record Variant(String group, String label, String request, Expect expect, String method) {
        @Override
        public String toString() {
            return group + ": " + label;
        }
    }

    private final String base;
    private final List<Variant> out = new ArrayList<>();

    private BypassCorpus(String base) {
        this.base = base;
    }

    /** Variants of {@code base}, the paid resource's path ("/premium/report" or "/api/premium/report"). */
    static List<Variant> of(String base) {
        BypassCorpus c = new BypassCorpus(base);
        c.percentEncodings();
        c.pathParameters();
        c.dotSegments();
        c.emptySegments();
        c.trailers();
        c.caseVariants();
        c.overlongUtf8();
        c.unicodeLookAlikes();
        c.absoluteForms();
        c.methods();
        c.methodOverrides();
        c.framingGames();
        c.rewriteHeaders();
        c.fakeProofs();
        return c.out;
    }

    private void get(String group, String target, Expect expect) {
        add(group, "GET " + target, RawHttp.request("GET", target, List.of(), null), expect, "GET");
    }

    private void add(String group, String label, String request, Expect expect, String method) {
        out.add(new Variant(group, label, request, expect, method));
    }

    private static String pct(int b, boolean upper) {
        String hex = String.format("%02x", b & 0xff);
        return "%" + (upper ? hex.toUpperCase(Locale.ROOT) : hex);
    }

    /** Every character of the path, on its own, percent-encoded (both hex cases), then double-encoded. */
    private void percentEncodings() {
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            for (boolean upper : new boolean[] {true, false}) {
                String target = base.substring(0, i) + pct(c, upper) + base.substring(i + 1);
                // Only an encoded '/' is ambiguous here; an encoded letter decodes to the same paid path.
                get("percent-encoding", target, c == '/' ? Expect.AMBIGUOUS : Expect.DENIED);
            }
            if (c != '/') {
                String target = base.substring(0, i) + pct(c, true) + base.substring(i + 1);
                add("percent-encoding", "HEAD " + target, RawHttp.request("HEAD", target, List.of(), null),
                        Expect.DENIED, "HEAD");
                add("percent-encoding", "POST " + target, RawHttp.request("POST", target,
                        List.of("Content-Length: 0"), null), Expect.DENIED, "POST");
            }
            get("double-encoding", base.substring(0, i) + "%25" + String.format("%02X", (int) c)
                    + base.substring(i + 1), Expect.AMBIGUOUS);
        }
        StringBuilder letters = new StringBuilder();
        StringBuilder everything = new StringBuilder();
        for (char c : base.toCharArray()) {
            letters.append(c == '/' ? "/" : pct(c, true));
            everything.append(pct(c, false));
        }
        get("percent-encoding", letters.toString(), Expect.DENIED);
        for (int i = 0; i + 1 < base.length(); i++) {
            if (base.charAt(i) != '/' && base.charAt(i + 1) != '/') {
                get("percent-encoding", base.substring(0, i) + pct(base.charAt(i), false) + pct(base.charAt(i + 1), true)
                        + base.substring(i + 2), Expect.DENIED);
            }
        }
        get("percent-encoding", everything.toString(), Expect.AMBIGUOUS);
        get("percent-encoding", base.replace("/", "%5C"), Expect.AMBIGUOUS);
        get("percent-encoding", base + "%00", Expect.AMBIGUOUS);
        get("percent-encoding", base + "%00.html", Expect.AMBIGUOUS);
        get("percent-encoding", base.substring(0, base.lastIndexOf('/')) + "%2F" + base.substring(base.lastIndexOf('/') + 1),
                Expect.AMBIGUOUS);
        get("percent-encoding", base + "%", Expect.AMBIGUOUS);
        get("percent-encoding", base + "%2", Expect.AMBIGUOUS);
        get("percent-encoding", base + "%zz", Expect.AMBIGUOUS);
    }

    private List<Integer> slashes() {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < base.length(); i++) {
            if (base.charAt(i) == '/') {
                at.add(i);
            }
        }
        return at;
    }

    /** ';' parameters after every segment, and the encoded ';'. */
    private void pathParameters() {
        List<String> params = List.of(";", ";x=1", ";jsessionid=0A1B2C", ";/", "%3B", "%3bx=1");
        List<Integer> ends = new ArrayList<>(slashes().subList(1, slashes().size()));
        ends.add(base.length());
        for (int end : ends) {
            for (String p : params) {
                get("path-parameter", base.substring(0, end) + p + base.substring(end), Expect.AMBIGUOUS);
            }
        }
        get("path-parameter", "/;" + base.substring(1), Expect.AMBIGUOUS);
        get("path-parameter", base.replace("/", ";a/").substring(2) + ";a", Expect.AMBIGUOUS);
    }

    /** Dot segments, plain and encoded, at every segment boundary. */
    private void dotSegments() {
        List<String> inserts = List.of("/.", "/..", "/x/..", "/%2e", "/%2E%2E", "/.%2e", "/%2e.", "/..;", "/.;x=1",
                "/free/..", "/free/%2e%2e");
        for (int at : slashes()) {
            for (String ins : inserts) {
                String target = base.substring(0, at) + ins + base.substring(at);
                get("dot-segment", target.startsWith("/") ? target : "/" + target, Expect.AMBIGUOUS);
            }
        }
        get("dot-segment", base + "/.", Expect.AMBIGUOUS);
        get("dot-segment", base + "/..", Expect.AMBIGUOUS);
        get("dot-segment", base + "/../report", Expect.AMBIGUOUS);
        get("dot-segment", "/free/.." + base, Expect.AMBIGUOUS);
        get("dot-segment", "/free/..%2f.." + base, Expect.AMBIGUOUS);
        get("dot-segment", "/free/%2e%2e%2f" + base.substring(1), Expect.AMBIGUOUS);
    }

    private void emptySegments() {
        for (int at : slashes()) {
            get("empty-segment", base.substring(0, at) + "/" + base.substring(at), Expect.AMBIGUOUS);
            get("empty-segment", base.substring(0, at) + "//" + base.substring(at), Expect.AMBIGUOUS);
        }
        get("empty-segment", base + "//", Expect.AMBIGUOUS);
        get("empty-segment", base + "/%2F", Expect.AMBIGUOUS);
    }

    private void trailers() {
        for (String t : List.of("/", ".", "~", "%20", "%09", "?", "?x=1", "?x=1&_method=GET", "#fragment", ".json",
                ".html", "%7E", "/index.html", "%E2%80%8B", "+")) {
            get("trailing", base + t, Expect.DENIED);
        }
        for (String t : List.of("..", "/.", "/..", "%2e", "%2f", "%5c", "\\", ";", "%00", "%ff%fe")) {
            boolean ambiguous = !t.equals("..") && !t.equals("%ff%fe");
            get("trailing", base + t, ambiguous ? Expect.AMBIGUOUS : Expect.DENIED);
        }
        get("trailing", base + "%2e", Expect.AMBIGUOUS);
    }

    private void caseVariants() {
        String[] segs = base.substring(1).split("/");
        for (int i = 0; i < segs.length; i++) {
            String[] upper = segs.clone();
            upper[i] = upper[i].toUpperCase(Locale.ROOT);
            get("case", "/" + String.join("/", upper), Expect.DENIED);
            String[] title = segs.clone();
            title[i] = Character.toUpperCase(title[i].charAt(0)) + title[i].substring(1);
            get("case", "/" + String.join("/", title), Expect.DENIED);
        }
        for (int i = 0; i < base.length(); i++) {
            if (Character.isLetter(base.charAt(i))) {
                get("case", base.substring(0, i) + Character.toUpperCase(base.charAt(i)) + base.substring(i + 1),
                        Expect.DENIED);
            }
        }
        get("case", base.toUpperCase(Locale.ROOT), Expect.DENIED);
        StringBuilder alt = new StringBuilder();
        for (int i = 0; i < base.length(); i++) {
            alt.append(i % 2 == 0 ? Character.toUpperCase(base.charAt(i)) : base.charAt(i));
        }
        get("case", alt.toString(), Expect.DENIED);
    }

    /** Over-long UTF-8 forms of every character: a decoder that accepts them would read the ASCII letter. */
    private void overlongUtf8() {
        for (int i = 0; i < base.length(); i++) {
            int c = base.charAt(i);
            String two = pct(0xC0 | (c >> 6), true) + pct(0x80 | (c & 0x3F), true);
            String three = pct(0xE0, true) + pct(0x80 | (c >> 6), true) + pct(0x80 | (c & 0x3F), true);
            get("overlong-utf8", base.substring(0, i) + two + base.substring(i + 1), Expect.DENIED);
            get("overlong-utf8", base.substring(0, i) + three + base.substring(i + 1), Expect.DENIED);
        }
        get("overlong-utf8", "/free/%C0%AE%C0%AE" + base, Expect.DENIED);
        get("overlong-utf8", "/free/%C0%AE%C0%AE%C0%AF" + base.substring(1), Expect.DENIED);
        get("overlong-utf8", "/free/%E0%80%AE%E0%80%AE" + base, Expect.DENIED);
    }

    /** Characters that look like or normalize (NFKC) to the path's letters, slashes and dots. */
    private void unicodeLookAlikes() {
        String first = base.substring(1, base.indexOf('/', 1));
        String rest = base.substring(base.indexOf('/', 1));
        for (String lookalike : List.of("\uFF50", "\u0440", "\u1D29", "\u24DF")) { // fullwidth p, Cyrillic er, ...
            String enc = utf8(lookalike);
            get("unicode", "/" + enc + first.substring(1) + rest, Expect.DENIED);
        }
        get("unicode", "/" + utf8("\uFF41\uFF50\uFF49") + rest, Expect.DENIED);
        get("unicode", base.replace("e", utf8("\u0435")), Expect.DENIED); // Cyrillic ie
        get("unicode", base.replace("i", utf8("\u0131")), Expect.DENIED); // dotless i (upper-cases to I)
        get("unicode", base.replace("r", utf8("\u0280")), Expect.DENIED);
        for (String slash : List.of("\uFF0F", "\u2215", "\u2044", "\u29F8")) {
            get("unicode", base.substring(0, base.lastIndexOf('/')) + utf8(slash)
                    + base.substring(base.lastIndexOf('/') + 1), Expect.DENIED);
        }
        get("unicode", "/free/" + utf8("\u2024\u2024") + base, Expect.DENIED); // one-dot leaders
        get("unicode", "/free/" + utf8("\uFF0E\uFF0E") + base, Expect.DENIED); // fullwidth full stops
        // Raw (unencoded) non-ASCII bytes in the request line.
        get("unicode", new String(("/" + "\u0440" + first.substring(1) + rest).getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1), Expect.DENIED);
    }

    private static String utf8(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            b.append(pct(x, true));
        }
        return b.toString();
    }

    private void absoluteForms() {
        get("absolute-form", "http://127.0.0.1" + base, Expect.DENIED);
        get("absolute-form", "http://127.0.0.1:1" + base, Expect.DENIED);
        get("absolute-form", "http://tollgate.invalid" + base, Expect.DENIED);
        get("absolute-form", "HTTP://127.0.0.1" + base, Expect.DENIED);
        get("absolute-form", "http://user@127.0.0.1" + base, Expect.DENIED);
        get("absolute-form", "http://127.0.0.1" + base.replace("e", "%65"), Expect.DENIED);
        get("absolute-form", "http://127.0.0.1/free/.." + base, Expect.AMBIGUOUS);
        get("absolute-form", "http://127.0.0.1" + base + ";x=1", Expect.AMBIGUOUS);
        get("absolute-form", "//127.0.0.1" + base, Expect.AMBIGUOUS);
        get("absolute-form", "https://127.0.0.1" + base, Expect.DENIED);
    }

    private void methods() {
        for (String m : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "get",
                "Get", "PROPFIND", "MKCOL", "SEARCH", "QUERY")) {
            String body = m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS") || m.equals("TRACE") ? null : "x";
            List<String> headers = body == null ? List.of() : List.of("Content-Length: 1", "Content-Type: text/plain");
            add("method", m + " " + base, RawHttp.request(m, base, headers, body), Expect.DENIED, m);
        }
    }

    private void methodOverrides() {
        for (String h : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            for (String as : List.of("GET", "HEAD", "DELETE")) {
                add("method-override", "POST " + base + " " + h + ": " + as,
                        RawHttp.request("POST", base, List.of(h + ": " + as, "Content-Length: 0"), null),
                        as.equals("HEAD") ? Expect.DENIED_OR_500 : Expect.DENIED, "POST");
            }
            add("method-override", "GET " + base + " " + h + ": OPTIONS",
                    RawHttp.request("GET", base, List.of(h + ": OPTIONS"), null), Expect.DENIED, "GET");
        }
        add("method-override", "POST " + base + "?_method=GET",
                RawHttp.request("POST", base + "?_method=GET", List.of("Content-Length: 0"), null), Expect.DENIED, "POST");
        add("method-override", "POST form _method=GET",
                RawHttp.request("POST", base, List.of("Content-Type: application/x-www-form-urlencoded",
                        "Content-Length: 11"), "_method=GET"), Expect.DENIED, "POST");
    }

    /** Headers some proxies and frameworks take as the real path (X-Original-URL and friends): ignored here. */
    private void rewriteHeaders() {
        for (String h : List.of("X-Original-URL", "X-Rewrite-URL", "X-Forwarded-Prefix", "X-Forwarded-Path")) {
            add("rewrite-header", "GET /free/x " + h + ": " + base,
                    RawHttp.request("GET", "/free/x", List.of(h + ": " + base), null), Expect.DENIED, "GET");
            add("rewrite-header", "GET " + base + " " + h + ": /free/x",
                    RawHttp.request("GET", base, List.of(h + ": /free/x"), null), Expect.DENIED, "GET");
        }
    }

    /** Payment headers that carry no payment. */
    private void fakeProofs() {
        String[][] fakes = {
            {"X-PAYMENT", "e30="}, {"X-PAYMENT", "null"}, {"X-PAYMENT", "W10="}, {"PAYMENT-SIGNATURE", "e30="},
            {"x-payment", "eyJ4NDAyVmVyc2lvbiI6MX0="}, {"PAYMENT-SIGNATURE", "eyJ4NDAyVmVyc2lvbiI6Mn0="},
            {"X-PAYMENT", "A".repeat(20_000)}, {"Payment-Signature", "%%%"},
        };
        for (String[] f : fakes) {
            String label = f[1].length() > 40 ? f[1].length() + " bytes" : f[1];
            add("fake-proof", "GET " + base + " " + f[0] + ": " + label,
                    RawHttp.request("GET", base, List.of(f[0] + ": " + f[1]), null), Expect.DENIED, "GET");
        }
    }

    /** Transfer-Encoding / Content-Length games, including requests smuggled behind a free one. */
    private void framingGames() {
        String smuggled = "GET " + base + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        add("framing", "TE chunked and CL", RawHttp.request("POST", base,
                List.of("Transfer-Encoding: chunked", "Content-Length: 5"), "0\r\n\r\n"), Expect.DENIED, "POST");
        add("framing", "TE chunked, identity", RawHttp.request("POST", base,
                List.of("Transfer-Encoding: chunked, identity"), "0\r\n\r\n"), Expect.DENIED, "POST");
        add("framing", "TE with space before colon", RawHttp.request("POST", base,
                List.of("Transfer-Encoding : chunked"), "0\r\n\r\n"), Expect.DENIED, "POST");
        add("framing", "TE xchunked", RawHttp.request("POST", base,
                List.of("Transfer-Encoding: xchunked"), "0\r\n\r\n"), Expect.DENIED, "POST");
        add("framing", "two Content-Lengths", RawHttp.request("POST", base,
                List.of("Content-Length: 0", "Content-Length: 3"), "abc"), Expect.DENIED, "POST");
        add("framing", "negative Content-Length", RawHttp.request("POST", base,
                List.of("Content-Length: -1"), null), Expect.DENIED, "POST");
        add("framing", "GET with a body", RawHttp.request("GET", base,
                List.of("Content-Length: 4"), "body"), Expect.DENIED, "GET");
        add("framing", "Expect 100-continue", RawHttp.request("POST", base,
                List.of("Expect: 100-continue", "Content-Length: 1"), "x"), Expect.DENIED, "POST");
        add("framing", "pipelined behind a free request",
                "GET /free/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + smuggled, Expect.DENIED, "GET");
        add("framing", "smuggled in a chunked body (TE.CL)", "POST /free/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" + smuggled, Expect.DENIED, "POST");
        add("framing", "smuggled behind a Content-Length (CL.TE)", "POST /free/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: " + (5 + smuggled.length()) + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + smuggled, Expect.DENIED, "POST");
        add("framing", "HTTP/1.0", "GET " + base + " HTTP/1.0\r\n\r\n", Expect.DENIED, "GET");
        add("framing", "HTTP/0.9", "GET " + base + "\r\n\r\n", Expect.DENIED, "GET");
        add("framing", "no Host", "GET " + base + " HTTP/1.1\r\nConnection: close\r\n\r\n", Expect.DENIED, "GET");
        add("framing", "two Hosts", RawHttp.request("GET", base, List.of("Host: other.invalid"), null),
                Expect.DENIED, "GET");
        add("framing", "tab in request line", "GET\t" + base + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                Expect.DENIED, "GET");
        add("framing", "LF line endings", "GET " + base + " HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n",
                Expect.DENIED, "GET");
        add("framing", "empty X-PAYMENT header", RawHttp.request("GET", base, List.of("X-PAYMENT:"), null),
                Expect.DENIED, "GET");
        add("framing", "folded X-PAYMENT header", RawHttp.request("GET", base,
                List.of("X-PAYMENT: e30=", " e30="), null), Expect.DENIED, "GET");
    }
}
