package dev.tollgate.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Holds everything a paid handler writes until the payment is settled: nothing reaches the client, and the
 * response cannot be committed, before {@link #commitTo} is called. Past the limit, writes fail and the
 * response is marked overflowed, so it can be refused without charging.
 */
final class BufferedResponse extends HttpServletResponseWrapper {
    private final long limit;
    private final LimitedBytes bytes = new LimitedBytes();
    private ServletOutputStream stream;
    private PrintWriter writer;
    private int status = SC_OK;
    private String errorMessage;
    private boolean error;
    private String redirect;
    private boolean overflowed;

    BufferedResponse(HttpServletResponse response, long limit) {
        super(response);
        this.limit = limit;
    }

    int status() {
        return status;
    }

    boolean overflowed() {
        return overflowed;
    }

    @Override
    public void setStatus(int sc) {
        status = sc;
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void sendError(int sc, String msg) {
        status = sc;
        error = true;
        errorMessage = msg;
    }

    @Override
    public void sendError(int sc) {
        sendError(sc, null);
    }

    @Override
    public void sendRedirect(String location) {
        status = SC_FOUND;
        redirect = location;
    }

    @Override
    public void setContentLength(int len) {
        // The real length is set when the buffer is committed.
    }

    @Override
    public void setContentLengthLong(long len) {
        // The real length is set when the buffer is committed.
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
            stream = null;
            writer = new PrintWriter(new OutputStreamWriter(new java.io.OutputStream() {
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

    @Override
    public void flushBuffer() {
        if (writer != null) {
            writer.flush();
        }
    }

    @Override
    public boolean isCommitted() {
        return false;
    }

    @Override
    public void resetBuffer() {
        if (writer != null) {
            writer.flush();
        }
        bytes.reset();
    }

    @Override
    public void reset() {
        super.reset();
        resetBuffer();
        status = SC_OK;
        error = false;
        redirect = null;
    }

    /** Sends the handler's response, as the handler meant it, to the real response. */
    void commitTo(HttpServletResponse response) throws IOException {
        if (writer != null) {
            writer.flush();
        }
        if (redirect != null) {
            response.sendRedirect(redirect);
            return;
        }
        if (error) {
            response.sendError(status, errorMessage);
            return;
        }
        response.setStatus(status);
        response.setContentLength(bytes.size());
        bytes.writeTo(response.getOutputStream());
    }

    /** A PrintWriter swallows IOExceptions, so an overflow must also be remembered as a flag. */
    private final class LimitedBytes extends ByteArrayOutputStream {
        void checkRoom(int more) throws IOException {
            if (count + (long) more > limit) {
                overflowed = true;
                throw new IOException("response larger than the paid-route buffer limit of " + limit + " bytes");
            }
        }
    }
}
