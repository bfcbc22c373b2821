package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BufferedResponseTest {
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private int contentLength = -1;
    /** Calls of the container stream's array write: what a body costs in socket writes. */
    private int arrayWrites;

    /** Just enough of a container response to receive a commit. */
    private HttpServletResponse container() {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }

            @Override
            public void write(int b) {
                sent.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                arrayWrites++;
                sent.write(b, off, len);
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getOutputStream" -> out;
                    case "setContentLength" -> {
                        contentLength = (Integer) args[0];
                        yield null;
                    }
                    case "isCommitted" -> false;
                    case "getBufferSize" -> 8192;
                    default -> null;
                });
    }

    @Test
    void aLargeBodyWrittenInPiecesOfEverySizeIsSentExactlyAsWritten() throws IOException {
        byte[] body = new byte[1024 * 1024];
        new Random(9).nextBytes(body);
        BufferedResponse buffered = new BufferedResponse(container(), body.length);
        ServletOutputStream out = buffered.getOutputStream();
        Random sizes = new Random(3);
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, sizes.nextInt(4) == 0 ? 1 : sizes.nextInt(70_000));
            if (n == 1) {
                out.write(body[at]);
            } else {
                out.write(body, at, n);
            }
            at += n;
        }
        buffered.commitTo(container());
        assertEquals(body.length, contentLength);
        assertArrayEquals(body, sent.toByteArray());
    }

    @Test
    void oneByteOverTheLimitOverflowsAndNothingOfItIsKept() throws IOException {
        BufferedResponse buffered = new BufferedResponse(container(), 100_000);
        ServletOutputStream out = buffered.getOutputStream();
        out.write(new byte[100_000]);
        assertThrows(IOException.class, () -> out.write(1));
        assertTrue(buffered.overflowed());
    }

    @Test
    void resetBufferForgetsWhatWasWritten() throws IOException {
        BufferedResponse buffered = new BufferedResponse(container(), 1 << 20);
        buffered.getOutputStream().write(new byte[300_000]);
        buffered.resetBuffer();
        buffered.getOutputStream().write(new byte[] {7, 8});
        buffered.commitTo(container());
        assertArrayEquals(new byte[] {7, 8}, sent.toByteArray());
    }

    @Test
    void aBodyWrittenInOneCallOrDeclaredFirstGoesOutInOneWrite() throws IOException {
        byte[] body = new byte[1024 * 1024 + 7];
        new Random(5).nextBytes(body);
        BufferedResponse oneCall = new BufferedResponse(container(), 4 << 20);
        oneCall.getOutputStream().write(body);
        oneCall.commitTo(container());
        assertEquals(1, arrayWrites);
        assertArrayEquals(body, sent.toByteArray());

        sent.reset();
        arrayWrites = 0;
        BufferedResponse declared = new BufferedResponse(container(), 4 << 20);
        declared.setContentLength(body.length);
        for (int at = 0; at < body.length; at += 4096) {
            declared.getOutputStream().write(body, at, Math.min(4096, body.length - at));
        }
        declared.commitTo(container());
        assertEquals(1, arrayWrites);
        assertEquals(body.length, contentLength);
        assertArrayEquals(body, sent.toByteArray());
    }

    @Test
    void aDeclaredLengthThatIsWrongOnlySizesTheBuffer() throws IOException {
        for (int declared : new int[] {10, 300_000, Integer.MAX_VALUE}) {
            sent.reset();
            BufferedResponse buffered = new BufferedResponse(container(), 1 << 20);
            buffered.setContentLengthLong(declared);
            byte[] body = new byte[100_000];
            new Random(declared).nextBytes(body);
            buffered.getOutputStream().write(body, 0, 50_000);
            buffered.getOutputStream().write(body, 50_000, 50_000);
            buffered.commitTo(container());
            assertEquals(body.length, contentLength, "declared " + declared);
            assertArrayEquals(body, sent.toByteArray(), "declared " + declared);
        }
    }

    @Test
    void reusedArraysNeverLetAnEarlierBodyThrough() throws IOException {
        Random random = new Random(11);
        for (int size : new int[] {1 << 20, 700_000, 65_537, 1 << 20, 200_000, 3_000_000, 64 * 1024}) {
            sent.reset();
            byte[] body = new byte[size];
            random.nextBytes(body);
            BufferedResponse buffered = new BufferedResponse(container(), 4 << 20);
            if (size % 2 == 0) {
                buffered.setContentLength(size);
            }
            for (int at = 0; at < size; at += 100_000) {
                buffered.getOutputStream().write(body, at, Math.min(100_000, size - at));
            }
            buffered.commitTo(container());
            buffered.release();
            assertEquals(size, contentLength);
            assertArrayEquals(body, sent.toByteArray(), "body of " + size + " bytes");
        }
    }

    @Test
    void largeArraysAreReusedAndTheirNumberIsBounded() {
        LargeBuffers pool = new LargeBuffers();
        byte[] first = pool.take(1_000_000);
        assertEquals(1 << 20, first.length);
        pool.give(first);
        assertTrue(first == pool.take(1 << 20), "a given-back array is taken again");
        assertEquals(100, pool.take(100).length); // small sizes are plain allocations
        byte[][] many = new byte[20][];
        for (int i = 0; i < many.length; i++) {
            many[i] = pool.take(1 << 20);
        }
        for (byte[] a : many) {
            pool.give(a);
        }
        int reused = 0;
        for (int i = 0; i < many.length; i++) {
            byte[] again = pool.take(1 << 20);
            for (byte[] a : many) {
                reused += a == again ? 1 : 0;
            }
        }
        assertEquals(8, reused); // 8 MiB of 1 MiB arrays are kept, the rest left to the collector
    }

    /** A container response that records every call that changes it, in order. */
    private HttpServletResponse recording(java.util.List<String> calls) {
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isCommitted" -> false;
                    case "getBufferSize" -> 8192;
                    default -> {
                        calls.add(method.getName() + (args == null ? "" : java.util.Arrays.toString(args)));
                        yield null;
                    }
                });
    }

    @Test
    void servlet61sRedirectWithAStatusIsHeldUntilTheCommitAndThenSentWithThatStatus() throws Exception {
        // A handler on a Servlet 6.1 container calls sendRedirect(String, int, boolean), which the 6.0 wrapper does
        // not know: unheld, the container would send the redirect before the payment is settled or refused.
        java.util.List<String> calls = new java.util.ArrayList<>();
        BufferedResponse buffered = new BufferedResponse(recording(calls), 1024);
        calls.clear(); // made before the handler runs, the buffer reads the headers set so far: not the handler's
        buffered.getOutputStream().write("paid".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        BufferedResponse.class.getMethod("sendRedirect", String.class, int.class, boolean.class)
                .invoke(buffered, "/signed/download", 307, true);

        assertEquals(java.util.List.of(), calls);
        assertEquals(307, buffered.status());
        buffered.commitTo(recording(calls));
        assertEquals(java.util.List.of("setStatus[307]", "setHeader[Location, /signed/download]", "setContentLength[0]"),
                calls);
    }

    @Test
    void servlet61sRedirectKeepingTheBufferSendsTheBodyWithIt() throws Exception {
        java.util.List<String> calls = new java.util.ArrayList<>();
        BufferedResponse buffered = new BufferedResponse(container(), 1024);
        buffered.getOutputStream().write("see elsewhere".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        BufferedResponse.class.getMethod("sendRedirect", String.class, boolean.class).invoke(buffered, "/there", false);

        assertEquals(302, buffered.status());
        buffered.commitTo(container());
        assertEquals("see elsewhere", sent.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(13, contentLength);
    }

    @Test
    void servlet61sRedirectAfterTheContentWasFlushedIsRefusedAsInTheContainer() throws Exception {
        BufferedResponse buffered = new BufferedResponse(container(), 1024);
        buffered.getOutputStream().write('x');
        buffered.flushBuffer();

        Exception thrown = assertThrows(java.lang.reflect.InvocationTargetException.class, () ->
                BufferedResponse.class.getMethod("sendRedirect", String.class, int.class).invoke(buffered, "/x", 303));

        assertTrue(thrown.getCause() instanceof IllegalStateException);
        assertEquals(200, buffered.status());
    }

    @Test
    void whileTheContainersIncludeWrapperSitsBeneathWhatAnIncludedServletMayNotDoIsIgnored() throws Exception {
        // Tomcat slips its include wrapper in under the application's wrappers (setResponse) for the include's
        // duration; the Servlet specification has an included servlet's status changes ignored.
        HttpServletResponse container = container();
        BufferedResponse buffered = new BufferedResponse(container, 1024);
        buffered.getOutputStream().write("page [".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        buffered.setResponse(new jakarta.servlet.http.HttpServletResponseWrapper(container));
        buffered.getOutputStream().write("fragment".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        buffered.setStatus(500);
        buffered.sendError(404);
        buffered.sendRedirect("/elsewhere");
        BufferedResponse.class.getMethod("sendRedirect", String.class, int.class, boolean.class)
                .invoke(buffered, "/elsewhere", 303, true);
        buffered.reset();
        buffered.setBufferSize(1);
        buffered.setResponse(container);
        buffered.getOutputStream().write("]".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertEquals(200, buffered.status());
        buffered.commitTo(container());
        assertEquals("page [fragment]", sent.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
