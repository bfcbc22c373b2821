package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.code.CodeSequencerClient;
import dev.tollgate.core.code.PaymentIntent;
import dev.tollgate.core.code.PaymentIntents;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import dev.tollgate.core.testing.FacilitatorDouble;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample's "Pay with Code" flow over HTTP: create an intent, pay it (the double), verify it once. */
class CodeCheckoutTest {
    static final String DESTINATION = "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static FacilitatorDouble facilitator;
    private static CodeSequencerDouble sequencer;
    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        sequencer = CodeSequencerDouble.start();
        sample = SampleServer.start("TOLLGATE_FACILITATOR_URL", facilitator.url(),
                "TOLLGATE_CODE_SEQUENCER_URL", sequencer.endpoint().toString(),
                "TOLLGATE_CODE_SCRIPT_URL", "http://127.0.0.1:9/code-stand-in.js");
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
        sequencer.close();
        facilitator.close();
    }

    @AfterEach
    void heal() {
        sequencer.behaveNormally();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return sample.get(path);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return CLIENT.send(HttpRequest.newBuilder(sample.uri(path)).POST(publisher)
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the button page's script does on "invoke". */
    private static JsonNode createIntent() throws Exception {
        HttpResponse<String> r = post("/create-intent", null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void pastItsBoundOnOpenIntentsCreationAnswers503WithRetryAfter() throws Exception {
        try (SampleServer bounded = SampleServer.start("TOLLGATE_FACILITATOR_URL", facilitator.url(),
                "TOLLGATE_CODE_SEQUENCER_URL", sequencer.endpoint().toString(),
                "TOLLGATE_CODE_MAX_OPEN_INTENTS", "2")) {
            HttpRequest create = HttpRequest.newBuilder(bounded.uri("/create-intent"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            assertEquals(200, CLIENT.send(create, HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, CLIENT.send(create, HttpResponse.BodyHandlers.ofString()).statusCode());

            HttpResponse<String> third = CLIENT.send(create, HttpResponse.BodyHandlers.ofString());

            assertEquals(503, third.statusCode(), third.body());
            assertTrue(third.headers().firstValue("Retry-After").isPresent());
        }
    }

    @Test
    void theButtonPageConfiguresTheCodeButtonWithTheServersTerms() throws Exception {
        HttpResponse<String> r = get("/");

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String page = r.body();
        assertTrue(page.contains("import code from \"http://127.0.0.1:9/code-stand-in.js\""), page);
        assertTrue(page.contains("\"currency\":\"usd\""), page);
        assertTrue(page.contains("\"destination\":\"" + DESTINATION + "\""), page);
        assertTrue(page.contains("\"amount\":0.05"), page);
        assertTrue(page.contains("\"url\":\"/verify/{{INTENT_ID}}\""), page);
        assertTrue(page.contains("fetch(\"/create-intent\", { method: 'POST' })"), page);
    }

    @Test
    void createIntentAnswersAClientSecretFromWhichTheBrowserRebuildsTheSameIntent() throws Exception {
        JsonNode created = createIntent();
        String secret = created.path("clientSecret").asText();
        String id = created.path("id").asText();

        // The browser knows amount, currency and secret; from them it must arrive at the server's intent.
        assertEquals(id, PaymentIntents.withClientSecret(DESTINATION, 0.05, "usd", secret).id());
        CodeSequencerDouble.StoredIntent announced = sequencer.intent(id).orElseThrow();
        assertEquals(0.05, announced.amount());
        assertEquals("usd", announced.currency());
        assertEquals(DESTINATION, announced.destination());
    }

    @Test
    void createIntentRefusesABodyInsteadOfTrustingTheBrowsersTerms() throws Exception {
        int before = sequencer.requestCount();
        HttpResponse<String> r = post("/create-intent", "{\"amount\":0.01,\"destination\":\"11111111111111111111111111111111\"}");

        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("the server fixes amount, currency and destination"), r.body());
        assertEquals("close", r.headers().firstValue("Connection").orElse(null), "the unread body ends the connection");
        assertEquals(before, sequencer.requestCount());
        assertEquals(405, get("/create-intent").statusCode());
    }

    @Test
    void aPaidIntentShowsThePaidPageOnceThenSaysItWasUsed() throws Exception {
        String id = createIntent().path("id").asText();
        sequencer.markSubmitted(id);

        HttpResponse<String> paid = get("/verify/" + id);
        assertEquals(200, paid.statusCode());
        assertTrue(paid.body().contains("Paid - thank you"), paid.body());
        assertTrue(paid.body().contains("Premium market report"));

        HttpResponse<String> again = get("/verify/" + id);
        assertEquals(402, again.statusCode());
        assertTrue(again.body().contains("Payment already used"), again.body());
        assertTrue(again.body().contains("was already used"), again.body());
    }

    @Test
    void aHeadRequestForTheVerifyPageIsRefusedWithoutUsingThePayment() throws Exception {
        String id = createIntent().path("id").asText();
        sequencer.markSubmitted(id);

        HttpResponse<Void> head = CLIENT.send(HttpRequest.newBuilder(sample.uri("/verify/" + id))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

        assertEquals(405, head.statusCode());
        assertEquals("GET", head.headers().firstValue("Allow").orElse(null));
        HttpResponse<String> paid = get("/verify/" + id);
        assertEquals(200, paid.statusCode(), paid.body());
        assertTrue(paid.body().contains("Premium market report"), paid.body());
    }

    @Test
    void aPostToTheVerifyPageOrTheButtonPageIsA405NamingWhatIsAllowed() throws Exception {
        String id = createIntent().path("id").asText();
        sequencer.markSubmitted(id);

        HttpResponse<String> verify = post("/verify/" + id, null);
        HttpResponse<String> page = post("/", null);

        assertEquals(405, verify.statusCode());
        assertEquals("GET", verify.headers().firstValue("Allow").orElse(null), "HEAD is refused there too");
        assertEquals(405, page.statusCode());
        assertEquals("GET, HEAD", page.headers().firstValue("Allow").orElse(null));
        assertEquals(200, get("/verify/" + id).statusCode(), "the refused POST used nothing");
    }

    @Test
    void aHeadRequestForTheButtonPageAnswersAsItsGet() throws Exception {
        HttpResponse<Void> head = CLIENT.send(HttpRequest.newBuilder(sample.uri("/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

        assertEquals(200, head.statusCode());
        assertTrue(head.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), head.headers().toString());
    }

    @Test
    void anUnpaidIntentIsPending() throws Exception {
        String id = createIntent().path("id").asText();

        HttpResponse<String> r = get("/verify/" + id);
        assertEquals(402, r.statusCode());
        assertTrue(r.body().contains("Payment pending"), r.body());
        assertTrue(r.body().contains("has not been paid yet"), r.body());

        sequencer.markSubmitted(id);
        assertEquals(200, get("/verify/" + id).statusCode());
    }

    @Test
    void aTamperedIntentIdIsUnknownAndGarbageIsNotAnIntent() throws Exception {
        String id = createIntent().path("id").asText();
        sequencer.markSubmitted(id);
        String tampered = id.substring(0, id.length() - 1) + (id.endsWith("z") ? "y" : "z");

        HttpResponse<String> r = get("/verify/" + tampered);
        assertEquals(402, r.statusCode());
        assertTrue(r.body().contains("Unknown payment"), r.body());
        assertTrue(r.body().contains("this server did not create it"), r.body());

        HttpResponse<String> garbage = get("/verify/%3Cscript%3E");
        assertEquals(400, garbage.statusCode());
        assertTrue(garbage.body().contains("not a Code intent id"), garbage.body());
        assertTrue(!garbage.body().contains("<script>"), garbage.body());
    }

    @Test
    void aPaidIntentForAnotherAmountCreatedElsewhereDoesNotPay() throws Exception {
        // Someone pays our destination 0.10 through an intent they made themselves: not a sale of this server.
        PaymentIntent foreign = new CodeSequencerClient(CodeSequencerClient.Config.defaults()
                .withEndpoint(sequencer.endpoint())).createIntent(PaymentIntents.random(DESTINATION, 0.10, "usd"));
        sequencer.markSubmitted(foreign.id());

        HttpResponse<String> r = get("/verify/" + foreign.id());
        assertEquals(402, r.statusCode());
        assertTrue(r.body().contains("Unknown payment"), r.body());
    }

    @Test
    void anUnreachableSequencerIsA503WithRetryAfterAndTheIntentStaysRedeemable() throws Exception {
        String id = createIntent().path("id").asText();
        sequencer.markSubmitted(id);
        sequencer.respondWith(503, new byte[0]);

        HttpResponse<String> r = get("/verify/" + id);
        assertEquals(503, r.statusCode());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
        HttpResponse<String> create = post("/create-intent", null);
        assertEquals(503, create.statusCode());
        assertTrue(create.headers().firstValue("Retry-After").isPresent());

        sequencer.behaveNormally();
        assertEquals(200, get("/verify/" + id).statusCode());
    }

    private static void assertNeitherSniffedNorFramed(HttpResponse<?> r) {
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), r.headers().toString());
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), r.headers().toString());
        String policy = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("frame-ancestors 'none'"), policy);
    }

    @Test
    void theButtonPageCannotBeFramedOverADecoyAndPassesOnItsOriginOnly() throws Exception {
        HttpResponse<String> r = get("/");

        assertEquals(200, r.statusCode());
        assertNeitherSniffedNorFramed(r);
        String policy = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("base-uri 'none'"), policy);
        assertTrue(policy.startsWith("default-src 'none';"), policy); // so no plugins (object-src) either
        assertEquals("strict-origin-when-cross-origin", r.headers().firstValue("Referrer-Policy").orElse(null));
    }

    @Test
    void theButtonPagesScriptsRunByAFreshNonceAndOnlyCodesScriptLoads() throws Exception {
        HttpResponse<String> first = get("/");
        HttpResponse<String> second = get("/");

        java.util.regex.Matcher m = java.util.regex.Pattern.compile("script-src 'nonce-([A-Za-z0-9+/=]+)' ([^;]+);")
                .matcher(first.headers().firstValue("Content-Security-Policy").orElse(""));
        assertTrue(m.find(), first.headers().toString());
        assertEquals("http://127.0.0.1:9", m.group(2), "scripts from the page itself and Code's script's origin only");
        // Every script and style element of the page carries it; a second answer has another.
        assertEquals(3, first.body().split("nonce=\"" + java.util.regex.Pattern.quote(m.group(1)) + "\"", -1).length - 1,
                first.body());
        assertTrue(!second.body().contains(m.group(1)), "the nonce was reused");
        String policy = first.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("; connect-src 'self'") && policy.contains("; frame-src https://sdk.getcode.com"),
                policy);
        assertEquals(1, first.headers().allValues("Content-Security-Policy").size(), first.headers().toString());
    }

    @Test
    void verifyPagesLoadNothingCannotBeFramedAndPassOnNoReferrer() throws Exception {
        String id = createIntent().path("id").asText();
        HttpResponse<String> pending = get("/verify/" + id);
        sequencer.markSubmitted(id);
        HttpResponse<String> paid = get("/verify/" + id);
        HttpResponse<String> garbage = get("/verify/%3Cscript%3E");

        assertEquals(200, paid.statusCode(), paid.body());
        for (HttpResponse<String> r : List.of(pending, paid, garbage)) {
            assertNeitherSniffedNorFramed(r);
            String policy = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.startsWith("default-src 'none'"), policy);
            // The URL is the intent id that opens the report: it goes nowhere as a Referer.
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null));
        }
    }

    @Test
    void createIntentsJsonIsNotSniffedIntoAnythingElse() throws Exception {
        HttpResponse<String> created = post("/create-intent", null);
        HttpResponse<String> refused = post("/create-intent", "{}");

        assertEquals(200, created.statusCode(), created.body());
        assertNeitherSniffedNorFramed(created);
        assertNeitherSniffedNorFramed(refused);
    }

    @Test
    void concurrentVisitsOfAPaidVerifyPageShowTheReportOnce() throws Exception {
        String id = createIntent().path("id").asText();
        sequencer.markSubmitted(id);
        HttpRequest visit = HttpRequest.newBuilder(sample.uri("/verify/" + id)).GET().build();

        List<CompletableFuture<HttpResponse<String>>> visits = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            visits.add(CLIENT.sendAsync(visit, HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> v : visits) {
            answers.add(v.get(30, TimeUnit.SECONDS));
        }

        assertEquals(1, answers.stream().filter(r -> r.statusCode() == 200).count(), answers.toString());
        for (HttpResponse<String> r : answers) {
            // The others: already used (402), or still being redeemed by the first (503, try again).
            assertTrue(r.statusCode() == 200 || r.statusCode() == 402 || r.statusCode() == 503, r.statusCode() + r.body());
            assertTrue(r.statusCode() == 200 || !r.body().contains("Premium market report"), r.body());
        }
    }

    @Test
    void theExistingPaidApiIsUntouched() throws Exception {
        assertEquals(402, get("/premium/report").statusCode());
        assertEquals(200, get("/api/free").statusCode());
    }
}
