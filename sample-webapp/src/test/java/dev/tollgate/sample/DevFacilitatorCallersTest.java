package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.junit.jupiter.api.Test;

/**
 * Dev mode's facilitator settles simulated payments with no authentication: with HOST=0.0.0.0 any host that reaches
 * the port could use it as a free facilitator or spend the demo payer's simulated funds. It answers callers on
 * this machine only, unless TOLLGATE_DEV_FACILITATOR_REMOTE=true.
 */
class DevFacilitatorCallersTest {

    private static InetSocketAddress at(int a, int b, int c, int d) throws Exception {
        // A literal address: nothing is looked up.
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), 8080);
    }

    @Test
    void aCallerOnThisMachineIsOneOnLoopbackOrFromTheAddressItCalled() throws Exception {
        assertTrue(DevMode.fromThisMachine(at(127, 0, 0, 1), at(127, 0, 0, 1)));
        assertTrue(DevMode.fromThisMachine(at(127, 0, 0, 1), at(0, 0, 0, 0)));
        // HOST=192.0.2.10: the filter reaches the dev facilitator at 192.0.2.10, and so arrives from it.
        assertTrue(DevMode.fromThisMachine(at(192, 0, 2, 10), at(192, 0, 2, 10)));
        assertTrue(DevMode.fromThisMachine(new InetSocketAddress(InetAddress.getByAddress(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 1), at(127, 0, 0, 1)));

        assertFalse(DevMode.fromThisMachine(at(192, 0, 2, 77), at(192, 0, 2, 10)));
        assertFalse(DevMode.fromThisMachine(at(203, 0, 113, 9), at(0, 0, 0, 0)));
        assertFalse(DevMode.fromThisMachine(at(0, 0, 0, 0), at(0, 0, 0, 0)), "an unknown peer is not this machine");
        assertFalse(DevMode.fromThisMachine(null, at(127, 0, 0, 1)));
    }

    @Test
    void aCallerNotOnThisMachineIsRefusedWith403AndAJsonErrorWhileTheSampleItselfStillSettles() throws Exception {
        try (SampleServer sample = SampleServer.start()) {
            // A connector whose peer is no address of this machine: it stands for a caller from another host.
            LocalConnector elsewhere = new LocalConnector(sample.server());
            sample.server().addConnector(elsewhere);
            elsewhere.start();
            HttpTester.Response r = HttpTester.parseResponse(elsewhere.getResponse(
                    "GET /dev-facilitator/supported HTTP/1.1\r\nHost: sample\r\nConnection: close\r\n\r\n"));

            assertEquals(403, r.getStatus(), r.getContent());
            assertTrue(r.get("Content-Type").startsWith("application/json"), r.toString());
            assertTrue(r.getContent().contains("TOLLGATE_DEV_FACILITATOR_REMOTE"), r.getContent());

            // The sample's own filter (over loopback) and a local tool still reach it.
            assertEquals(200, sample.get("/dev-facilitator/supported").statusCode());
            assertEquals(0, DemoPayer.run(java.util.List.of(sample.uri("/premium/report").toString()),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
        }
    }

    @Test
    void aForwardedHeaderDoesNotDecideWhoTheCallerIs() throws Exception {
        // Behind TOLLGATE_TRUST_FORWARDED the request's client address follows the header; the guard reads the
        // connection, so a header naming another host neither locks out a local caller nor (its mirror) lets one in.
        try (SampleServer sample = SampleServer.start("TOLLGATE_TRUST_FORWARDED", "true")) {
            HttpResponse<String> r = sample.get("/dev-facilitator/supported", "X-Forwarded-For", "203.0.113.9");
            assertEquals(200, r.statusCode(), r.body());
        }
    }

    @Test
    void aSettingThatIsNeitherTrueNorFalseStopsStartUpNamingIt() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> SampleServer.start("TOLLGATE_DEV_FACILITATOR_REMOTE", "yes").close());
        assertTrue(e.getMessage().contains("TOLLGATE_DEV_FACILITATOR_REMOTE"), e.getMessage());
    }

    @Test
    void remoteCallersCanBeLetInOnPurpose() throws Exception {
        try (SampleServer sample = SampleServer.start("TOLLGATE_DEV_FACILITATOR_REMOTE", "true")) {
            LocalConnector elsewhere = new LocalConnector(sample.server());
            sample.server().addConnector(elsewhere);
            elsewhere.start();
            HttpTester.Response r = HttpTester.parseResponse(elsewhere.getResponse(
                    "GET /dev-facilitator/supported HTTP/1.1\r\nHost: sample\r\nConnection: close\r\n\r\n"));
            assertEquals(200, r.getStatus(), r.getContent());
        }
    }
}
