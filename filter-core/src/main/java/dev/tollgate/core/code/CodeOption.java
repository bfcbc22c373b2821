package dev.tollgate.core.code;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URI;
import java.util.Objects;

/**
 * A route's offer to be paid with a Code payment intent: this amount, in this currency, to this destination.
 * The browser obtains an intent from {@code createIntentUrl} (where the server fixes these terms), pays it in
 * the Code wallet, and then presents the intent id in the {@value #PROOF_HEADER} header.
 *
 * @param route           the name of the route the option belongs to; an intent pays only the route it was
 *                        created for
 * @param destination     base58 Code token account that receives the payment
 * @param amount          the price, with at most two decimals (the browser rounds to cents)
 * @param currency        the currency the amount is in
 * @param createIntentUrl where a browser asks this server for an intent (absolute, or relative to the resource)
 */
public record CodeOption(String route, String destination, BigDecimal amount, CodeCurrency currency,
                         String createIntentUrl) {

    /** The request header that carries the id of a paid intent. */
    public static final String PROOF_HEADER = "X-CODE-INTENT";
    /** The key of the option in the v2 {@code extensions} object and in the v1 body. */
    public static final String EXTENSION = "code";
    /** The payment method's name in the advertisement and in receipts. */
    public static final String SCHEME = "code-intent";

    /**
     * @throws IllegalArgumentException naming the problem: a bad destination, more than two decimals, an amount
     *                                  below the currency's minimum, a create-intent URL that is not a URL
     */
    public CodeOption {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(createIntentUrl, "createIntentUrl");
        if (amount.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("amount " + amount.toPlainString() + " has more than two decimals");
        }
        amount = amount.setScale(2);
        // Deriving a throw-away intent applies every rule the SDK applies (destination, minimum, range).
        PaymentIntents.create(destination, amount, currency.code(), IntentNonce.of(new byte[IntentNonce.LENGTH]));
        try {
            URI.create(createIntentUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("createIntentUrl is not a URL: \"" + createIntentUrl + "\"", e);
        }
    }

    /** True if an intent with these terms pays this option (the route is checked separately). */
    public boolean sameTerms(CreatedIntent intent) {
        return intent.amount().compareTo(amount) == 0 && intent.currency().equals(currency)
                && intent.destination().equals(destination);
    }

    /** How a 402 describes this option; relative create-intent URLs are resolved against the resource. */
    public ObjectNode advertisement(String resourceUrl) {
        String url = createIntentUrl;
        try {
            if (resourceUrl != null && !URI.create(createIntentUrl).isAbsolute()) {
                url = URI.create(resourceUrl).resolve(createIntentUrl).toString();
            }
        } catch (IllegalArgumentException e) {
            // An unparsable resource URL: advertise the setting as it was given.
        }
        return JsonNodeFactory.instance.objectNode()
                .put("scheme", SCHEME)
                .put("amount", amount.toPlainString())
                .put("currency", currency.code())
                .put("destination", destination)
                .put("createIntentUrl", url)
                .put("proofHeader", PROOF_HEADER);
    }

    /**
     * The option as an x402 v2 extension (§5.1.2: every value of {@code extensions} is {@code {info, schema}}):
     * {@code info} is the {@link #advertisement}, which the v1 body carries as it is, and {@code schema} the JSON
     * Schema of it.
     */
    public static ObjectNode extension(ObjectNode advertisement) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.set("info", advertisement);
        e.set("schema", INFO_SCHEMA.deepCopy());
        return e;
    }

    private static final ObjectNode INFO_SCHEMA = infoSchema();

    private static ObjectNode infoSchema() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema").put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("scheme").put("const", SCHEME);
        properties.putObject("amount").put("type", "string").put("pattern", "^[0-9]+\\.[0-9]{2}$");
        properties.putObject("currency").put("type", "string");
        properties.putObject("destination").put("type", "string");
        properties.putObject("createIntentUrl").put("type", "string").put("format", "uri");
        properties.putObject("proofHeader").put("const", PROOF_HEADER);
        schema.putArray("required").add("scheme").add("amount").add("currency").add("destination")
                .add("createIntentUrl").add("proofHeader");
        return schema;
    }

    /** "0.05 usd". */
    public String price() {
        return amount.toPlainString() + " " + currency.code();
    }
}
