package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo payer pointed at a sample that is not running says so, not "pay: null". */
class DemoPayerUnreachableTest {
    @Test
    void aServerThatIsNotRunningIsReportedByItsUrl() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        String url = "http://127.0.0.1:" + port + "/premium/report";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int status = DemoPayer.run(List.of(url), out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("cannot connect to " + url), said);
    }
}
