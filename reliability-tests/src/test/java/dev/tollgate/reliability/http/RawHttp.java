package dev.tollgate.reliability.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sends bytes as an attacker would (no client library normalizes anything) and reads whatever comes back. */
final class RawHttp {
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

    private RawHttp() {
    }

    /** Writes {@code request} verbatim to 127.0.0.1:port and reads until the server closes or goes quiet. */
    static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) != -1; ) {
                    all.write(buf, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                // a server that keeps the connection open after answering: what arrived is the answer
            } catch (IOException reset) {
                // a server that resets after a 400 still sent its answer first
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** A request line plus headers; {@code Connection: close} unless the caller sets its own. */
    static String request(String method, String target, List<String> headers, String body) {
        StringBuilder b = new StringBuilder();
        b.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        boolean connection = false;
        for (String h : headers) {
            b.append(h).append("\r\n");
            connection |= h.regionMatches(true, 0, "Connection:", 0, 11);
        }
        if (!connection) {
            b.append("Connection: close\r\n");
        }
        b.append("\r\n");
        if (body != null) {
            b.append(body);
        }
        return b.toString();
    }

    /** Every status code in a response stream (several when a second request was smuggled in). */
    static List<Integer> statuses(String response) {
        List<Integer> out = new ArrayList<>();
        Matcher m = STATUS.matcher(response);
        while (m.find()) {
            if (m.start() == 0 || response.startsWith("\n", m.start() - 1)) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        return out;
    }
}
