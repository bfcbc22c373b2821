package dev.tollgate.jaxrs;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Requests sent byte for byte, for what an HTTP client library would not send (a body declared, never sent). */
final class RawHttp {
    private RawHttp() {
    }

    /** Sends {@code request} as it is to 127.0.0.1:{@code port}; returns the response's head, up to its blank line. */
    static String head(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            InputStream in = s.getInputStream();
            for (int b; head.indexOf("\r\n\r\n") < 0 && (b = in.read()) != -1; ) {
                head.append((char) b);
            }
            return head.toString();
        }
    }
}
