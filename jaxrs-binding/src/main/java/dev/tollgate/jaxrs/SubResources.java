package dev.tollgate.jaxrs;

import dev.tollgate.core.config.ConfigurationException;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.sse.SseEventSink;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * What JAX-RS does not gate for us. A {@code DynamicFeature} is asked about resource methods only, never about
 * sub-resource locators, and a resource a locator returns is configured with its own class's annotations, not
 * its parent's. So {@link PaymentRequired} on a locator, or on a class whose locator returns an unannotated
 * class, would leave those resources free. Such a class is refused at start-up; {@link LocatorGuard} refuses, at
 * run time, what only a run can show (a root class whose only members are locators, a locator returning
 * {@code Object}). Also refused: a paid method that streams its answer after returning, which no buffer can hold
 * until settlement.
 */
final class SubResources {
    private static final String CHUNKED_OUTPUT = "org.glassfish.jersey.server.ChunkedOutput";

    private SubResources() {
    }

    /**
     * @throws ConfigurationException naming the locator whose resources would be served unpaid
     */
    static void checkLocators(Class<?> type) {
        boolean paidClass = AnnotationTerms.onType(type) != null;
        for (Method m : type.getMethods()) {
            if (!isLocator(m)) {
                continue;
            }
            String locator = type.getName() + "." + m.getName() + "()";
            if (AnnotationTerms.onMethod(type, m) != null) {
                throw new ConfigurationException("@PaymentRequired on " + locator, "JAX-RS applies no filter to a "
                        + "sub-resource locator, so its resources would be free: annotate the class it returns, or "
                        + "that class's methods");
            }
            Class<?> returned = m.getReturnType();
            if (paidClass && AnnotationTerms.onType(returned) == null) {
                throw new ConfigurationException("@PaymentRequired on " + type.getName(), "its sub-resource "
                        + "locator " + locator + " returns " + returned.getName() + ", which is not annotated, so "
                        + "its resources would be free: annotate " + returned.getName() + " (or declare the locator "
                        + "to return an annotated class)");
            }
        }
    }

    /**
     * @throws ConfigurationException when the paid method answers through a {@code ChunkedOutput} or an
     *         {@code SseEventSink}
     */
    static void checkBuffered(Method method, String resource) {
        boolean chunked = isChunkedOutput(method.getReturnType());
        boolean sse = false;
        for (Class<?> p : method.getParameterTypes()) {
            sse |= SseEventSink.class.isAssignableFrom(p);
        }
        if (chunked || sse) {
            throw new ConfigurationException("@PaymentRequired on " + resource, "a paid method cannot answer through "
                    + (chunked ? "a ChunkedOutput" : "an SseEventSink") + ": its content is written after the method "
                    + "returns, past the buffer in which Tollgate holds a paid answer until it is settled");
        }
    }

    /** A {@code ChunkedOutput} renders nothing when written: its content comes later, on its own. */
    static boolean isChunkedOutput(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(CHUNKED_OUTPUT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A public method with {@code @Path} and no HTTP method designator, judged on the annotations JAX-RS uses for it:
     * its own when it has any, else those of the nearest method it overrides that has some.
     */
    static boolean isLocator(Method m) {
        if (Modifier.isStatic(m.getModifiers())) {
            return false;
        }
        Method annotated = AnnotationTerms.nearest(m, SubResources::withJaxRsAnnotations);
        if (annotated == null || annotated.getAnnotation(Path.class) == null) {
            return false;
        }
        return !hasMethodDesignator(annotated);
    }

    private static Method withJaxRsAnnotations(Method m) {
        return m.getAnnotation(Path.class) != null || hasMethodDesignator(m) ? m : null;
    }

    private static boolean hasMethodDesignator(Method m) {
        for (Annotation a : m.getAnnotations()) {
            if (a.annotationType().getAnnotation(HttpMethod.class) != null) {
                return true;
            }
        }
        return false;
    }
}
