package dev.tollgate.jaxrs;

import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.HttpAnswer;
import dev.tollgate.core.gate.UndeliveredAnswer;
import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.core.gate.PaymentSession;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.glassfish.jersey.InjectionManagerProvider;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.internal.inject.InjectionManager;
import org.glassfish.jersey.internal.inject.PerLookup;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.model.Invocable;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;
import org.glassfish.jersey.server.spi.ContainerResponseWriter;

/**
 * What Jersey can do for the binding: inject {@code @Context PaymentReceipt}, end a payment session whose response
 * filter never ran (an unmapped exception some containers handle outside Jersey's response processing), and have the
 * container's answer to such a failure carry the receipt of a payment settled before the method ran. Jersey's
 * types are touched only when Jersey is on the class path, so other runtimes still load the feature; there the receipt
 * is the request property {@link PaymentReceipt#ATTRIBUTE}, and RESTEasy injects it too ({@link RestEasyExtensions}).
 * Module {@code resteasy-tests} runs the feature on RESTEasy without Jersey, and pins what it lacks there.
 */
final class JerseyExtensions {
    private static final boolean JERSEY = present("org.glassfish.jersey.server.monitoring.ApplicationEventListener")
            && present("org.glassfish.jersey.internal.inject.AbstractBinder");

    private JerseyExtensions() {
    }

    /** @param onDestroy run once the application is destroyed (Jersey only: no other runtime says so) */
    static void register(FeatureContext context, Runnable onDestroy) {
        if (JERSEY) {
            Jersey.register(context, onDestroy);
        }
    }

    /** Whether Jersey matched, on the way to this request's method, a locator annotated {@link PaymentRequired}. */
    static boolean paidLocator(ContainerRequestContext request) {
        return JERSEY && Jersey.paidLocator(request);
    }

    /**
     * Under Jersey, a failure that reaches the container before {@code request}'s response filters ended its payment
     * session (an exception no mapper handles, a response filter that throws) ends the session there, and the
     * container's 500 carries the receipt of a payment settled before the method ran.
     */
    static void endOnFailure(ContainerRequestContext request) {
        if (JERSEY) {
            Jersey.endOnFailure(request);
        }
    }

    static boolean present(String name) {
        try {
            Class.forName(name, false, JerseyExtensions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A class of its own so that the Jersey types are resolved only when Jersey is there. */
    private static final class Jersey {
        static void register(FeatureContext context, Runnable onDestroy) {
            context.register(new AbstractBinder() {
                @Override
                protected void configure() {
                    // Per lookup: null for an unpaid request is a legal answer, and never cached.
                    bindFactory(ReceiptSupplier.class).to(PaymentReceipt.class).in(PerLookup.class);
                }
            });
            context.register(new SessionJanitor(onDestroy));
            if (ProtocolProperty.servletApiPresent()) {
                // Jersey binds the servlet request (a proxy to the current one) in the request scope of its servlet
                // containers only; elsewhere the lookup finds nothing.
                InjectionManager injections = InjectionManagerProvider.getInjectionManager(context);
                context.register(new ProtocolProperty(() -> injections.getInstance(ProtocolProperty.SERVLET_REQUEST)));
            }
        }

        static void endOnFailure(ContainerRequestContext context) {
            if (context instanceof ContainerRequest request && request.getResponseWriter() != null
                    && !(request.getResponseWriter() instanceof SessionEndingWriter)) {
                request.setWriter(new SessionEndingWriter(request, request.getResponseWriter()));
            }
        }

        static boolean paidLocator(ContainerRequestContext request) {
            if (!(request.getUriInfo() instanceof ExtendedUriInfo info)) {
                return false;
            }
            for (ResourceMethod locator : info.getMatchedResourceLocators()) {
                Invocable invocable = locator.getInvocable();
                if (AnnotationTerms.onMethod(null, invocable.getHandlingMethod()) != null
                        || AnnotationTerms.onMethod(null, invocable.getDefinitionMethod()) != null) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class ReceiptSupplier implements Supplier<PaymentReceipt> {
        private final Provider<ContainerRequestContext> request;

        @Inject
        ReceiptSupplier(Provider<ContainerRequestContext> request) {
            this.request = request;
        }

        @Override
        public PaymentReceipt get() {
            return request.get().getProperty(PaymentReceipt.ATTRIBUTE) instanceof PaymentReceipt r ? r : null;
        }
    }

    /**
     * The container's writer, told first of a failure Jersey gives up on. Its {@code failure} answers 500 its own way
     * (over servlets, {@code sendError}: Jetty 12 renders its error page keeping the headers already set, all but the
     * content ones) and rethrows the exception to the container. A session still open then never reached the response
     * filter: it is ended here, and a payment settled before the method ran is charged, so its receipt headers are
     * written first, through the writer's own {@code writeResponseStatusAndHeaders} (the step that precedes a failure
     * while an entity is written), without an entity. A session the response filter ended and settled put its
     * headers on the answer itself, but when that answer fails before it is written (an application's WriterInterceptor
     * throws) they are written here the same way.
     *
     * <p>Jersey's {@code jersey.config.server.response.setStatusOverSendError} has the container writer's failure reset
     * an uncommitted response, these headers with it, and complete the writer so nothing can be written after; so then
     * the 500 is answered whole here, with the receipt, and committed before the writer's failure, which leaves a
     * committed response alone and hands the exception on as before.
     */
    static final class SessionEndingWriter implements ContainerResponseWriter {
        private static final System.Logger LOG = System.getLogger(SessionEndingWriter.class.getName());

        private final ContainerRequest request;
        private final ContainerResponseWriter container;
        /**
         * Whether Jersey wrote an answer: its response filters ran, ours ended the session, and a failure now is the
         * answer's (a container may have recycled the request by then: Grizzly's fails on reading its properties).
         */
        private volatile boolean answered;
        /**
         * Whether the request was suspended, and not evidently over HTTP/2 (judged at the suspension, on the request's
         * own thread: by its failure the request may be recycled). Its failure then comes from the thread that resumed
         * it, and Jersey's servlet writer ends it there (sendError, then AsyncContext.complete). On Jetty 12 that
         * request's teardown may run after its 500 reached the client and the next request on the keep-alive
         * connection was admitted, emptying that request's servlet attributes under it: it failed with a 500 of its
         * own, or hung. So the 500 closes the connection, and the payer's next request (its paid retry, say) comes on a
         * fresh one. Over HTTP/2 the failed stream is torn down alone, and a {@code Connection} field would make the
         * answer malformed. Served from a servlet container the servlet request's protocol decides (Tomcat serves a
         * request that upgrades to h2c over HTTP/2, a Jetty without h2c over HTTP/1.1); elsewhere such a request is
         * closed, as one not evidently over HTTP/2.
         */
        private volatile boolean closeOnFailure;

        SessionEndingWriter(ContainerRequest request, ContainerResponseWriter container) {
            this.request = request;
            this.container = container;
        }

        @Override
        public void failure(Throwable error) {
            Completion.Deliver settled = answered ? null : settled();
            reportUndelivered(error);
            boolean closing = closesConnection();
            if (settled == null && !closing) {
                container.failure(error);
                return;
            }
            if (settled != null && resetsOnFailure()) {
                answer(settled);
            } else if (resetsOnFailure()) {
                closeBare();
            } else {
                keep(settled);
            }
            container.failure(error);
        }

        /**
         * Under {@code setStatusOverSendError} the reset in the container writer's {@code failure} would drop the
         * {@code Connection: close} of a resumed failure that settled nothing; its 500 has no body there, so the same
         * bare 500 is committed here with the field, and {@code failure} leaves it alone.
         */
        private void closeBare() {
            try {
                // An empty entity, for the writer hands no stream for an answer without one; and the flush commits,
                // since closing the stream it hands does not.
                ContainerResponse answer = new ContainerResponse(request, Response.serverError().entity(new byte[0])
                        .header("Connection", "close").build());
                try (OutputStream body = container.writeResponseStatusAndHeaders(0, answer)) {
                    if (body != null) {
                        body.flush();
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "could not close the connection of a resumed request's failure", e);
            }
        }

        /**
         * A payment settled before this failure (the response filter ended its session, or a payment settled before
         * the method ran, whose session ending here reported itself) did not reach the payer: also when part of the
         * answer was written before it failed.
         */
        private void reportUndelivered(Throwable error) {
            try {
                if (request.getProperty(PaymentFilter.ENDED) instanceof PaymentSession ended) {
                    ended.undelivered("the answer failed after the payment was settled: " + error
                            + (answered ? " (after its status and headers were written)" : ""));
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "could not report a settled payment whose answer failed", e);
            }
        }

        private boolean closesConnection() {
            return closeOnFailure && !answered;
        }

        private boolean notEvidentlyHttp2() {
            try {
                return !UnreadBody.evidentlyHttp2(request);
            } catch (RuntimeException e) {
                return false;
            }
        }

        /** Jersey's {@code setStatusOverSendError}: the container writers then reset the response in {@code failure}. */
        private boolean resetsOnFailure() {
            try {
                Object set = request.getConfiguration().getProperty(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR);
                return set instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(set));
            } catch (RuntimeException e) {
                return false;
            }
        }

        /**
         * The receipt of the session this failure ends, if its payment was settled before the method ran, or of the
         * session the response filter ended, settled, before the answer failed to be written (an application's
         * WriterInterceptor that throws, after every response filter).
         */
        private Completion.Deliver settled() {
            Completion.Deliver settled = settledSessionEnded();
            if (settled == null) {
                try {
                    if (request.getProperty(PaymentFilter.SETTLED) instanceof Completion.Deliver deliver) {
                        settled = deliver;
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "could not read the receipt of a failed request", e);
                }
            }
            return settled;
        }

        /** The receipt of the session this failure ends, if its payment was settled before the method ran. */
        private Completion.Deliver settledSessionEnded() {
            try {
                if (request.getProperty(PaymentFilter.SESSION) instanceof PaymentSession session) {
                    request.removeProperty(PaymentFilter.SESSION);
                    // Not abandon(): complete() releases an unsettled claim alike, and hands back the receipt of a
                    // payment settled before the method ran.
                    if (session.complete(500) instanceof Completion.Deliver settled && !settled.headers().isEmpty()) {
                        return settled;
                    }
                }
            } catch (RuntimeException e) {
                // The container's own 500 must still go out, and the exception reach it.
                LOG.log(System.Logger.Level.ERROR, "could not end the payment of a failed request", e);
            }
            return null;
        }

        private void keep(Completion.Deliver settled) {
            try {
                ContainerResponse answer = new ContainerResponse(request, Response.serverError().build());
                if (settled != null) {
                    settled.headers().forEach(answer.getHeaders()::putSingle);
                }
                if (closesConnection()) {
                    answer.getHeaders().putSingle("Connection", "close");
                }
                container.writeResponseStatusAndHeaders(-1, answer);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "could not put the receipt of a payment settled before its method "
                        + "failed (or a resumed request's Connection: close) on the error answer", e);
            }
        }

        /**
         * Under {@code setStatusOverSendError} the container writer's {@code failure} resets an uncommitted response,
         * headers included, and refuses anything written after; so the 500 is answered whole here, with the receipt,
         * and committed: {@code failure} then leaves it alone and hands the exception on to the container as before.
         */
        private void answer(Completion.Deliver settled) {
            try {
                HttpAnswer undelivered = UndeliveredAnswer.of(500, "the paid response could not be produced", settled);
                Response.ResponseBuilder b = Response.status(undelivered.status()).entity(undelivered.body())
                        .type(undelivered.contentType());
                undelivered.headers().forEach(b::header);
                if (closesConnection()) {
                    b.header("Connection", "close");
                }
                ContainerResponse answer = new ContainerResponse(request, b.build());
                try (OutputStream body = container.writeResponseStatusAndHeaders(undelivered.body().length, answer)) {
                    if (body != null) {
                        body.write(undelivered.body());
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "could not answer the failure of a settled payment with its receipt",
                        e);
            }
        }

        @Override
        public OutputStream writeResponseStatusAndHeaders(long contentLength, ContainerResponse response) {
            answered = true;
            return container.writeResponseStatusAndHeaders(contentLength, response);
        }

        @Override
        public boolean suspend(long timeOut, TimeUnit timeUnit, TimeoutHandler timeoutHandler) {
            boolean suspending = container.suspend(timeOut, timeUnit, timeoutHandler);
            if (suspending && !closeOnFailure) {
                closeOnFailure = notEvidentlyHttp2();
            }
            return suspending;
        }

        @Override
        public void setSuspendTimeout(long timeOut, TimeUnit timeUnit) {
            container.setSuspendTimeout(timeOut, timeUnit);
        }

        @Override
        public void commit() {
            container.commit();
        }

        @Override
        public boolean enableResponseBuffering() {
            return container.enableResponseBuffering();
        }
    }

    /**
     * A session still open when the request finished had no answer to settle on: release its claim. It also
     * hears when the application is destroyed.
     */
    static final class SessionJanitor implements ApplicationEventListener {
        /**
         * One request's: the session is picked up while the request is being processed, because by {@code FINISHED}
         * a container may have recycled a resumed {@code AsyncResponse}'s request (Jetty's and Grizzly's do), and
         * reading its properties then threw a {@code NullPointerException} that Jersey logged as a failed exception
         * mapping. Ending a session that is already ended does nothing.
         */
        private static final class OnFinish implements RequestEventListener {
            private volatile PaymentSession session;

            @Override
            public void onEvent(RequestEvent event) {
                ContainerRequest request = event.getContainerRequest();
                if (event.getType() == RequestEvent.Type.FINISHED) {
                    if (session != null) {
                        session.abandon();
                    }
                } else if (session == null && request != null
                        && request.getProperty(PaymentFilter.SESSION) instanceof PaymentSession admitted) {
                    session = admitted;
                }
            }
        }

        private final Runnable onDestroy;

        SessionJanitor(Runnable onDestroy) {
            this.onDestroy = onDestroy;
        }

        @Override
        public void onEvent(ApplicationEvent event) {
            if (event.getType() == ApplicationEvent.Type.DESTROY_FINISHED) {
                onDestroy.run();
            }
        }

        @Override
        public RequestEventListener onRequest(RequestEvent event) {
            return new OnFinish();
        }
    }
}
