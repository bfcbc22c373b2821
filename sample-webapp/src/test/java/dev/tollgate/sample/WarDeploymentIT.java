package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.code.testing.CodeSequencerDouble;
import dev.tollgate.core.testing.FacilitatorDouble;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * target/tollgate-sample.war deployed as README says ("for any Servlet 6 container"): into a Jetty 12 ee10 server
 * in a JVM of its own that has nothing of the sample's on its class path. Runs in the verify phase, after the war
 * is packaged (see the pom), because the war is what it tests.
 */
class WarDeploymentIT {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static FacilitatorDouble facilitator;
    private static CodeSequencerDouble sequencer;
    private static Process container;
    private static URI base;
    private static final List<String> output = new ArrayList<>();

    @BeforeAll
    static void deploy() throws Exception {
        Path war = Path.of("target", "tollgate-sample.war").toAbsolutePath();
        assertTrue(Files.isRegularFile(war), "package the war first: " + war);
        facilitator = new FacilitatorDouble();
        sequencer = CodeSequencerDouble.start();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", containerClassPath(), WarLauncher.class.getName(), war.toString());
        pb.environment().put("TOLLGATE_FACILITATOR_URL", facilitator.url());
        pb.environment().put("TOLLGATE_PAY_TO", DevMode.DEMO_PAY_TO);
        pb.environment().put("TOLLGATE_CODE_DESTINATION", DevMode.DEMO_CODE_DESTINATION);
        pb.environment().put("TOLLGATE_CODE_SEQUENCER_URL", sequencer.endpoint().toString());
        pb.redirectErrorStream(true);
        container = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(container.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            output.add(line);
            if (line.startsWith("PORT ")) {
                base = URI.create("http://127.0.0.1:" + line.substring(5).strip() + "/");
                break;
            }
        }
        assertTrue(base != null, "the war did not deploy:\n" + String.join("\n", output));
    }

    /** What a Servlet 6 container brings: Jetty (with its SLF4J binding) and the servlet API; and the launcher. */
    private static String containerClassPath() {
        Stream<String> provided = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> {
                    String name = Path.of(entry).getFileName().toString();
                    return name.endsWith(".jar") && (name.startsWith("jetty-") || name.startsWith("jakarta.servlet-api-")
                            || name.startsWith("slf4j-api-"));
                });
        return Stream.concat(provided, Stream.of(Path.of("target", "test-classes").toAbsolutePath().toString()))
                .collect(Collectors.joining(File.pathSeparator));
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (container != null) {
            container.getOutputStream().close();
            if (!container.waitFor(20, TimeUnit.SECONDS)) {
                container.destroyForcibly();
            }
        }
        if (sequencer != null) {
            sequencer.close();
        }
        if (facilitator != null) {
            facilitator.close();
        }
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDeployedWarServesItsFreeRoutes() throws Exception {
        assertEquals(200, send("GET", "health").statusCode());
        assertEquals(200, send("GET", "api/free").statusCode());
    }

    @Test
    void theDeployedWarChargesForItsServletAndJaxRsRoutes() throws Exception {
        HttpResponse<String> servlet = send("GET", "premium/report");
        HttpResponse<String> jaxrs = send("GET", "api/weather");

        assertEquals(402, servlet.statusCode(), servlet.body());
        assertTrue(servlet.headers().firstValue("PAYMENT-REQUIRED").isPresent());
        assertEquals(402, jaxrs.statusCode(), jaxrs.body());
    }

    @Test
    void theDeployedWarServesTheCodeButtonPageAndCreatesIntents() throws Exception {
        HttpResponse<String> page = send("GET", "");
        HttpResponse<String> intent = send("POST", "create-intent");

        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("Pay with Code"), page.body());
        assertEquals(200, intent.statusCode(), intent.body());
        assertTrue(intent.body().contains("\"clientSecret\""), intent.body());
    }
}
