package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A port in use or a host that is not this machine's is a start-up error naming HOST and PORT. */
class MainListenTest {
    @Test
    void aPortInUseIsReportedNamingHostAndPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Exception e = assertThrows(Exception.class, () -> Main.start("127.0.0.1", port).stop());
            String printed = Main.rootMessage(e);
            assertTrue(printed.startsWith("cannot listen on HOST 127.0.0.1, PORT " + port + ": "), printed);
        }
    }

    @Test
    void aHostThatCannotBeResolvedIsReportedNamingIt() {
        Exception e = assertThrows(Exception.class, () -> Main.start("nonexistent.invalid", 0).stop());
        assertEquals("cannot listen on HOST nonexistent.invalid, PORT 0: no such host", Main.rootMessage(e));
    }
}
