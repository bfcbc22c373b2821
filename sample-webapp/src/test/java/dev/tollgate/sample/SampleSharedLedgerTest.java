package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/** Two sample instances with TOLLGATE_LEDGER pointing at the local Redis: a proof paid at one is spent at both. */
class SampleSharedLedgerTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static boolean redisReachable() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aProofPaidAtOneInstanceIsRefusedAtTheOther() throws Exception {
        assumeTrue(redisReachable(), "Redis is not reachable at 127.0.0.1:6379; start it to run this test");
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            System.setProperty("TOLLGATE_FACILITATOR_URL", facilitator.url());
            System.setProperty("TOLLGATE_LEDGER", "redis://127.0.0.1:6379");
            DevMode.DEMO_ACCOUNTS.forEach(System::setProperty);
            Server a = Main.start("127.0.0.1", 0);
            Server b = Main.start("127.0.0.1", 0);
            try {
                String proof = Proofs.proof().v1();
                assertEquals(200, status(a, proof));
                assertEquals(402, status(b, proof));
                assertEquals(1, facilitator.settleRequests().size());
            } finally {
                a.stop();
                b.stop();
                System.clearProperty("TOLLGATE_LEDGER");
                System.clearProperty("TOLLGATE_FACILITATOR_URL");
                DevMode.DEMO_ACCOUNTS.keySet().forEach(System::clearProperty);
            }
        }
    }

    @Test
    void aCodeIntentCreatedAtOneInstanceIsPaidForAtTheOtherOnce() throws Exception {
        assumeTrue(redisReachable(), "Redis is not reachable at 127.0.0.1:6379; start it to run this test");
        try (FacilitatorDouble facilitator = new FacilitatorDouble();
             CodeSequencerDouble sequencer = CodeSequencerDouble.start()) {
            String[] settings = {"TOLLGATE_FACILITATOR_URL", facilitator.url(), "TOLLGATE_LEDGER", "redis://127.0.0.1:6379",
                    "TOLLGATE_CODE_SEQUENCER_URL", sequencer.endpoint().toString(),
                    "TOLLGATE_CODE_SCRIPT_URL", "http://127.0.0.1:9/code-stand-in.js"};
            try (SampleServer a = SampleServer.start(settings); SampleServer b = SampleServer.start(settings)) {
                HttpResponse<String> created = CLIENT.send(HttpRequest.newBuilder(a.uri("/create-intent"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, created.statusCode(), created.body());
                String id = new ObjectMapper().readTree(created.body()).path("id").asText();
                sequencer.markSubmitted(id);

                HttpResponse<String> paid = b.get("/verify/" + id);

                assertEquals(200, paid.statusCode(), paid.body());
                assertTrue(paid.body().contains("Premium market report"));
                HttpResponse<String> again = a.get("/verify/" + id);
                assertEquals(402, again.statusCode());
                assertTrue(again.body().contains("Payment already used"), again.body());
            }
        }
    }

    private static int status(Server server, String proof) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(server.getURI().resolve("/premium/report"))
                .header("X-PAYMENT", proof).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
