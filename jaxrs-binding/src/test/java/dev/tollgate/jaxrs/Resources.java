package dev.tollgate.jaxrs;

import dev.tollgate.core.gate.PaymentReceipt;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Resources the tests put behind the feature. Prices of $0.01 match the default test proof. */
final class Resources {
    static final String CONTENT = "PAID-CONTENT";
    /** How often a paid handler's body was produced; a StreamingOutput counts when it writes. */
    static final AtomicInteger PRODUCED = new AtomicInteger();

    private Resources() {
    }

    @Path("/")
    public static class Api {
        @GET
        @Path("weather")
        @PaymentRequired(price = "$0.001", description = "Current weather", mimeType = "application/json")
        public String weather() {
            PRODUCED.incrementAndGet();
            return "{\"weather\":\"sunny\"}";
        }

        @POST
        @Path("upload")
        @PaymentRequired(price = "$0.001")
        public String upload(String body) {
            PRODUCED.incrementAndGet();
            return "stored " + body.length() + " characters";
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
            return Response.ok(CONTENT).header("X-Content-Secret", "42").build();
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

        @GET
        @Path("stream-failing")
        @PaymentRequired(price = "$0.01")
        public StreamingOutput streamFailing() {
            return out -> {
                out.write(CONTENT.substring(0, 4).getBytes(StandardCharsets.UTF_8));
                throw new java.io.IOException("disk gone half-way");
            };
        }

        @GET
        @Path("options")
        @PaymentRequired(price = "$0.01", accepts = {"sepolia", "mainnet"})
        public String options() {
            return CONTENT;
        }

        @GET
        @Path("not-found")
        @PaymentRequired(price = "$0.01")
        public Response notFound() {
            return Response.status(404).entity("no such report").build();
        }

        @GET
        @Path("web-error")
        @PaymentRequired(price = "$0.01")
        public String webError() {
            throw new WebApplicationException("handler failed", 500);
        }

        @GET
        @Path("crash")
        @PaymentRequired(price = "$0.01")
        public String crash() {
            throw new IllegalStateException("handler crashed");
        }

        @GET
        @Path("receipt")
        @PaymentRequired(price = "$0.01")
        public String receipt(@Context PaymentReceipt receipt) {
            return receipt.payer() + " paid " + receipt.amount() + " on " + receipt.network() + " to "
                    + receipt.payTo() + " tx=" + receipt.transaction();
        }

        /** Answers from another thread, as a resource waiting on a slow back end would. */
        @GET
        @Path("suspended")
        @PaymentRequired(price = "$0.01")
        public void suspended(@Suspended AsyncResponse response) {
            CompletableFuture.runAsync(() -> {
                PRODUCED.incrementAndGet();
                response.resume(Response.ok(CONTENT).header("X-Content-Secret", "42").build());
            });
        }

        /** Resumed from another thread with an exception no mapper handles (its back end failed). */
        @GET
        @Path("suspended-failing")
        @PaymentRequired(price = "$0.01")
        public void suspendedFailing(@Suspended AsyncResponse response) {
            CompletableFuture.runAsync(() -> {
                PRODUCED.incrementAndGet();
                response.resume(new IllegalStateException("back end gone"));
            });
        }

        /** Never answers: the suspension's timeout ends the request. */
        @GET
        @Path("suspended-forever")
        @PaymentRequired(price = "$0.01")
        public void suspendedForever(@Suspended AsyncResponse response) {
            PRODUCED.incrementAndGet();
            response.setTimeout(200, TimeUnit.MILLISECONDS);
        }

        @GET
        @Path("prepaid-failing")
        @PaymentRequired(price = "$0.01", settlement = PaymentRequired.Settlement.BEFORE)
        public StreamingOutput prepaidFailing() {
            return out -> {
                throw new java.io.IOException("disk gone after the payment was settled");
            };
        }

        @GET
        @Path("stream-error")
        @PaymentRequired(price = "$0.01")
        public StreamingOutput streamError() {
            return out -> {
                throw new AssertionError("writer broke");
            };
        }

        @GET
        @Path("chunked-entity")
        @PaymentRequired(price = "$0.01")
        public Response chunkedEntity() {
            return Response.ok(new org.glassfish.jersey.server.ChunkedOutput<>(String.class)).build();
        }

        /** Asks every cache, shared ones included, to keep its answer. */
        @GET
        @Path("cacheable")
        @PaymentRequired(price = "$0.01")
        public Response cacheable() {
            PRODUCED.incrementAndGet();
            jakarta.ws.rs.core.CacheControl cache = new jakarta.ws.rs.core.CacheControl();
            cache.setMaxAge(600);
            cache.setSMaxAge(3600);
            return Response.ok(CONTENT).cacheControl(cache).header("Cache-Control", "public")
                    .header("CDN-Cache-Control", "max-age=600").header("surrogate-control", "max-age=3600").build();
        }

        /** Declares a Content-Length of its own ({@code ?length=}), counted wrongly (characters, not UTF-8 bytes, say). */
        @GET
        @Path("declared-length")
        @PaymentRequired(price = "$0.01")
        public Response declaredLength(@jakarta.ws.rs.QueryParam("length") String length) {
            PRODUCED.incrementAndGet();
            return Response.ok(CONTENT + ": caf\u00e9 cr\u00e8me").type("text/plain; charset=UTF-8")
                    .header("Content-Length", length).build();
        }

        /** A download larger than the runtime buffers to measure, declaring its length rightly. */
        @GET
        @Path("download")
        @PaymentRequired(price = "$0.01")
        public Response download() {
            byte[] body = (CONTENT + "\n").repeat(2000).getBytes(StandardCharsets.US_ASCII);
            StreamingOutput out = o -> o.write(body);
            return Response.ok(out).type("application/octet-stream").header("Content-Length", body.length).build();
        }

        /** Settled before it runs, then throws an exception JAX-RS maps (to 500). */
        @GET
        @Path("prepaid-web-error")
        @PaymentRequired(price = "$0.01", settlement = PaymentRequired.Settlement.BEFORE)
        public String prepaidWebError() {
            PRODUCED.incrementAndGet();
            throw new WebApplicationException("handler failed after the payment was settled", 500);
        }

        /** Settled before it runs, then throws an exception no mapper handles. */
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
        public String prepaid(@Context PaymentReceipt receipt) {
            return "tx=" + receipt.transaction();
        }

        /**
         * Settled after it ran, as every route by default; its answer then meets the application's
         * {@link FailingWriterInterceptor}, which fails as {@code ?fails=} says: {@code unmapped} (an exception no
         * mapper handles) or {@code mapped} (a {@code WebApplicationException(500)}).
         */
        @GET
        @Path("intercepted")
        @PaymentRequired(price = "$0.01")
        public Response intercepted(@jakarta.ws.rs.QueryParam("fails") String fails) {
            PRODUCED.incrementAndGet();
            return Response.ok(CONTENT).header(FailingWriterInterceptor.FAILS, fails).build();
        }
    }

    /**
     * An application's WriterInterceptor. JAX-RS runs interceptors around the entity's writer when the answer is
     * written, after every response filter, so after the payment was settled.
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

    /** Reached through a locator; free by its own annotations. */
    public static class UnpaidSub {
        @GET
        public String get() {
            PRODUCED.incrementAndGet();
            return CONTENT;
        }
    }

    /** Reached through a locator; paid by its own annotation. */
    @PaymentRequired(price = "$0.01")
    public static class PaidSub {
        @GET
        public String get() {
            PRODUCED.incrementAndGet();
            return CONTENT;
        }
    }

    /**
     * Locators only: JAX-RS asks the feature about none of them, and what they return is known only when they
     * run, so start-up cannot see what these two lead to.
     */
    @Path("locators")
    public static class Locators {
        @Path("paid-class")
        public PaidSub paidClass() {
            return new PaidSub();
        }

        @Path("annotated")
        @PaymentRequired(price = "$0.01")
        public Object annotated() {
            return new UnpaidSub();
        }
    }

    @Path("paid-locators")
    @PaymentRequired(price = "$0.01")
    public static class PaidLocators {
        @Path("dynamic")
        public Object dynamic() {
            return new UnpaidSub();
        }
    }

    /** An application's response filter that turns answers into errors, below Tollgate's request priority. */
    @jakarta.annotation.Priority(100)
    public static class MaintenanceFilter implements jakarta.ws.rs.container.ContainerResponseFilter {
        @Override
        public void filter(jakarta.ws.rs.container.ContainerRequestContext request,
                           jakarta.ws.rs.container.ContainerResponseContext response) {
            if (request.getHeaderString("X-Test-Maintenance") != null) {
                response.setStatus(503);
                response.setEntity("down for maintenance");
            }
            if (request.getHeaderString("X-Test-Filter-Fails") != null) {
                throw new IllegalStateException("response filter failed");
            }
        }
    }

    /** Every method pays the class's terms unless its own annotation says otherwise. */
    @Path("reports")
    @PaymentRequired(price = "$0.05", description = "Reports")
    public static class Reports {
        @GET
        @Path("daily")
        public String daily() {
            return "daily";
        }

        @GET
        @Path("special")
        @PaymentRequired(price = "$0.02")
        public String special() {
            return "special";
        }
    }

    /** A base whose JAX-RS method an overriding subclass reprices: JAX-RS reports the base's method. */
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

    /** An interface with the JAX-RS annotations and a price, implemented at another price. */
    public interface PricedApi {
        @GET
        @Path("report")
        @PaymentRequired(price = "$0.01")
        String report();
    }

    @Path("repriced-impl")
    public static class RepricedImpl implements PricedApi {
        @Override
        @PaymentRequired(price = "$0.05")
        public String report() {
            return "premium report";
        }
    }

    /** An override without an annotation of its own keeps the price of the method it overrides. */
    @Path("inherited-price")
    public static class InheritedPrice extends PricedBase {
        @Override
        public String report() {
            return "inherited report";
        }
    }

    /** A whole interface sold: its implementation repeats none of its annotations. */
    @PaymentRequired(price = "$0.02")
    public interface PaidApi {
        @GET
        @Path("report")
        String report();
    }

    @Path("paid-api-impl")
    public static class PaidApiImpl implements PaidApi {
        @Override
        public String report() {
            return "interface report";
        }
    }
}
