package dev.tollgate.benchmarks;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * An x402 facilitator that says yes at once: {@code GET /supported}, {@code POST /verify} (isValid, the payer
 * the authorization names) and {@code POST /settle} (success, a made-up transaction). It checks nothing; it
 * exists so that Tollgate and the reference middleware can be timed against the same instant facilitator.
 * {@code GET /calls} tells how many {@code /verify} and {@code /settle} calls it has answered, so that a run can
 * show that both servers really ask it twice per paid request. Loopback only.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.tollgate.benchmarks.FacilitatorDouble [port]}
 */
public final class FacilitatorDouble extends Handler.Abstract.NonBlocking {
    private static final Pattern FROM = Pattern.compile("\"from\"\\s*:\\s*\"(0x[0-9a-fA-F]{40})\"");
    private static final Pattern NETWORK = Pattern.compile("\"network\"\\s*:\\s*\"([^\"]{1,64})\"");
    private static final String SUPPORTED = "{\"kinds\":["
            + "{\"x402Version\":2,\"scheme\":\"exact\",\"network\":\"eip155:84532\"},"
            + "{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"base-sepolia\"}],"
            + "\"extensions\":[],\"signers\":{}}";
    private final AtomicLong tx = new AtomicLong();
    private final AtomicLong verifies = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8092;
        Server server = start("127.0.0.1", port);
        System.out.println("FacilitatorDouble listening on " + server.getURI());
        server.join();
    }

    public static Server start(String host, int port) throws Exception {
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            throw new IllegalArgumentException("the facilitator double approves everything; loopback only, not " + host);
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new FacilitatorDouble());
        server.start();
        return server;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.endsWith("/supported")) {
            answer(response, callback, SUPPORTED);
        } else if (path.endsWith("/calls")) {
            answer(response, callback, "{\"verify\":" + verifies.get() + ",\"settle\":" + tx.get() + "}");
        } else if (path.endsWith("/verify") || path.endsWith("/settle")) {
            // Read without blocking: the answer is made on the selector thread that saw the request, with no
            // hand-off to a pool thread (an instant facilitator should cost its callers one wake-up, not two).
            Content.Source.asString(request, StandardCharsets.UTF_8, Promise.from(
                    body -> answer(response, callback, path.endsWith("/verify") ? verified(body) : settled(body)),
                    callback::failed));
        } else {
            response.setStatus(404);
            callback.succeeded();
        }
        return true;
    }

    private static void answer(Response response, Callback callback, String json) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, json, callback);
    }

    private static String payer(String body) {
        Matcher from = FROM.matcher(body);
        return from.find() ? from.group(1) : "0x0000000000000000000000000000000000000000";
    }

    private String verified(String body) {
        verifies.incrementAndGet();
        return "{\"isValid\":true,\"payer\":\"" + payer(body) + "\"}";
    }

    private String settled(String body) {
        Matcher n = NETWORK.matcher(body);
        String network = n.find() ? n.group(1) : "eip155:84532";
        return "{\"success\":true,\"transaction\":\"" + String.format("0x%064x", tx.incrementAndGet())
                + "\",\"network\":\"" + network + "\",\"payer\":\"" + payer(body) + "\"}";
    }
}
