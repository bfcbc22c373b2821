package dev.tollgate.jaxrs;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.PaymentTerms;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@link PaymentRequired} into terms through the core's configuration model: the attributes become the
 * settings of a route named after the resource method, layered over the application's settings, so prices,
 * networks and addresses are parsed and validated exactly as in web.xml.
 */
final class AnnotationTerms {
    private AnnotationTerms() {
    }

    /** The annotation that governs a resource method: its own, else its class's; null when unpaid. */
    static PaymentRequired onMethod(Class<?> type, Method method) {
        PaymentRequired own = method.getAnnotation(PaymentRequired.class);
        if (own == null && type != null && !method.getDeclaringClass().equals(type)) {
            // The method JAX-RS reports may be the interface's that carries the JAX-RS annotations.
            try {
                own = type.getMethod(method.getName(), method.getParameterTypes()).getAnnotation(PaymentRequired.class);
            } catch (NoSuchMethodException e) {
                // not public on the resource class: only the reported method's annotations count
            }
        }
        return own;
    }

    static PaymentRequired onClass(Class<?> type, Method method) {
        PaymentRequired onType = type == null ? null : type.getAnnotation(PaymentRequired.class);
        return onType != null ? onType : method.getDeclaringClass().getAnnotation(PaymentRequired.class);
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
