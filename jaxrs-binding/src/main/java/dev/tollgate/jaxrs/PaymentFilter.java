package dev.tollgate.jaxrs;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.HttpAnswer;
import dev.tollgate.core.gate.PaidCaching;
import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.core.gate.PaymentSession;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.UndeliveredAnswer;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Providers;
import java.lang.annotation.Annotation;

/**
 * The gate in front of one paid resource method, with its terms fixed at start-up. The request side
 * challenges, rejects or admits; the response side renders the entity into memory (a {@code StreamingOutput}
 * included) and only then settles, so a failed settlement can still replace status, headers and entity, a
 * body that could not be produced is not charged, and a method that answered 400 or more, or threw an
 * exception mapped to such a status, is not charged either.
 */
final class PaymentFilter implements ContainerRequestFilter, ContainerResponseFilter {
    /** Request property holding the admitted {@link PaymentSession} until the response side ends it. */
    static final String SESSION = PaymentSession.ATTRIBUTE;
    /**
     * Request property holding the {@link Completion.Deliver} of a settled payment once the response side ended its
     * session. The answer is written after every response filter, through the application's WriterInterceptors; one
     * that fails then has the runtime answer an error in its place (through the response filters again when a mapper
     * handles the exception, to the container otherwise), and that error must still carry the receipt.
     */
    static final String SETTLED = Completion.SETTLED_ATTRIBUTE;
    /** Request property holding the settled session beside {@link #SETTLED}, to report such a failure to. */
    static final String ENDED = PaymentSession.SETTLED_ATTRIBUTE;

    private static final Annotation[] NO_ANNOTATIONS = new Annotation[0];

    private final Tollgate tollgate;
    private final PaymentTerms terms;
    private final String resource;

    PaymentFilter(Tollgate tollgate, PaymentTerms terms, String resource) {
        this.tollgate = tollgate;
        this.terms = terms;
        this.resource = resource;
    }

    PaymentTerms terms() {
        return terms;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Decision decision = tollgate.check(new ContextRequestView(request), terms);
        if (decision instanceof Decision.Admit admit) {
            request.setProperty(SESSION, admit.session());
            request.setProperty(PaymentReceipt.ATTRIBUTE, admit.session().receipt());
            // An exception no mapper handles skips the response side: under Jersey the container's 500 still ends the
            // session, with the receipt of a payment settled before the method ran.
            JerseyExtensions.endOnFailure(request);
        } else if (decision instanceof Decision.Challenge challenge) {
            request.abortWith(answerUnread(request, challenge.answer()));
        } else {
            request.abortWith(answerUnread(request, ((Decision.Reject) decision).answer()));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(SESSION) instanceof PaymentSession session)) {
            if (request.getProperty(SETTLED) instanceof Completion.Deliver settled) {
                // The paid answer failed to be written after its settlement: this is the runtime's answer instead.
                deliver(response, settled);
                if (request.getProperty(ENDED) instanceof PaymentSession ended) {
                    ended.undelivered("the paid answer failed to be written after the settlement (a WriterInterceptor "
                            + "or MessageBodyWriter threw); the runtime answered " + response.getStatus());
                }
            }
            return; // challenged, rejected, or unpaid: nothing of ours to finish
        }
        request.removeProperty(SESSION);
        if (PaymentSession.delivers(response.getStatus(), false)) {
            try {
                RenderedEntity.render(response, (Providers) request.getProperty(ProvidersProperty.PROPERTY),
                        tollgate.config().bufferLimit());
            } catch (RenderedEntity.RenderingFailed e) {
                // Nothing was produced, so nothing is charged, unless the route settled before its method ran:
                // then the payer is told so, with the settlement's receipt.
                replace(response, UndeliveredAnswer.of(500, "the paid response could not be produced",
                        session.complete(500)));
                return;
            } catch (Error e) {
                session.abandon(); // or the proof stays claimed until its claim expires
                throw e;
            }
            declaredLengthOfRendered(response);
        }
        Completion completion = session.complete(response.getStatus());
        if (completion instanceof Completion.Deliver deliver) {
            if (!deliver.headers().isEmpty()) {
                request.setProperty(SETTLED, deliver);
            }
            if (session.isSettled()) {
                request.setProperty(ENDED, session);
            }
            deliver(response, deliver);
            request.setProperty(PaymentReceipt.ATTRIBUTE, session.receipt());
        } else {
            replace(response, ((Completion.Withhold) completion).answer());
        }
    }

    private static void deliver(ContainerResponseContext response, Completion.Deliver deliver) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        deliver.headers().forEach(headers::putSingle);
        if (PaymentSession.delivers(response.getStatus(), false)) {
            // Paid for by this payer only: a shared cache must not hand it to the next client.
            PaidCaching.applyToPaidAnswer(response::getHeaderString, headers.keySet(), headers::putSingle);
        }
    }

    /**
     * A length the method declared is checked by the container only after the payment is settled: one that does not
     * match the body (characters counted for UTF-8 bytes, say) cut the paid answer short or failed it. It is made
     * the rendered body's (so a large download keeps its length), or, when the body is still to be encoded
     * ({@code Content-Encoding}) or was not rendered, left to the runtime to measure.
     */
    private static void declaredLengthOfRendered(ContainerResponseContext response) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        if (!headers.containsKey(HttpHeaders.CONTENT_LENGTH)) {
            return;
        }
        if (response.getEntity() instanceof byte[] body && !headers.containsKey(HttpHeaders.CONTENT_ENCODING)) {
            headers.putSingle(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length));
        } else {
            headers.remove(HttpHeaders.CONTENT_LENGTH);
        }
    }

    /** Nothing of the method's answer survives: its headers may describe (or carry) the unpaid content. */
    private static void replace(ContainerResponseContext response, HttpAnswer answer) {
        response.setStatus(answer.status());
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.clear();
        answer.headers().forEach(headers::putSingle);
        response.setEntity(answer.body(), NO_ANNOTATIONS, MediaType.valueOf(answer.contentType()));
    }

    /** The gate's answer to a request whose body nobody read ({@link UnreadBody}). */
    private static Response answerUnread(ContainerRequestContext request, HttpAnswer answer) {
        Response.ResponseBuilder b = Response.status(answer.status())
                .entity(answer.body())
                .type(answer.contentType());
        answer.headers().forEach(b::header);
        return UnreadBody.closeIfDeclared(request, b).build();
    }

    @Override
    public String toString() {
        return "Tollgate payment filter for " + resource;
    }
}
