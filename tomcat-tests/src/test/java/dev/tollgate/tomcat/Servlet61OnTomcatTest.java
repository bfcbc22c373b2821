package dev.tollgate.tomcat;

import static dev.tollgate.tomcat.PaidServlets.ACCENTED;
import static dev.tollgate.tomcat.PaidServlets.PAID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Servlet 6.1's new response methods, called by paid servlets on a 6.1 container. {@code HttpServletResponseWrapper}
 * 6.1 hands them straight to the container's response; the servlet binding, built against 6.0, declares them on its
 * buffer so that nothing leaves before the settlement, and the answer is the one Tomcat gives the same servlet unpaid.
 */
class Servlet61OnTomcatTest {
    private static TomcatApp app;

    @BeforeAll
    static void start() throws Exception {
        app = new TomcatApp();
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @BeforeEach
    void reset() {
        app.reset();
    }

    @Test
    void theApiOnTheTestClassPathIsServlet61() throws NoSuchMethodException {
        // Without it the tests below would call nothing new.
        HttpServletResponse.class.getMethod("sendRedirect", String.class, int.class, boolean.class);
    }

    @Test
    void aPaidRedirectWithAStatusIsSentAfterTheSettlementCarryingItsReceipt() throws Exception {
        HttpResponse<String> r = app.get("/premium/redirect?status=302&clear=true", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(302, r.statusCode(), r.body());
        assertEquals("/free/landing", r.headers().firstValue("Location").orElse(null));
        assertFalse(r.body().contains(PAID), "the cleared buffer was sent: " + r.body());
        // Headers added after the settlement are on the redirect: it had not gone out before.
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), r.headers().map().toString());
        assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @Test
    void aPaidRedirectKeepingItsBodyIsSentWithItsStatusAndBodyAfterTheSettlement() throws Exception {
        HttpResponse<String> r = app.get("/premium/redirect?status=307&clear=false", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(307, r.statusCode(), r.body());
        assertEquals("/free/landing", r.headers().firstValue("Location").orElse(null));
        assertEquals(PAID + ", see elsewhere", r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(1, app.settlements());
    }

    @Test
    void aRefusedSettlementSendsNoRedirect() throws Exception {
        app.refuseSettlements(true);

        String answer = app.raw("/premium/redirect?status=302&clear=true", "X-PAYMENT: " + Proofs.proof().v1());

        assertTrue(answer.startsWith("HTTP/1.1 402 "), answer);
        assertEquals(answer.indexOf("HTTP/1.1 "), answer.lastIndexOf("HTTP/1.1 "), "more than one answer: " + answer);
        assertFalse(answer.toLowerCase(Locale.ROOT).contains("\r\nlocation:"), answer);
        assertFalse(answer.contains(PAID), answer);
        assertEquals(1, PaidServlets.RUNS.get());
    }

    @Test
    void aCharsetGivenAsACharsetObjectIsTheOneThePaidBodyIsEncodedInAndNamedWith() throws Exception {
        // The servlet asks for UTF-16 once its writer is out, which Tomcat ignores: the paid answer must too.
        HttpResponse<byte[]> unpaid = app.getBytes("/free/charset");
        HttpResponse<byte[]> paid = app.getBytes("/premium/charset", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, unpaid.statusCode());
        assertEquals("text/plain;charset=UTF-8", unpaid.headers().firstValue("Content-Type").orElse(null));
        assertArrayEquals(ACCENTED.getBytes(StandardCharsets.UTF_8), unpaid.body());
        assertEquals(200, paid.statusCode());
        assertEquals(unpaid.headers().firstValue("Content-Type").orElse(null),
                paid.headers().firstValue("Content-Type").orElse(null));
        assertArrayEquals(unpaid.body(), paid.body());
        assertEquals(1, app.settlements());
    }

    @Test
    void aRefusedSettlementSendsNothingOfTheCharsetServletsAnswer() throws Exception {
        app.refuseSettlements(true);

        HttpResponse<String> r = app.get("/premium/charset", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }
}
