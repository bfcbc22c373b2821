package dev.tollgate.reliability.http;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;

/** One HTTP/2 stream over h2c with prior knowledge, seen as frames: every HEADERS status, every field name. */
final class Http2Frames {
    private Http2Frames() {
    }

    /** The statuses of the HEADERS frames in order, the response field names (lower case), the DATA bytes. */
    record Reply(List<Integer> statuses, Set<String> headers, String body, boolean reset) {
    }

    /** Opens the stream with {@code fields}; sends {@code body} as one DATA frame unless null (then waits). */
    static Reply exchange(int port, String method, String path, HttpFields.Mutable fields, String body)
            throws Exception {
        HTTP2Client client = new HTTP2Client();
        client.start();
        try {
            Session session = client.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() { })
                    .get(5, TimeUnit.SECONDS);
            List<Integer> statuses = new ArrayList<>();
            Set<String> names = new TreeSet<>();
            StringBuilder data = new StringBuilder();
            CompletableFuture<Boolean> ended = new CompletableFuture<>();
            MetaData.Request request = new MetaData.Request(method,
                    HttpURI.from("http://127.0.0.1:" + port + path), HttpVersion.HTTP_2, fields);
            Stream stream = session.newStream(new HeadersFrame(request, null, false), new Stream.Listener() {
                @Override
                public void onHeaders(Stream s, HeadersFrame frame) {
                    if (frame.getMetaData() instanceof MetaData.Response response) {
                        statuses.add(response.getStatus());
                        response.getHttpFields().forEach(f -> names.add(f.getName().toLowerCase(Locale.ROOT)));
                    }
                    if (frame.isEndStream()) {
                        ended.complete(false);
                    } else {
                        s.demand();
                    }
                }

                @Override
                public void onDataAvailable(Stream s) {
                    Stream.Data d = s.readData();
                    if (d == null) {
                        s.demand();
                        return;
                    }
                    data.append(StandardCharsets.UTF_8.decode(d.frame().getByteBuffer()));
                    d.release();
                    if (d.frame().isEndStream()) {
                        ended.complete(false);
                    } else {
                        s.demand();
                    }
                }

                @Override
                public void onReset(Stream s, ResetFrame frame, Callback callback) {
                    ended.complete(true);
                    callback.succeeded();
                }
            }).get(5, TimeUnit.SECONDS);
            if (body != null) {
                stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), true));
            }
            boolean reset = ended.get(10, TimeUnit.SECONDS);
            return new Reply(statuses, names, data.toString(), reset);
        } finally {
            client.stop();
        }
    }
}
