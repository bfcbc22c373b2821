package dev.tollgate.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Holds everything a paid handler writes until the payment is settled: nothing reaches the client, and the
 * response cannot be committed, before {@link #commitTo} is called. Past the limit, writes fail and the
 * response is marked overflowed, so it can be refused without charging.
 */
final class BufferedResponse extends HttpServletResponseWrapper {
    private final long limit;
    /** The response this was made to wrap: see {@link #included()}. */
    private final HttpServletResponse containerResponse;
    private final LimitedBytes bytes = new LimitedBytes();
    private ServletOutputStream stream;
    private HandlersWriter writer;
    /** The charset the writer encodes in, once there is one. */
    private String writerEncoding;
    private int status = SC_OK;
    /** What the handler passed to sendError (status is 500 for a negative one). */
    private int errorCode;
    private String errorMessage;
    private boolean error;
    private String redirect;
    /** Set by Servlet 6.1's forms of sendRedirect: their status, and whether the written body goes with it. */
    private int redirectStatus = SC_FOUND;
    private boolean redirectKeepsBody;
    private boolean overflowed;
    /** The handler flushed or closed its output, which commits a container's response. */
    private boolean flushedByHandler;

    /**
     * The headers the container's response held when the paid handler was given this buffer, as name and value in
     * turn: set by what runs before Tollgate (a CORS filter, a session cookie), not by the handler. See
     * {@link #discardAnswer()}. One array, made on every paid request, and read only when the answer is refused.
     */
    private final String[] headersBefore;

    BufferedResponse(HttpServletResponse response, long limit) {
        super(response);
        this.limit = limit;
        this.containerResponse = response;
        this.headersBefore = headersOf(response);
    }

    private static final String[] NO_HEADERS = new String[0];

    private static String[] headersOf(HttpServletResponse response) {
        Collection<String> names = response.getHeaderNames();
        if (names == null || names.isEmpty()) {
            return NO_HEADERS;
        }
        List<String> pairs = new ArrayList<>(names.size() * 2);
        for (String name : names) {
            for (String value : response.getHeaders(name)) {
                pairs.add(name);
                pairs.add(value);
            }
        }
        return pairs.toArray(NO_HEADERS);
    }

    /**
     * Clears the container's response of everything the paid handler set (status, headers, cookies, body), which was
     * not paid for, but keeps the headers it had before the handler ran. A plain {@code reset()} dropped those too: a
     * CORS filter's {@code Access-Control-Allow-Origin}, so that a browser client on another origin could not read the
     * 402 of a refused settlement, nor learn why it was not served.
     */
    void discardAnswer() {
        containerResponse.reset();
        // Jetty keeps its own Date and Server through a reset: added again, they would go out twice. Asked before any
        // is added back, so that a header with several values gets all of them.
        boolean[] kept = new boolean[headersBefore.length / 2];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = containerResponse.containsHeader(headersBefore[2 * i]);
        }
        for (int i = 0; i < kept.length; i++) {
            if (!kept[i]) {
                containerResponse.addHeader(headersBefore[2 * i], headersBefore[2 * i + 1]);
            }
        }
    }

    /**
     * Whether an include is under way whose container wrapper sits beneath this one. Tomcat slips its include wrapper
     * in under the application's wrappers, this one among them, for the include's duration ({@code setResponse}), so
     * the included servlet's calls reach this buffer before the wrapper that would ignore them: the Servlet
     * specification has an included servlet's attempts to change the status ignored. Held here, an included page's
     * {@code setStatus(500)} sent the whole paid page with the 500, unsettled, and its {@code sendRedirect} was settled
     * and sent in place of the page. (Jetty wraps an include above this buffer, and decides itself what reaches it.)
     */
    private boolean included() {
        return getResponse() != containerResponse;
    }

    int status() {
        return status;
    }

    /** Where the handler's answer sends the client: its {@code sendRedirect}'s, or the {@code Location} set. */
    String location() {
        return redirect != null ? redirect : containerResponse.getHeader("Location");
    }

    /** Forgets what the handler wrote, for an answer sent without its body. */
    void dropBody() {
        if (writer != null) {
            writer.drain();
        }
        bytes.reset();
    }

    /** Whether the handler answered with {@code sendError}: the container's error answer, not its own. */
    boolean errorSent() {
        return error;
    }

    /**
     * Whether the handler wrote more than the limit. The writer's encoder keeps the last few KiB it was given
     * until it is flushed, which a handler leaves to the container; so it is flushed first, or a body that only
     * that flush would find too large would be settled and then sent cut short.
     */
    boolean overflowed() {
        if (writer != null) {
            writer.drain();
        }
        return overflowed;
    }

    /**
     * Ignored once the container would have committed the answer (the handler sent an error or a redirect, flushed
     * or closed its output, or wrote more than the response buffer holds), as the container ignores it then: the
     * status the payment is settled or released on must be the one the answer goes out with. A 500 set after the
     * paid content was flushed would otherwise send that content uncharged. A reset of the buffer, which drops that
     * content, lets the handler set it again.
     */
    @Override
    public void setStatus(int sc) {
        if (!included() && !committedAsContainerWould()) {
            status = sc;
        }
    }

    /**
     * Whether a container's response would be committed by now; what it committed would be on its way out. The writer's
     * encoder holds up to 8 KiB of what the handler wrote, which the container would already count: it is drained
     * first, or a body a little over the buffer size looked uncommitted and a late 500 sent it free.
     */
    private boolean committedAsContainerWould() {
        if (writer != null) {
            writer.drain();
        }
        return error || redirect != null || flushedByHandler || bytes.size() > getBufferSize();
    }

    /**
     * The handler forwards the request ({@code RequestDispatcher.forward}). The container then clears its uncommitted
     * buffer and lets the target choose between writer and stream afresh, so nothing written before the forward goes
     * out; that output is held here instead, and is discarded here too, or a forward to an error page (which is not
     * charged) would send the paid content along with it. Once the container would have committed the answer, a
     * forward fails, as the container's does.
     */
    void forwarding() {
        if (committedAsContainerWould()) {
            throw new IllegalStateException("cannot forward after the response has been committed");
        }
        resetBuffer();
        forgetOutput();
    }

    /** The buffered response {@code response} is or wraps; null if none. */
    static BufferedResponse in(ServletResponse response) {
        ServletResponse r = response;
        while (!(r instanceof BufferedResponse)) {
            if (!(r instanceof ServletResponseWrapper w)) {
                return null;
            }
            r = w.getResponse();
        }
        return (BufferedResponse) r;
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void sendError(int sc, String msg) {
        if (sc >= 100 && sc < 200) {
            // An interim answer (Jetty sends sendError(102) and sendError(103) at once, as Processing and Early Hints)
            // does not end the handler's answer: recorded as one, it would be settled and then sent alone, the
            // content dropped. It may not go out before the payment is settled either, with the handler's headers;
            // interim answers are optional, so it is left out.
            return;
        }
        if (included()) {
            return;
        }
        if (sc >= 0 && committedAsContainerWould()) {
            // Refused as the container refuses it (after a flush, a full buffer, a redirect or an earlier sendError;
            // Jetty's abort, sendError(-1), is taken at any time). Recorded, it replaced the content the container
            // would have sent: a handler that catches the refusal and carries on had its payer answered with an
            // error page instead, and charged for it when the code was below 400.
            throw new IllegalStateException("cannot send an error after the response has been committed");
        }
        // Jetty's sendError(-1) aborts the connection: a failed answer, so nothing may be settled for it (status
        // -1 is below 400). The abort itself is passed on when the response is committed.
        status = sc < 0 ? SC_INTERNAL_SERVER_ERROR : sc;
        errorCode = sc;
        error = true;
        errorMessage = msg;
    }

    @Override
    public void sendError(int sc) {
        sendError(sc, null);
    }

    /**
     * Refused, as the container refuses it, once the answer would be committed: recorded, it was settled as a paid
     * redirect and sent in place of the content, an answer the container never gives.
     */
    @Override
    public void sendRedirect(String location) {
        if (included()) {
            return;
        }
        if (committedAsContainerWould()) {
            throw new IllegalStateException("cannot redirect after the response has been committed");
        }
        status = SC_FOUND;
        redirect = location;
        redirectStatus = SC_FOUND;
        redirectKeepsBody = false;
    }

    /**
     * Servlet 6.1's forms of {@code sendRedirect}, declared without {@code @Override} because the API this is built
     * against is 6.0. On a 6.1 container {@link HttpServletResponseWrapper} would hand them straight to the
     * container's response, and the redirect would go out before the payment is settled (or refused). Held like
     * {@link #sendRedirect(String)}; sent with its status and {@code Location} as given.
     */
    public void sendRedirect(String location, int sc, boolean clearBuffer) {
        if (included()) {
            return;
        }
        sendRedirect(location);
        if (clearBuffer) {
            resetBuffer();
        }
        status = sc;
        redirectStatus = sc;
        redirectKeepsBody = !clearBuffer;
    }

    /** Servlet 6.1: see {@link #sendRedirect(String, int, boolean)}. */
    public void sendRedirect(String location, int sc) {
        sendRedirect(location, sc, true);
    }

    /** Servlet 6.1: see {@link #sendRedirect(String, int, boolean)}. */
    public void sendRedirect(String location, boolean clearBuffer) {
        sendRedirect(location, SC_FOUND, clearBuffer);
    }

    /** Servlet 6.1's form, kept to the writer's charset rule like {@link #setCharacterEncoding(String)}. */
    public void setCharacterEncoding(java.nio.charset.Charset encoding) {
        setCharacterEncoding(encoding == null ? null : encoding.name());
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        // The real length is set when the buffer is committed; the declared one only sizes the buffer.
        bytes.expect(len);
    }

    @Override
    public void setHeader(String name, String value) {
        if (!"Content-Length".equalsIgnoreCase(name)) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!"Content-Length".equalsIgnoreCase(name)) {
            super.addHeader(name, value);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() has already been called");
        }
        if (stream == null) {
            stream = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new IllegalStateException("non-blocking writes are not supported on paid routes");
                }

                @Override
                public void write(int b) throws IOException {
                    bytes.checkRoom(1);
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    bytes.checkRoom(len);
                    bytes.write(b, off, len);
                }

                @Override
                public void flush() {
                    flushedByHandler = true;
                }

                @Override
                public void close() {
                    flushedByHandler = true;
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() {
        if (stream != null && writer == null) {
            throw new IllegalStateException("getOutputStream() has already been called");
        }
        if (writer == null) {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            // A container fixes the charset when it hands out its writer, and names it in Content-Type (Jetty does
            // for text/html and text/plain, whose charset it otherwise only infers). The container's writer is never
            // asked for here, so the charset is fixed the same way, or the body would go out in a charset its
            // Content-Type does not name.
            writerEncoding = encoding == null ? charset.name() : encoding;
            super.setCharacterEncoding(writerEncoding);
            stream = null;
            writer = new HandlersWriter(new OutputStreamWriter(new java.io.OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    bytes.checkRoom(1);
                    bytes.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    bytes.checkRoom(len);
                    bytes.write(b, off, len);
                }
            }, charset));
        }
        return writer;
    }

    /** Once the writer is out, its charset stays (as the Servlet specification has it): the body is encoded in it. */
    @Override
    public void setCharacterEncoding(String encoding) {
        if (writer == null) {
            super.setCharacterEncoding(encoding);
        }
    }

    @Override
    public void setContentType(String type) {
        super.setContentType(type);
        if (writer != null && type != null) {
            super.setCharacterEncoding(writerEncoding);
        }
    }

    @Override
    public void flushBuffer() {
        flushedByHandler = true;
        if (writer != null) {
            writer.drain();
        }
    }

    /**
     * Refused once content was written, as the Servlet specification has a container refuse it: the response buffer's
     * size decides whether the content already written would have been committed, and so whether a later error status
     * is honoured. Enlarged afterwards, a 500 set once more than the old size was written released the payment and
     * sent that content with it, free.
     */
    @Override
    public void setBufferSize(int size) {
        if (included()) {
            return;
        }
        if (committedAsContainerWould() || bytes.size() > 0) {
            throw new IllegalStateException("cannot set the buffer size after content has been written");
        }
        super.setBufferSize(size);
    }

    /**
     * Whether the container's response would be committed by now: nothing has left, but the answer is held to what a
     * committed one allows (a later error status is ignored, a forward or redirect refused), and a handler that asks
     * before it chooses between an error page and carrying on must be told so.
     */
    @Override
    public boolean isCommitted() {
        return committedAsContainerWould();
    }

    @Override
    public void resetBuffer() {
        if (writer != null) {
            writer.drain();
        }
        // What a container would have sent is gone: the status is the handler's to set again.
        flushedByHandler = false;
        bytes.reset();
    }

    /** As the Servlet specification has it, also forgets whether the writer or the stream was used. */
    @Override
    public void reset() {
        if (included()) {
            return;
        }
        super.reset();
        resetBuffer();
        forgetOutput();
        status = SC_OK;
        error = false;
        redirect = null;
        redirectStatus = SC_FOUND;
        redirectKeepsBody = false;
    }

    /** The next getWriter() or getOutputStream() chooses afresh (its charset too), as after a container's reset. */
    private void forgetOutput() {
        writer = null;
        writerEncoding = null;
        stream = null;
    }

    /**
     * Lets go of the held body (its large arrays are reused by later paid responses). Called once the response
     * was sent or refused; a handler that writes again afterwards only starts a new, unsent buffer.
     */
    void release() {
        bytes.reset();
    }

    /** Sends the handler's response, as the handler meant it, to the real response. */
    void commitTo(HttpServletResponse response) throws IOException {
        commitTo(response, false);
    }

    /**
     * Sends the handler's response, as the handler meant it, to the real response. {@code committable}: the caller
     * commits it right after (the end of a forward), so a redirect is written out rather than left to the container's
     * {@code sendRedirect}, which Tomcat ends by suspending its response, where a flush no longer commits it.
     */
    void commitTo(HttpServletResponse response, boolean committable) throws IOException {
        if (writer != null) {
            writer.drain();
        }
        if (redirect != null && redirectStatus == SC_FOUND && !redirectKeepsBody && !committable) {
            response.sendRedirect(redirect);
            return;
        }
        if (redirect != null) {
            response.setStatus(redirectStatus);
            response.setHeader("Location", redirect);
            if (!redirectKeepsBody) {
                response.setContentLength(0);
                return;
            }
        }
        if (error) {
            response.sendError(errorCode, errorMessage);
            return;
        }
        response.setStatus(status);
        response.setContentLength(bytes.size());
        bytes.writeTo(response.getOutputStream());
    }

    /** The handler's writer: its flush() and close() would commit a container's response; Tollgate's drain() not. */
    private final class HandlersWriter extends PrintWriter {
        HandlersWriter(java.io.Writer out) {
            super(out);
        }

        @Override
        public void flush() {
            flushedByHandler = true;
            super.flush();
        }

        @Override
        public void close() {
            flushedByHandler = true;
            super.close();
        }

        /** Moves what the encoder still holds into the buffer. */
        void drain() {
            super.flush();
        }
    }

    /**
     * The held body, in chunks: a growing array would copy everything it holds each time it doubles. A chunk is
     * as large as the write that opens it (or the Content-Length the handler declared), and at least 1 KiB,
     * doubling to 256 KiB: a body written in one call, or declared first, is copied once into one array and goes
     * out in one write, as it would unbuffered. The floor is small because most paid bodies are small: a fresh
     * 8 KiB array for a 14-byte body cost the paid servlet path more than half a microsecond (zeroing, and cache
     * lines the container then misses). A PrintWriter swallows IOExceptions, so an overflow must also be
     * remembered as a flag.
     */
    private final class LimitedBytes {
        private static final int FIRST_CHUNK = 1024;
        private static final int MAX_CHUNK = 256 * 1024;
        private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
        private final java.util.ArrayList<byte[]> full = new java.util.ArrayList<>();
        private byte[] current;
        private int used;
        private int count;
        /** The length the handler declared, while nothing is held yet; 0 if none (or not believable). */
        private int expected;

        void expect(long length) {
            expected = count == 0 && length > 0 && length <= limit && length <= MAX_ARRAY ? (int) length : 0;
        }

        void checkRoom(int more) throws IOException {
            if (count + (long) more > limit) {
                overflowed = true;
                throw new IOException("response larger than the paid-route buffer limit of " + limit + " bytes");
            }
        }

        void write(int b) {
            room(1);
            current[used++] = (byte) b;
            count++;
        }

        void write(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                room(len);
                int n = Math.min(len, current.length - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                count += n;
                off += n;
                len -= n;
            }
        }

        /** Makes sure {@code current} has space for at least one byte, and for all {@code wanted} if it is new. */
        private void room(int wanted) {
            if (current == null) {
                current = LargeBuffers.SHARED.take(Math.max(FIRST_CHUNK, Math.max(expected, wanted)));
            } else if (used == current.length) {
                full.add(current);
                current = LargeBuffers.SHARED.take(Math.max(Math.min(MAX_CHUNK, current.length * 2), wanted));
                used = 0;
            }
        }

        int size() {
            return count;
        }

        /** Forgets what is held and gives its arrays back for reuse. */
        void reset() {
            expected = 0;
            for (byte[] chunk : full) {
                LargeBuffers.SHARED.give(chunk);
            }
            if (current != null) {
                LargeBuffers.SHARED.give(current);
            }
            full.clear();
            current = null;
            used = 0;
            count = 0;
        }

        void writeTo(java.io.OutputStream out) throws IOException {
            for (byte[] chunk : full) {
                out.write(chunk);
            }
            if (current != null && used > 0) {
                out.write(current, 0, used);
            }
        }
    }
}
