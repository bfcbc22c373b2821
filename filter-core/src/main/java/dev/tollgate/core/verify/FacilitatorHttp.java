package dev.tollgate.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP exchanges with one facilitator, shared by both dialects' clients and {@link SupportedCatalog}:
 * blocking, on the calling (request) thread, over a pool of keep-alive HTTP/1.1 connections (Apache
 * HttpClient 5 classic). An asynchronous client hands every response from its selector thread back to the
 * waiting request thread; on a busy machine each of those wake-ups waits for a time slice, which was most of
 * a facilitator call's latency. Here the request thread writes the request and reads the answer itself.
 *
 * <p>Every exchange is bounded the way the rest of Tollgate is:
 * <ul>
 *   <li>time: a connect timeout, and one deadline ({@code requestTimeout}) for the whole exchange, from
 *       waiting for a pooled connection to the last byte of the body. A socket read timeout alone cannot do
 *       that: a facilitator that trickles its headers or body one byte at a time resets it with every byte.
 *       So each exchange registers its cancellation with a {@link DeadlineWatch}, whose one daemon thread
 *       runs it (closing the socket, which ends whatever read or connect the request thread is blocked in)
 *       at most a tick (a twentieth of the timeout, at most 50 ms) after the deadline. Registering wakes no
 *       thread, and the request thread never waits for the watch. The socket read timeout is set to the same
 *       deadline as a backstop.</li>
 *   <li>size: at most {@code maxResponseBytes} of body are read. A longer body (announced or not) is a
 *       malfunction, and its connection is closed, not drained. Header lines and their number are limited
 *       too.</li>
 *   <li>no second sending: no automatic retries ({@code /settle} moves money: a repeated one could charge
 *       twice), no redirects (they would re-send a signed payment to a host nobody configured), no cookies,
 *       no authentication caching or challenges, no compression, no protocol upgrade.</li>
 * </ul>
 *
 * <p>Pooled connections a facilitator has closed while idle are found before they are used: a connection
 * idle for more than {@link #VALIDATE_AFTER_INACTIVITY} is checked (a 1 ms read) before it is leased, and one
 * is kept no longer than the facilitator's announced {@code Keep-Alive: timeout} less a margin, so the
 * facilitator does not close it under a request being sent. Neither can make a request go out twice.
 *
 * <p>Failures are values ({@link NoAnswer}), never exceptions. The configured headers may hold credentials;
 * nothing here logs them, and the connections ({@link UnloggedConnections}) skip HttpClient's own DEBUG
 * logging of headers and wire bytes, which would.
 */
public final class FacilitatorHttp implements AutoCloseable {
    /** Pool size when nothing better is known (a client made from settings alone). */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Beyond a call's deadline, what {@link #close} gives it to end: the deadline timer cancels it a tick late. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(1);
    /** A pooled connection idle this long is checked for a close by the facilitator before it is reused. */
    static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofSeconds(1);
    /** How long a connection is reused when the facilitator announces no keep-alive timeout. */
    static final TimeValue DEFAULT_KEEP_ALIVE = TimeValue.ofSeconds(30);
    private static final ContentType JSON = ContentType.create("application/json");
    private static final int MAX_HEADER_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 100;

    /** Why an exchange has no answer. */
    enum Failure {
        /** no connection, a reset or closed one, bytes that are not HTTP: nothing was answered */
        UNREACHABLE,
        /** the deadline (or the connect timeout) passed */
        TIMED_OUT,
        /** a body over the size limit: the facilitator answered, but not sensibly */
        TOO_LARGE,
        INTERRUPTED,
        CLOSED
    }

    /** What one exchange came to. */
    sealed interface Result permits Answer, NoAnswer {
    }

    /** An answer with any status; {@code retryAfter} is the raw header, or null. */
    record Answer(int status, String retryAfter, byte[] body) implements Result {
    }

    /** No usable answer; {@code detail} names the call and is safe to log and show. */
    record NoAnswer(Failure failure, String detail) implements Result {
        boolean unavailable() {
            return failure != Failure.TOO_LARGE;
        }
    }

    /**
     * A facilitator's JSON object and the status it came with, or why there is none (both dialects). A failed
     * reply may still hold the JSON object of an error answer ({@code json}, else null).
     */
    record JsonReply(int status, JsonNode json, boolean unavailable, String failure, Duration retryAfter) {
        static JsonReply unavailable(String detail, Duration retryAfter) {
            return new JsonReply(0, null, true, detail, retryAfter);
        }

        static JsonReply malfunction(String detail) {
            return new JsonReply(0, null, false, detail, null);
        }

        boolean failed() {
            return failure != null;
        }

        /**
         * Whether the failure speaks of the facilitator as a whole: no answer at all (status 0), a timeout, a rate limit,
         * or a gateway's word that it is unreachable or overloaded. A 500 came from a facilitator that is up and may
         * concern only the payload sent: a bogus proof that makes a facilitator fail must not open the circuit for
         * every payer.
         */
        boolean facilitatorDown() {
            return status == 0 || status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
        }

        VerifyOutcome verifyFailure() {
            return unavailable ? new VerifyOutcome.Unavailable(retryAfter, failure, facilitatorDown())
                    : new VerifyOutcome.Malfunction(failure);
        }

        SettleOutcome settleFailure() {
            return unavailable ? new SettleOutcome.Unavailable(retryAfter, failure, facilitatorDown())
                    : new SettleOutcome.Malfunction(failure);
        }
    }

    private final FacilitatorSettings settings;
    private final FacilitatorAuthorization authorization;
    private final String base;
    private final CloseableHttpClient http;
    private final DeadlineWatch deadlines;
    private final long timeoutNanos;
    private final ObjectMapper mapper = WireJson.mapper();
    private volatile boolean closed;
    /** Guards {@link #posting}, and is waited on by {@link #close} until it is 0. */
    private final Object postingLock = new Object();
    /** POSTs begun and not yet ended (a {@code /settle} among them): {@link #close} lets them end. */
    private int posting;

    /**
     * @param maxConnections the most connections to the facilitator at once; calls beyond it wait for one
     *                       (within their deadline). Size it to the calls that may run at once.
     */
    public FacilitatorHttp(FacilitatorSettings settings, int maxConnections) {
        this(settings, maxConnections, null);
    }

    /** @param authorization headers made for each request, or null (see {@link FacilitatorAuthorization}) */
    public FacilitatorHttp(FacilitatorSettings settings, int maxConnections, FacilitatorAuthorization authorization) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        this.settings = settings;
        this.authorization = authorization;
        this.base = withoutUserInfo(settings.baseUrl()).toString().replaceAll("/+$", "");
        this.timeoutNanos = settings.requestTimeout().toNanos();
        Timeout deadline = Timeout.of(settings.requestTimeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxConnections)
                        .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.STRICT)
                        // The most recently used connection first: under light load one warm connection serves
                        // every call, and the others age out instead of each needing a stale check.
                        .setConnPoolPolicy(PoolReusePolicy.LIFO)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                                .setSocketTimeout(deadline)
                                .setValidateAfterInactivity(VALIDATE_AFTER_INACTIVITY)
                                .build())
                        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(deadline).build())
                        .setConnectionFactory(new UnloggedConnections(Http1Config.custom()
                                .setMaxLineLength(MAX_HEADER_LINE).setMaxHeaderCount(MAX_HEADERS).build()))
                        // The JVM's default TLS context and settings, as the JDK client used.
                        .setTlsSocketStrategy(DefaultClientTlsStrategy.createSystemDefault())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(deadline)
                        .setResponseTimeout(deadline)
                        .setRedirectsEnabled(false)
                        .setAuthenticationEnabled(false)
                        .setContentCompressionEnabled(false)
                        .setExpectContinueEnabled(false)
                        .setProtocolUpgradeEnabled(false)
                        .build())
                .setKeepAliveStrategy((response, context) -> keepAlive(response))
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .disableConnectionState()
                .build();
        this.deadlines = new DeadlineWatch("tollgate-facilitator-deadlines", settings.requestTimeout());
    }

    public FacilitatorSettings settings() {
        return settings;
    }

    /** The facilitator's base URL (without user info or a trailing slash) followed by {@code path}. */
    URI uri(String path) {
        return URI.create(base + path);
    }

    /** {@code POST uri} with a JSON body, read as a facilitator's JSON answer (the x402 and proof-API rules). */
    JsonReply postJson(URI uri, String what, byte[] json) {
        HttpPost post = new HttpPost(uri);
        post.setEntity(new ByteArrayEntity(json, JSON));
        return json(exchange(post, what), what);
    }

    /** {@code GET uri}, as it came. */
    Result get(URI uri, String what) {
        return exchange(new HttpGet(uri), what);
    }

    /**
     * 429, 408 and 5xx are "unavailable" with the facilitator's {@code Retry-After}; statuses other than 200,
     * 400 and 402 and anything but a JSON object are malfunctions.
     */
    JsonReply json(Result result, String what) {
        if (result instanceof NoAnswer n) {
            return n.unavailable() ? JsonReply.unavailable(n.detail(), HttpFacilitatorClient.DEFAULT_RETRY_AFTER)
                    : JsonReply.malfunction(n.detail());
        }
        Answer a = (Answer) result;
        int status = a.status();
        if (status == 429 || status == 408 || status >= 500) {
            // Unavailable whatever the body says, but the body is kept (here and for other statuses below): a
            // /settle error can still name a transaction it broadcast (x402's "settlement_pending").
            return new JsonReply(status, objectOrNull(a.body()), true,
                    "facilitator " + what + " answered HTTP " + status, HttpFacilitatorClient.retryAfter(a.retryAfter()));
        }
        if (status != 200 && status != 400 && status != 402) {
            return new JsonReply(status, objectOrNull(a.body()), false, "facilitator " + what + " answered HTTP " + status,
                    null);
        }
        try {
            JsonNode json = mapper.readTree(a.body());
            if (json == null || !json.isObject()) {
                return JsonReply.malfunction("facilitator " + what + " answered HTTP " + status + " without a JSON object");
            }
            return new JsonReply(status, json, false, null, null);
        } catch (IOException e) {
            return JsonReply.malfunction("facilitator " + what + " answered HTTP " + status + " with malformed JSON");
        }
    }

    private JsonNode objectOrNull(byte[] body) {
        try {
            JsonNode json = mapper.readTree(body);
            return json != null && json.isObject() ? json : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Result exchange(HttpUriRequestBase request, String what) {
        request.setHeader("Accept", "application/json");
        settings.headers().forEach(request::addHeader);
        if (closed) {
            return new NoAnswer(Failure.CLOSED, "facilitator " + what + " not called: the client is closed");
        }
        if (authorization != null) {
            String refused = authorize(request);
            if (refused != null) {
                return new NoAnswer(Failure.UNREACHABLE, "facilitator " + what + " not called: " + refused);
            }
        }
        boolean post = request instanceof HttpPost;
        if (post && !postBegun()) {
            return new NoAnswer(Failure.CLOSED, "facilitator " + what + " not called: the client is closed");
        }
        try {
            return watched(request, what);
        } finally {
            if (post) {
                postEnded();
            }
        }
    }

    private Result watched(HttpUriRequestBase request, String what) {
        Deadline deadline = new Deadline(request);
        DeadlineWatch.Watched timer = deadlines.watch(deadline, timeoutNanos);
        if (timer == null) {
            return new NoAnswer(Failure.CLOSED, "facilitator " + what + " not called: the client is closed");
        }
        ClassicHttpResponse response = null;
        try {
            response = http.executeOpen(null, request, null);
            Header retryAfter = response.getFirstHeader("Retry-After");
            byte[] body = boundedBody(response.getEntity());
            if (body == null) {
                // Abandon the connection rather than drain the rest of the body through it.
                request.cancel();
                return new NoAnswer(Failure.TOO_LARGE, "facilitator " + what + ": response body larger than "
                        + settings.maxResponseBytes() + " bytes");
            }
            return new Answer(response.getCode(), retryAfter == null ? null : retryAfter.getValue(), body);
        } catch (IOException | IllegalStateException e) {
            // IllegalStateException: the pool was shut down under this call (the Tollgate was closed).
            return failure(e, deadline.fired, what);
        } finally {
            deadlines.unwatch(timer);
            if (response != null) {
                try {
                    // Read to its end, the body has already returned the connection; abandoned, it is closed.
                    response.close();
                } catch (IOException | RuntimeException ignored) {
                    // the connection is gone either way
                }
            }
        }
    }

    /** Adds the authorization's headers to the request; null when they were added, else why none could be. */
    private String authorize(HttpUriRequestBase request) {
        Map<String, String> made;
        try {
            made = authorization.headers(request.getMethod(), request.getUri());
        } catch (Exception | LinkageError e) {
            // Its message could quote the credential it failed to use: the class is enough to find the fault.
            return "its authorization failed (" + e.getClass().getName() + ")";
        }
        if (made == null) {
            return null;
        }
        for (Map.Entry<String, String> h : made.entrySet()) {
            if (!FacilitatorSettings.sendableHeader(h.getKey(), h.getValue())) {
                return "its authorization made a header that cannot be sent";
            }
        }
        made.forEach(request::setHeader);
        return null;
    }

    private NoAnswer failure(Exception e, boolean expired, String what) {
        if (expired || e instanceof SocketTimeoutException && !(e instanceof ConnectTimeoutException)) {
            return new NoAnswer(Failure.TIMED_OUT, FacilitatorFailures.timedOut(what, settings.requestTimeout()));
        }
        if (e instanceof ConnectTimeoutException) {
            return new NoAnswer(Failure.TIMED_OUT, FacilitatorFailures.timedOut(what, settings.connectTimeout())
                    + " connecting");
        }
        if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
            return new NoAnswer(Failure.INTERRUPTED, "interrupted while calling facilitator " + what);
        }
        if (closed) {
            return new NoAnswer(Failure.CLOSED, "facilitator " + what + " abandoned: the client was closed");
        }
        return new NoAnswer(Failure.UNREACHABLE, FacilitatorFailures.unreachable(what, e));
    }

    /**
     * The body, or null once more than the limit has arrived (then the rest is left unread). A declared length
     * over the limit is not refused before that: a body that trickles in gets the deadline, as it always has.
     */
    private byte[] boundedBody(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        int limit = settings.maxResponseBytes();
        long declared = entity.getContentLength();
        InputStream in = entity.getContent();
        if (declared >= 0 && declared <= limit) {
            byte[] body = in.readNBytes((int) declared);
            // Reading the end returns the connection to the pool.
            return in.read() == -1 ? body : null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 1024));
        byte[] chunk = new byte[Math.min(limit + 1, 8192)];
        int n;
        while ((n = in.read(chunk)) != -1) {
            if (out.size() + n > limit) {
                return null;
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * The facilitator's announced keep-alive less a margin, so that its idle timeout does not close the
     * connection as a request goes out on it; {@link #DEFAULT_KEEP_ALIVE} when it announces none.
     */
    static TimeValue keepAlive(HttpResponse response) {
        Header header = response.getFirstHeader("Keep-Alive");
        if (header == null) {
            return DEFAULT_KEEP_ALIVE;
        }
        for (String part : header.getValue().split(",")) {
            String p = part.strip();
            if (p.regionMatches(true, 0, "timeout=", 0, 8)) {
                long seconds;
                try {
                    seconds = Long.parseLong(p.substring(8).strip());
                } catch (NumberFormatException e) {
                    return DEFAULT_KEEP_ALIVE;
                }
                if (seconds <= 0) {
                    // Zero would mean "forever" to the pool; a millisecond means "do not reuse".
                    return TimeValue.ofMilliseconds(1);
                }
                return seconds <= 2 ? TimeValue.ofMilliseconds(seconds * 500) : TimeValue.ofSeconds(seconds - 1);
            }
        }
        return DEFAULT_KEEP_ALIVE;
    }

    /** HttpClient refuses user info in a request URI; the JDK client ignored it, and so does this. */
    static URI withoutUserInfo(URI u) {
        if (u.getRawUserInfo() == null) {
            return u;
        }
        return URI.create(u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
    }

    private boolean postBegun() {
        synchronized (postingLock) {
            if (closed) {
                return false;
            }
            posting++;
            return true;
        }
    }

    private void postEnded() {
        synchronized (postingLock) {
            if (--posting == 0) {
                postingLock.notifyAll();
            }
        }
    }

    /**
     * Refuses new calls, lets the POSTs under way end (each within its deadline, so this waits at most
     * {@code requestTimeout} and a moment), then releases the pooled connections and the timer; a GET still running
     * ends as unavailable. A {@code /settle} the facilitator has received may already be on chain: cut off, it
     * would be reported unavailable, and the payer charged without the content (the web application being stopped
     * while a paid request settles).
     */
    @Override
    public void close() {
        synchronized (postingLock) {
            closed = true;
            long end = System.nanoTime() + timeoutNanos + CLOSE_MARGIN.toNanos();
            try {
                for (long left = timeoutNanos; posting > 0 && (left = end - System.nanoTime()) > 0; ) {
                    TimeUnit.NANOSECONDS.timedWait(postingLock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // whoever interrupts a close wants it over: cut the calls off
            }
        }
        deadlines.close();
        http.close(CloseMode.GRACEFUL);
    }

    /** Cancels one exchange at its deadline: the connection is closed under whatever read is blocked on it. */
    private static final class Deadline implements Runnable {
        private final HttpUriRequestBase request;
        volatile boolean fired;

        Deadline(HttpUriRequestBase request) {
            this.request = request;
        }

        @Override
        public void run() {
            fired = true;
            request.cancel();
        }
    }
}
