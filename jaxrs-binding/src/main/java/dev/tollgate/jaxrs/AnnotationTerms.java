package dev.tollgate.jaxrs;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.PaymentTerms;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns {@link PaymentRequired} into terms through the core's configuration model: the attributes become the
 * settings of a route named after the resource method, layered over the application's settings, so prices,
 * networks and addresses are parsed and validated exactly as in web.xml.
 */
final class AnnotationTerms {
    private AnnotationTerms() {
    }

    /**
     * The annotation that governs a resource method: that of the method which runs, else that of the nearest method
     * it overrides (superclasses first, then interfaces, as JAX-RS inherits its own annotations); null when none
     * has one. Java does not inherit method annotations, but JAX-RS serves an override that repeats none of the
     * overridden method's annotations with that method's {@code @GET} and {@code @Path}, and reports either one;
     * an override must not serve for free what the method it replaces sells, nor sell at the overridden price.
     */
    static PaymentRequired onMethod(Class<?> type, Method method) {
        Method runs = method;
        if (type != null && !method.getDeclaringClass().equals(type)) {
            try {
                runs = type.getMethod(method.getName(), method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                // not public on the resource class: the reported method is the one that runs
            }
        }
        return nearest(runs, m -> m.getAnnotation(PaymentRequired.class));
    }

    /**
     * The first non-null answer of {@code look} for {@code runs} or a method it overrides: its own class's, then each
     * superclass's, then the interfaces' (nearest first), the order in which JAX-RS looks for inherited annotations.
     */
    static <T> T nearest(Method runs, Function<Method, T> look) {
        for (Class<?> c = runs.getDeclaringClass(); c != null; c = c.getSuperclass()) {
            Method declared = declared(c, runs);
            T found = declared == null ? null : look.apply(declared);
            if (found != null) {
                return found;
            }
        }
        for (Class<?> c = runs.getDeclaringClass(); c != null; c = c.getSuperclass()) {
            T found = onInterfaces(c.getInterfaces(), runs, look);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static <T> T onInterfaces(Class<?>[] interfaces, Method runs, Function<Method, T> look) {
        for (Class<?> i : interfaces) {
            Method declared = declared(i, runs);
            T found = declared == null ? null : look.apply(declared);
            if (found == null) {
                found = onInterfaces(i.getInterfaces(), runs, look);
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** {@code type}'s own method of the same signature, if it declares one. */
    private static Method declared(Class<?> type, Method like) {
        try {
            return type.getDeclaredMethod(like.getName(), like.getParameterTypes());
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /**
     * The class-level annotation that governs a resource method: the resource class's or a superclass's, else an
     * interface's, else that of the class declaring the reported method. Java inherits class annotations from
     * superclasses only; an interface sold as a whole must not be served free by a class implementing it.
     */
    static PaymentRequired onClass(Class<?> type, Method method) {
        PaymentRequired found = type == null ? null : onType(type);
        return found != null ? found : onType(method.getDeclaringClass());
    }

    /** A class's own annotation, a superclass's, else an interface's (nearest first); null when none. */
    static PaymentRequired onType(Class<?> type) {
        PaymentRequired own = type.getAnnotation(PaymentRequired.class); // @Inherited: a superclass's counts
        for (Class<?> c = type; own == null && c != null; c = c.getSuperclass()) {
            own = onInterfaceTypes(c.getInterfaces());
        }
        return own;
    }

    private static PaymentRequired onInterfaceTypes(Class<?>[] interfaces) {
        for (Class<?> i : interfaces) {
            PaymentRequired found = i.getAnnotation(PaymentRequired.class);
            if (found == null) {
                found = onInterfaceTypes(i.getInterfaces());
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * @throws ConfigurationException naming the resource method and the attribute (or the configured setting)
     *         at fault
     */
    static PaymentTerms terms(TollgateConfig config, String resource, PaymentRequired onClass,
                              PaymentRequired onMethod) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (onClass != null) {
            put(settings, onClass);
        }
        if (onMethod != null) {
            put(settings, onMethod);
        }
        String route = "@" + resource;
        try {
            return config.routeTerms(route, settings);
        } catch (ConfigurationException e) {
            String prefix = "route." + route + ".";
            String where = e.setting().startsWith(prefix)
                    ? "@PaymentRequired(" + e.setting().substring(prefix.length()) + ") on " + resource
                    : e.setting() + ", for @PaymentRequired on " + resource;
            throw new ConfigurationException(where, e.problem());
        }
    }

    /** Only attributes that were given: an absent one must not hide the class's or the application's value. */
    private static void put(Map<String, String> settings, PaymentRequired a) {
        put(settings, "price", a.price());
        put(settings, "payTo", a.payTo());
        put(settings, "network", a.network());
        put(settings, "asset", a.asset());
        put(settings, "description", a.description());
        put(settings, "mimeType", a.mimeType());
        if (a.maxTimeoutSeconds() != 0) {
            settings.put("maxTimeoutSeconds", Integer.toString(a.maxTimeoutSeconds()));
        }
        if (a.settlement() != PaymentRequired.Settlement.CONFIGURED) {
            settings.put("settlement", a.settlement().name().toLowerCase(Locale.ROOT));
        }
        if (a.accepts().length > 0) {
            settings.put("accepts", String.join(",", a.accepts()));
        }
    }

    private static void put(Map<String, String> settings, String key, String value) {
        if (!value.isEmpty()) {
            settings.put(key, value);
        }
    }
}
