package dev.tollgate.core.gate;

import dev.tollgate.core.code.CodeOption;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/** The page a person sees who opens a paid URL in a browser: what it costs and how to pay, no content. */
final class Paywall {
    /**
     * The page's Content-Security-Policy. It is plain markup that echoes the request's URL, escaped: should the
     * escaping ever miss, nothing in it may run or load, and no other site may frame it.
     */
    static final String POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private Paywall() {
    }

    static byte[] render(PaymentTerms terms, String resourceUrl) {
        StringBuilder options = new StringBuilder();
        for (PaymentOption o : terms.options()) {
            BigDecimal human = new BigDecimal(o.amount()).movePointLeft(o.network().decimals()).stripTrailingZeros();
            options.append("<li>").append(escape(human.toPlainString())).append(" USDC on ")
                    .append(escape(o.network().v1Name())).append(" to <code>").append(escape(o.payTo()))
                    .append("</code></li>");
        }
        if (terms.code() != null) {
            options.append("<li>").append(escape(terms.code().price())).append(" with the Code wallet: get an intent ")
                    .append("from <code>").append(escape(terms.code().createIntentUrl())).append("</code>, pay it, ")
                    .append("and send its id in the <code>").append(CodeOption.PROOF_HEADER).append("</code> header</li>");
        }
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Payment required</title></head><body>"
                + "<h1>Payment required</h1>"
                + "<p>" + escape(terms.description()) + "</p>"
                + "<p>This resource is sold per request with the x402 protocol: <code>" + escape(resourceUrl)
                + "</code></p><ul>" + options + "</ul>"
                + "<p>Use an x402 client or wallet to pay; the payment terms are in the "
                + "<code>PAYMENT-REQUIRED</code> header of this response.</p></body></html>";
        return html.getBytes(StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
