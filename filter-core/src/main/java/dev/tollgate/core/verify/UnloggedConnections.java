package dev.tollgate.core.verify;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.DefaultContentLengthStrategy;
import org.apache.hc.core5.http.impl.io.DefaultHttpRequestWriterFactory;
import org.apache.hc.core5.http.impl.io.NoResponseOutOfOrderStrategy;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.io.HttpMessageParserFactory;
import org.apache.hc.core5.http.io.HttpMessageWriterFactory;

/**
 * Facilitator connections that never log what they carry. HttpClient 5's own connections log every request
 * header with its value while the logger {@code org.apache.hc.client5.http.headers} is at DEBUG, and every
 * byte sent while {@code org.apache.hc.client5.http.wire} is: the facilitator's API key
 * ({@code facilitator.header.*}) would then be written to the application's log by whoever turned on debug
 * logging to chase an outage. These connections skip both, whatever the levels; Tollgate's listener events
 * say what was called and how it went.
 *
 * <p>Everything else is what {@code ManagedHttpClientConnectionFactory} builds: the same {@link Http1Config}
 * (and so the same header limits), the client's lenient response parser, the default length strategies.
 */
final class UnloggedConnections implements HttpConnectionFactory<ManagedHttpClientConnection> {
    private static final AtomicLong COUNTER = new AtomicLong();

    private final Http1Config http1;
    private final HttpMessageWriterFactory<ClassicHttpRequest> writers;
    private final HttpMessageParserFactory<ClassicHttpResponse> parsers;

    UnloggedConnections(Http1Config http1) {
        this.http1 = http1;
        this.writers = new DefaultHttpRequestWriterFactory(http1);
        this.parsers = new DefaultHttpResponseParserFactory(http1);
    }

    @Override
    public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
        UnloggedConnection connection = unbound();
        if (socket != null) {
            connection.bind(socket);
        }
        return connection;
    }

    @Override
    public ManagedHttpClientConnection createConnection(SSLSocket sslSocket, Socket socket) throws IOException {
        UnloggedConnection connection = unbound();
        connection.bind(sslSocket, socket);
        return connection;
    }

    private UnloggedConnection unbound() {
        return new UnloggedConnection("tollgate-facilitator-" + COUNTER.getAndIncrement(), http1, writers, parsers);
    }

    private static final class UnloggedConnection extends DefaultManagedHttpClientConnection {
        UnloggedConnection(String id, Http1Config http1, HttpMessageWriterFactory<ClassicHttpRequest> writers,
                           HttpMessageParserFactory<ClassicHttpResponse> parsers) {
            super(id, null, null, http1, DefaultContentLengthStrategy.INSTANCE, DefaultContentLengthStrategy.INSTANCE,
                    NoResponseOutOfOrderStrategy.INSTANCE, writers, parsers);
        }

        // The inherited binds wrap the socket in a wire-logging holder when the wire logger is at DEBUG.
        @Override
        public void bind(Socket socket) throws IOException {
            bind(new SocketHolder(socket));
        }

        @Override
        public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
            bind(new SocketHolder(sslSocket, socket));
        }

        // The inherited hooks write the request and response headers, values included, to the header logger.
        @Override
        protected void onRequestSubmitted(ClassicHttpRequest request) {
        }

        @Override
        protected void onResponseReceived(ClassicHttpResponse response) {
        }
    }
}
