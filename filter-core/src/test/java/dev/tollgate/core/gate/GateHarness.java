package dev.tollgate.core.gate;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Tollgate configured from settings, as an application would configure it, in front of a real facilitator
 * on the loopback interface: "Premium market data" at /premium/*, $0.01 in USDC on base-sepolia.
 */
final class GateHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DESCRIPTION = "Premium market data";
    static final String PATH = "/premium/data";
    static final String RESOURCE = TestRequest.ORIGIN + PATH;
    static final String SEPOLIA_USDC = Proofs.BASE_SEPOLIA_USDC;
    static final String BASE_USDC = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
    static final String PAYER = Proofs.PAYER.address().toChecksumHex();

    final FacilitatorDouble facilitator;
    final Tollgate tollgate;

    GateHarness(String... extraSettings) throws IOException {
        this(b -> { }, extraSettings);
    }

    GateHarness(Consumer<TollgateConfig.Builder> customize, String... extraSettings) throws IOException {
        facilitator = new FacilitatorDouble();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("facilitator.url", facilitator.url());
        settings.put("facilitator.requestTimeout", "2s");
        settings.put("payTo", Proofs.PAY_TO);
        settings.put("network", "base-sepolia");
        settings.put("price", "$0.01");
        settings.put("description", DESCRIPTION);
        settings.put("mimeType", "application/json");
        settings.put("routes", "premium");
        settings.put("route.premium.path", "/premium/*");
        for (int i = 0; i < extraSettings.length; i += 2) {
            if (extraSettings[i + 1] == null) {
                settings.remove(extraSettings[i]); // a setting the application leaves out
            } else {
                settings.put(extraSettings[i], extraSettings[i + 1]);
            }
        }
        TollgateConfig.Builder builder = TollgateConfig.builder().environment(n -> null).settings(settings);
        customize.accept(builder);
        tollgate = Tollgate.create(builder.build());
    }

    Decision check(TestRequest request) {
        PaymentTerms terms = tollgate.termsFor(request.method(), request.path()).orElseThrow();
        return tollgate.check(request, terms);
    }

    static TestRequest paid() {
        return TestRequest.get(PATH);
    }

    static TestRequest v1(String header) {
        return paid().with("X-PAYMENT", header);
    }

    static TestRequest v2(String header) {
        return paid().with("PAYMENT-SIGNATURE", header);
    }

    PaymentSession admitted(TestRequest request) {
        return assertInstanceOf(Decision.Admit.class, check(request)).session();
    }

    Decision.Challenge challenged(TestRequest request) {
        return assertInstanceOf(Decision.Challenge.class, check(request));
    }

    static JsonNode decodeHeader(String value) {
        try {
            return JSON.readTree(Base64.getDecoder().decode(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode body(HttpAnswer answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a proof header, lets {@code edit} change it, and encodes it again. */
    static String edited(String header, Consumer<ObjectNode> edit) {
        ObjectNode tree = (ObjectNode) decodeHeader(header);
        edit.accept(tree);
        return Base64.getEncoder().encodeToString(tree.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        facilitator.close();
    }
}
