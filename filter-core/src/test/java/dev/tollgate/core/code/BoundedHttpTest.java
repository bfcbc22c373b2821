package dev.tollgate.core.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BoundedHttpTest {
    @Test
    void aFailedCallNamesTheAddressWithoutItsUserInfoOrQuery() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        BoundedHttp http = new BoundedHttp(Duration.ofSeconds(2), Duration.ofSeconds(5), 1024);
        URI secretive = URI.create("http://user:hunter2@127.0.0.1:" + closedPort + "/v1/intents?token=sk_live_42");
        CodeApiException e = assertThrows(CodeApiException.class,
                () -> http.exchange(http.request(secretive).GET().build(), "getStatus"));
        assertEquals(CodeApiException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("http://127.0.0.1:" + closedPort + "/v1/intents"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("sk_live_42"), e.getMessage());
    }
}
