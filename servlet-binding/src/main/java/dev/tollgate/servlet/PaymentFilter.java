package dev.tollgate.servlet;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.ConfigFile;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.HttpAnswer;
import dev.tollgate.core.gate.PaidCaching;
import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.core.gate.PaymentSession;
import dev.tollgate.core.gate.UndeliveredAnswer;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.TrailingSlashRedirect;
import dev.tollgate.core.route.PathFirewall;
import dev.tollgate.core.verify.FacilitatorSettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Puts the Tollgate gate in front of whatever this filter is mapped to. Configure it with init-params (the
 * settings of README's configuration reference), with an init-param {@code config} naming a properties or
 * JSON file ({@code classpath:} or a path), or in code with {@link #PaymentFilter(Tollgate)}.
 *
 * <p>Map it for the REQUEST, FORWARD, INCLUDE and ASYNC dispatcher types: a paid path reached by an internal
 * forward or by {@code AsyncContext.dispatch} is charged like a direct request, and an include of a paid path
 * is refused. A dispatch type the filter is not mapped for reaches the paid handler unseen.
 *
 * <p>A forward of a paid request that the filter sees (one whose target it is mapped to for FORWARD) ends the paid
 * answer: it is settled and sent as the forward returns, while the container's response is still open (see
 * {@link PaidAnswer}). Otherwise it is settled when the paid handler returns, which on Tomcat 11, under its default
 * {@code suspendWrappedResponseAfterForward}, is too late for an answer that ended with a forward.
 *
 * <p>A paid handler may go asynchronous ({@code startAsync}, with the filter and servlet marked
 * async-supported): what it writes is held as usual, and the payment is settled when it calls
 * {@code complete()}, or when its {@code AsyncContext.dispatch} returns (which is why ASYNC must be mapped: a
 * cycle that ends past the filter leaves the answer withheld, charges nothing, and is logged as an error). A
 * timeout or error settles nothing. Non-blocking writes ({@code setWriteListener}) are not supported on paid
 * routes.
 */
public class PaymentFilter implements Filter {
    /**
     * Set on a request once its payment was admitted, to the Tollgate that admitted it, so inner dispatches are not
     * charged twice.
     */
    static final String ADMITTED = PaymentFilter.class.getName() + ".admitted";
    /** Beyond a settlement's own bound (two facilitator calls), what a timeout waits for one under way. */
    private static final Duration SETTLING_MARGIN = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(PaymentFilter.class.getName());
    /** What a request gets from a filter that was destroyed (or never started). */
    private static final HttpAnswer OUT_OF_SERVICE = new HttpAnswer(503, Map.of("Cache-Control", "no-store",
            "Retry-After", "5"), "application/json",
            "{\"error\":\"the payment filter is not in service\"}".getBytes(StandardCharsets.UTF_8));

    private volatile Tollgate tollgate;
    /** Made by {@link #init} from init-params, so closed (with its ledger's connections) by {@link #destroy}. */
    private volatile boolean ownsTollgate;

    /** For web.xml: configured by {@link #init}. */
    public PaymentFilter() {
    }

    public PaymentFilter(Tollgate tollgate) {
        this.tollgate = tollgate;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        if (tollgate != null) {
            return;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : Collections.list(filterConfig.getInitParameterNames())) {
            settings.put(name, filterConfig.getInitParameter(name));
        }
        String file = settings.remove("config");
        // Nothing but this filter reads its init-params; a file may be shared with a JAX-RS application.
        Set<String> ownKeys = Set.copyOf(settings.keySet());
        Set<String> fileKeys = new HashSet<>();
        try {
            if (file != null && !file.isBlank()) {
                Map<String, String> merged = new LinkedHashMap<>(ConfigFile.load(file.strip(),
                        Thread.currentThread().getContextClassLoader()));
                fileKeys.addAll(merged.keySet());
                merged.putAll(settings);
                settings = merged;
            }
            tollgate = Tollgate.create(TollgateConfig.builder().settings(settings).readByRouteTableOnly(ownKeys).build());
            ownsTollgate = true;
        } catch (ConfigurationException e) {
            // Where to change it: the file's name (as written in web.xml) when the setting at fault came from it.
            boolean inFile = fileKeys.stream().anyMatch(k -> k.strip().equals(e.setting()))
                    && ownKeys.stream().noneMatch(k -> k.strip().equals(e.setting()));
            throw new ServletException("PaymentFilter '" + filterConfig.getFilterName() + "': " + e.getMessage()
                    + (inFile ? " (set in the config file " + file.strip() + ")" : ""), e);
        }
    }

    /**
     * Closes the Tollgate {@link #init} made and lets go of it: a container that keeps the filter instance (a
     * reference in its holder, a filter started again) would otherwise keep it, and with it the web application's
     * classes, reachable. Started again, the filter makes a new one from its init-params. A Tollgate given in code
     * belongs to whoever gave it, and stays.
     */
    @Override
    public void destroy() {
        if (ownsTollgate) {
            Tollgate made = tollgate;
            tollgate = null;
            ownsTollgate = false;
            if (made != null) {
                made.close();
            }
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        Tollgate tollgate = this.tollgate;
        if (tollgate == null) {
            // Destroyed (or never started): which paths are paid is no longer known, so nothing passes.
            answerUnread(request, response, OUT_OF_SERVICE);
            return;
        }
        Object admittedBy = request.getAttribute(ADMITTED);
        if (admittedBy != null && request.getDispatcherType() == DispatcherType.FORWARD) {
            // A paid handler forwards: what it wrote before is discarded, as a container discards its buffer.
            BufferedResponse buffered = BufferedResponse.in(res);
            if (buffered != null) {
                buffered.forwarding();
            }
        }
        if (admittedBy != null && admittedBy != tollgate) {
            // Paid for through another Tollgate filter of this application, at that one's terms: it pays for nothing
            // this one charges for, or overlapping filters would sell the dearer content at the cheaper price. No
            // single proof can pay two prices, so such a path is refused (500), and the other filter charges nothing.
            String path = ServletRequestView.dispatchedPath(request);
            if (tollgate.termsFor(request.getMethod(), path).isPresent()) {
                throw new ServletException("a resource (" + path + ") that this Tollgate filter charges for was reached "
                        + "with a payment admitted by another Tollgate filter; map each path to one Tollgate only");
            }
            chain.doFilter(req, res);
            return;
        }
        if (admittedBy != null) {
            if (request.getDispatcherType() == DispatcherType.ASYNC
                    && request.getAttribute(PaidAsync.ATTRIBUTE) instanceof PaidAsync async) {
                // A paid handler's AsyncContext.dispatch: the pass may end the handler, or go on asynchronously.
                async.passEntered();
                try {
                    chain.doFilter(req, res);
                } catch (IOException | ServletException | RuntimeException | Error e) {
                    async.passThrew();
                    throw e;
                }
                async.passReturned(request.isAsyncStarted());
                return;
            }
            if (request.getDispatcherType() == DispatcherType.FORWARD
                    && request.getAttribute(PaidAnswer.ATTRIBUTE) instanceof PaidAnswer answer) {
                chain.doFilter(req, res);
                answer.forwardReturned(req, res);
                return;
            }
            chain.doFilter(req, res);
            return;
        }
        if (request.getDispatcherType() == DispatcherType.REQUEST) {
            Optional<String> ambiguity = PathFirewall.check(request.getRequestURI());
            if (ambiguity.isPresent()) {
                answerUnread(request, response, errorAnswer(ambiguity.get()));
                return;
            }
        }
        String path = ServletRequestView.dispatchedPath(request);
        Optional<PaymentTerms> terms = tollgate.termsFor(request.getMethod(), path);
        if (terms.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        if (request.getDispatcherType() == DispatcherType.INCLUDE) {
            // An include cannot answer 402; including paid content into a free page would give it away.
            throw new ServletException("a paid resource (" + path + ") cannot be included by an unpaid request");
        }
        Decision decision = tollgate.check(new ServletRequestView(request, path), terms.get());
        if (decision instanceof Decision.Admit admit) {
            serve(tollgate, request, response, chain, admit.session());
        } else if (decision instanceof Decision.Challenge c) {
            answerUnread(request, response, c.answer());
        } else {
            answerUnread(request, response, ((Decision.Reject) decision).answer());
        }
    }

    private static void serve(Tollgate tollgate, HttpServletRequest request, HttpServletResponse response,
                              FilterChain chain, PaymentSession session) throws IOException, ServletException {
        request.setAttribute(ADMITTED, tollgate);
        request.setAttribute(PaymentReceipt.ATTRIBUTE, session.receipt());
        // Every answer Tollgate sends sets its own status. This one is what the client gets should the container
        // close its response before Tollgate could send one (Tomcat 11 does at the end of a forward the filter does
        // not see, see finish): not a 200 for an answer that never came.
        response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        BufferedResponse buffered = new BufferedResponse(response, tollgate.config().bufferLimit());
        PaidAnswer answer = new PaidAnswer(request, response, session, buffered);
        request.setAttribute(PaidAnswer.ATTRIBUTE, answer);
        PaidRequest paid = new PaidRequest(request, buffered, answer,
                started -> new PaidAsync(request, response, session, buffered, settlingBound(tollgate), started));
        PaidAsync async = null;
        try {
            try {
                chain.doFilter(paid, buffered);
            } catch (IOException | ServletException | RuntimeException | Error e) {
                async = paid.async();
                if (async != null) {
                    async.passThrew();
                } else {
                    // Unless a forward already ended the answer: it was settled and sent before this was thrown.
                    answer.handlerThrew();
                }
                throw e;
            }
            async = paid.async();
            if (async == null) {
                answer.handlerReturned();
            } else {
                // The handler went asynchronous: PaidAsync finishes the payment when it is done.
                async.passReturned(true);
            }
        } finally {
            if (async == null) {
                buffered.release();
            }
        }
    }

    /** The longest a settlement takes: two facilitator calls (a pending one is asked once more), and a margin. */
    private static Duration settlingBound(Tollgate tollgate) {
        FacilitatorSettings facilitator = tollgate.config().facilitator();
        // A verifier and settler supplied in code need no facilitator URL: without one, a facilitator call's default
        // bound. Reading it from the missing settings threw from startAsync, and the paid request hung until the
        // container's asynchronous timeout.
        Duration call = facilitator != null ? facilitator.requestTimeout() : FacilitatorSettings.DEFAULT_REQUEST_TIMEOUT;
        return call.multipliedBy(2).plus(SETTLING_MARGIN);
    }

    /**
     * After the handler: settles and sends its buffered response, or withholds it. Returns whether a settled answer
     * was sent (not an error, nor a refusal).
     */
    static boolean finish(HttpServletRequest request, HttpServletResponse response, PaymentSession session,
                          BufferedResponse buffered) throws IOException {
        return finish(request, response, session, buffered, false);
    }

    /**
     * {@code committable}: the answer ends a forward, so a settled answer is written in a form a flush commits (see
     * {@link BufferedResponse#commitTo}), and flushed.
     */
    static boolean finish(HttpServletRequest request, HttpServletResponse response, PaymentSession session,
                          BufferedResponse buffered, boolean committable) throws IOException {
        if (response.isCommitted()) {
            // Nothing Tollgate sends can reach the client any more, so nothing is settled for it (a route settled
            // before its handler ran stays settled: the log says so).
            Completion ended = session.complete(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            LOG.log(System.Logger.Level.ERROR, "a paid handler's answer could not be sent: the container committed "
                    + "its response behind Tollgate's buffer. Tomcat 11 does so at the end of every "
                    + "RequestDispatcher.forward, under any wrapper (its Context's suspendWrappedResponseAfterForward, "
                    + "true by default): where a paid servlet forwards, map the PaymentFilter for the FORWARD dispatcher "
                    + "type on the forward's target too, so that the answer is settled as the forward ends, or set that "
                    + "attribute to false. " + (ended instanceof Completion.Deliver settled
                    && settled.transaction() != null ? "The payment was settled before the handler ran, transaction "
                    + settled.transaction() : "Nothing was charged") + ". Request: " + request.getMethod() + " "
                    + request.getRequestURI());
            return false;
        }
        if (buffered.overflowed()) {
            // Not abandon(): a route that settled before its handler ran stays paid, and complete() hands back the
            // receipt the payer must then be given.
            Completion ended = session.complete(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            buffered.discardAnswer();
            write(response, UndeliveredAnswer.of(500, "the response exceeded the configured bufferLimit", ended));
            return false;
        }
        // The default servlet's redirect from a directory to its path with the slash is the container's, not an answer
        // of the paid content: settled, the payer paid again for the page it was sent on to.
        boolean toDirectory = !buffered.errorSent()
                && TrailingSlashRedirect.mayBe(request.getMethod(), buffered.status())
                && TrailingSlashRedirect.is(request.getMethod(), buffered.status(), request.getRequestURL().toString(),
                        request.getQueryString(), buffered.location());
        if (toDirectory) {
            // Not sold, so sent without whatever the handler wrote with it.
            buffered.dropBody();
        }
        boolean delivers = PaymentSession.delivers(buffered.status(), buffered.errorSent() || toDirectory);
        Completion completion = session.complete(buffered.status(), buffered.errorSent() || toDirectory);
        if (completion instanceof Completion.Deliver deliver) {
            request.setAttribute(PaymentReceipt.ATTRIBUTE, session.receipt());
            deliver.headers().forEach(response::setHeader);
            if (delivers) {
                // Paid for by this payer only: a shared cache must not hand it to the next client.
                PaidCaching.applyToPaidAnswer(name -> joined(response.getHeaders(name)), response.getHeaderNames(),
                        response::setHeader);
            }
            try {
                buffered.commitTo(response, committable);
                if (committable && delivers) {
                    response.flushBuffer();
                }
            } catch (IOException | RuntimeException e) {
                // The client gone, or the container failing: settled, and the payer has not (all of) the answer.
                session.undelivered("writing the paid answer failed: " + e);
                throw e;
            }
            return delivers;
        }
        // Drop everything the handler set, headers included: none of it was paid for.
        buffered.discardAnswer();
        write(response, ((Completion.Withhold) completion).answer());
        return false;
    }

    private static String joined(java.util.Collection<String> values) {
        return values == null || values.isEmpty() ? null : String.join(", ", values);
    }

    /**
     * A handler that threw ends in the container's error answer: where the route settled before the handler ran, the
     * charge stands, and that answer carries its receipt.
     */
    static void keepReceipt(Completion ended, HttpServletResponse response) {
        if (ended instanceof Completion.Deliver settled && !response.isCommitted()) {
            settled.headers().forEach(response::setHeader);
        }
    }

    /**
     * The gate's answer to a request whose body nobody read. A container that finds that body unread once the
     * answer is committed drops the connection after it (Jetty does, when the body was still on its way); a
     * client reusing the connection for its paid retry would find it dead, so the answer says it will close. Only
     * over HTTP/1: HTTP/2 ends the stream alone, and a Connection field makes an HTTP/2 answer malformed (RFC 9113
     * 8.2.2), which Tomcat sends as is and strict clients refuse, so the payer would never see the challenge.
     */
    private static void answerUnread(HttpServletRequest request, HttpServletResponse response, HttpAnswer answer)
            throws IOException {
        boolean http1 = request.getProtocol() == null || request.getProtocol().startsWith("HTTP/1");
        if (http1 && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null)) {
            response.setHeader("Connection", "close");
        }
        write(response, answer);
    }

    static void write(HttpServletResponse response, HttpAnswer answer) throws IOException {
        if (response.isCommitted()) {
            throw new IOException("response already committed; cannot send " + answer.status());
        }
        response.resetBuffer();
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        if (answer.contentType() != null) {
            response.setContentType(answer.contentType());
        }
        response.setContentLength(answer.body().length);
        response.getOutputStream().write(answer.body());
    }

    private static HttpAnswer errorAnswer(String message) {
        String json = "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        return new HttpAnswer(400, Map.of("Cache-Control", "no-store"), "application/json",
                json.getBytes(StandardCharsets.UTF_8));
    }
}
