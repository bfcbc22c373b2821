package dev.tollgate.resteasy;

import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.jaxrs.PaymentRequired;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.resteasy.spi.HttpRequest;

/** The resources an application on RESTEasy puts behind the feature. $0.01 is what the default test proof pays. */
final class Shop {
    static final String CONTENT = "PAID-CONTENT";
    /** How often a paid method produced its body (a StreamingOutput counts when it writes). */
    static final AtomicInteger PRODUCED = new AtomicInteger();

    private Shop() {
    }

    /** A failure of the application's own, which its {@link OutOfStockMapper} answers with 409. */
    static final class OutOfStock extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfStock() {
            super("out of stock");
        }
    }

    public static class OutOfStockMapper implements ExceptionMapper<OutOfStock> {
        @Override
        public Response toResponse(OutOfStock e) {
            return Response.status(409).entity("out of stock").type("text/plain").build();
        }
    }

    /** An application response filter that fails when asked to, at a priority that runs before the settlement. */
    @jakarta.annotation.Priority(100)
    public static class FailingResponseFilter implements jakarta.ws.rs.container.ContainerResponseFilter {
        @Override
        public void filter(ContainerRequestContext request, jakarta.ws.rs.container.ContainerResponseContext response) {
            if (request.getHeaderString("X-Test-Filter-Fails") != null) {
                throw new IllegalStateException("response filter failed");
            }
        }
    }

    /**
     * An application's WriterInterceptor. JAX-RS runs interceptors around the entity's writer when the answer is
     * written, after every response filter, so after the payment was settled. It fails as the header
     * {@value #FAILS} says: {@code unmapped} (an exception no mapper handles) or {@code mapped} (a
     * {@code WebApplicationException(500)}).
     */
    public static class FailingWriterInterceptor implements jakarta.ws.rs.ext.WriterInterceptor {
        static final String FAILS = "X-Test-Interceptor-Fails";

        @Override
        public void aroundWriteTo(jakarta.ws.rs.ext.WriterInterceptorContext context) throws java.io.IOException {
            Object fails = context.getHeaders().getFirst(FAILS);
            context.getHeaders().remove(FAILS);
            if ("unmapped".equals(fails)) {
                throw new IllegalStateException("the application's writer interceptor failed");
            }
            if ("mapped".equals(fails)) {
                throw new WebApplicationException("the application's writer interceptor refused", 500);
            }
            context.proceed();
        }
    }

    @Path("/")
    public static class Api {
        /** Its answer goes through {@link FailingWriterInterceptor}, which fails as {@code ?fails=} says. */
        @GET
        @Path("intercepted")
        @PaymentRequired(price = "$0.01")
        public Response intercepted(@jakarta.ws.rs.QueryParam("fails") String fails) {
            PRODUCED.incrementAndGet();
            return Response.ok(CONTENT).type("text/plain").header(FailingWriterInterceptor.FAILS, fails).build();
        }

        @jakarta.ws.rs.POST
        @Path("upload")
        @PaymentRequired(price = "$0.01")
        public String upload(String body) {
            PRODUCED.incrementAndGet();
            return CONTENT;
        }

        @GET
        @Path("weather")
        @PaymentRequired(price = "$0.001", description = "Current weather", mimeType = "application/json")
        public String weather() {
            PRODUCED.incrementAndGet();
            return "{\"weather\":\"sunny\"}";
        }

        @GET
        @Path("free")
        public String free() {
            return "free";
        }

        @GET
        @Path("report")
        @PaymentRequired(price = "$0.01")
        public Response report() {
            PRODUCED.incrementAndGet();
            return Response.ok(CONTENT).type("text/plain").header("X-Content-Secret", "42").build();
        }

        @GET
        @Path("stream")
        @PaymentRequired(price = "$0.01")
        public StreamingOutput stream() {
            return out -> {
                PRODUCED.incrementAndGet();
                out.write(CONTENT.getBytes(StandardCharsets.UTF_8));
                out.flush();
            };
        }

        /**
         * The receipt is the request property, which RESTEasy over servlets keeps as the servlet request's attribute
         * (a resource method cannot take RESTEasy's {@code ContainerRequestContext}).
         */
        @GET
        @Path("receipt")
        @PaymentRequired(price = "$0.01")
        public String receipt(@Context HttpServletRequest request) {
            PaymentReceipt receipt = (PaymentReceipt) request.getAttribute(PaymentReceipt.ATTRIBUTE);
            return receipt.payer() + " paid " + receipt.amount() + " on " + receipt.network() + " to "
                    + receipt.payTo() + " tx=" + receipt.transaction();
        }

        /** The same property through RESTEasy's own request, on any of its containers. */
        @GET
        @Path("receipt-resteasy")
        @PaymentRequired(price = "$0.01")
        public String receiptThroughRestEasy(@Context HttpRequest request) {
            return "payer=" + ((PaymentReceipt) request.getAttribute(PaymentReceipt.ATTRIBUTE)).payer();
        }

        /** A resource method asking for the filters' request context: RESTEasy has none to give it there. */
        @GET
        @Path("receipt-context")
        @PaymentRequired(price = "$0.01")
        public String receiptFromContext(@Context ContainerRequestContext request) {
            PRODUCED.incrementAndGet();
            return String.valueOf(request.getProperty(PaymentReceipt.ATTRIBUTE));
        }

        /** The receipt as Jersey injects it: says what RESTEasy handed in. */
        @GET
        @Path("injected-receipt")
        @PaymentRequired(price = "$0.01")
        public String injectedReceipt(@Context PaymentReceipt receipt) {
            return receipt == null ? "injected: null" : "injected: " + receipt.payer();
        }

        @GET
        @Path("not-found")
        @PaymentRequired(price = "$0.01")
        public Response notFound() {
            PRODUCED.incrementAndGet();
            return Response.status(404).entity("no such report").type("text/plain").build();
        }

        @GET
        @Path("web-error")
        @PaymentRequired(price = "$0.01")
        public String webError() {
            throw new WebApplicationException("handler failed", 500);
        }

        @GET
        @Path("out-of-stock")
        @PaymentRequired(price = "$0.01")
        public String outOfStock() {
            throw new OutOfStock();
        }

        /** An exception no mapper of the application's handles. */
        @GET
        @Path("crash")
        @PaymentRequired(price = "$0.01")
        public String crash() {
            throw new IllegalStateException("handler crashed");
        }

        /** Settled before it runs, then throws an exception no mapper of the application's handles. */
        @GET
        @Path("prepaid-crash")
        @PaymentRequired(price = "$0.01", settlement = PaymentRequired.Settlement.BEFORE)
        public String prepaidCrash() {
            PRODUCED.incrementAndGet();
            throw new IllegalStateException("handler crashed after the payment was settled");
        }

        @GET
        @Path("prepaid")
        @PaymentRequired(price = "$0.01", settlement = PaymentRequired.Settlement.BEFORE)
        public String prepaid(@Context HttpServletRequest request) {
            PRODUCED.incrementAndGet();
            return "tx=" + ((PaymentReceipt) request.getAttribute(PaymentReceipt.ATTRIBUTE)).transaction();
        }
    }

    /** Every method pays the class's terms unless its own annotation says otherwise. */
    @Path("reports")
    @PaymentRequired(price = "$0.05", description = "Reports")
    public static class Reports {
        @GET
        @Path("daily")
        public String daily() {
            PRODUCED.incrementAndGet();
            return "daily";
        }

        @GET
        @Path("special")
        @PaymentRequired(price = "$0.01")
        public String special() {
            PRODUCED.incrementAndGet();
            return "special";
        }
    }

    /** A base whose JAX-RS method an overriding subclass reprices. */
    public abstract static class PricedBase {
        @GET
        @Path("report")
        @PaymentRequired(price = "$0.01")
        public String report() {
            return "base report";
        }
    }

    @Path("repriced")
    public static class Repriced extends PricedBase {
        @Override
        @PaymentRequired(price = "$0.05")
        public String report() {
            return "premium report";
        }
    }

    /** Reached through a locator; free by its own annotations. */
    public static class UnpaidSub {
        @GET
        public String get() {
            PRODUCED.incrementAndGet();
            return CONTENT;
        }
    }

    /** Its locator is paid for, through the class; what it returns is known only when it runs. */
    @Path("paid-locators")
    @PaymentRequired(price = "$0.01")
    public static class PaidLocators {
        @Path("dynamic")
        public Object dynamic() {
            return new UnpaidSub();
        }
    }
}
