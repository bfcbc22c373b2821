package dev.tollgate.jaxrs;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.ConfigFile;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.PaymentTerms;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Puts Tollgate in front of every resource method annotated {@link PaymentRequired} (on the method or its
 * class): one filter per method, its terms built and validated at start-up, at
 * {@link Priorities#AUTHENTICATION}. Methods without the annotation get no filter and pay nothing. Every
 * request to the application whose raw path is ambiguous ({@code %2F}, {@code ;} parameters, dot or empty
 * segments, ...) is refused with 400 before matching, as the servlet filter does.
 *
 * <p>In code: {@code resourceConfig.register(TollgateFeature.from(config))}. From web.xml, register the
 * class (Jersey's {@code jersey.config.server.provider.classnames}) and give the settings as init-params
 * prefixed {@code tollgate.} ({@code tollgate.facilitator.url}, {@code tollgate.payTo}, ...), or name a
 * properties/JSON file in {@code tollgate.config} ({@code classpath:} or a path); init-params override the
 * file. Top-level settings are defaults for the annotations; routes, if any, are ignored. RESTEasy does not make
 * servlet init-params the application's properties: there register an instance, or the class with the settings in
 * {@code Application.getProperties()}.
 *
 * <p>With Jersey, resource methods can take the payment as {@code @Context PaymentReceipt}; on any runtime
 * it is the request property {@link dev.tollgate.core.gate.PaymentReceipt#ATTRIBUTE}. Under Jersey the
 * feature closes the Tollgate it made when the application is destroyed (undeployed or reloaded), or when an
 * invalid {@link PaymentRequired} stops it from starting; other runtimes (RESTEasy) report no such event, so there
 * the application calls {@link #close()} from its shutdown hook, or the Tollgate lives as long as the class loader.
 * (Jersey reports nothing either for a start-up that fails elsewhere, after this feature was configured.)
 */
public final class TollgateFeature implements Feature, DynamicFeature {
    /** Prefix of the settings read from the application's properties (servlet init-params under Jersey). */
    public static final String PROPERTY_PREFIX = "tollgate.";
    /** Property naming a settings file, loaded with {@link ConfigFile}. */
    public static final String CONFIG_PROPERTY = PROPERTY_PREFIX + "config";

    /** The response side's priority: the lowest Jersey orders reliably (0 and below are not). */
    static final int RESPONSE_PRIORITY = 1;

    /** The configuration given in code; null when it is read from the application's properties. */
    private final TollgateConfig given;
    private Tollgate tollgate;
    /** Resource classes whose locators were checked. */
    private final Set<Class<?>> checkedLocators = ConcurrentHashMap.newKeySet();
    /** Applications started with {@link #tollgate} and not yet destroyed. */
    private int applications;
    /** Whether a Tollgate was made from {@link #given}: it closes a ledger the settings made, with itself. */
    private boolean givenUsed;

    /** Reads its configuration from the application's properties; for registration by class name. */
    public TollgateFeature() {
        this.given = null;
    }

    private TollgateFeature(TollgateConfig config) {
        this.given = Objects.requireNonNull(config, "config");
    }

    /**
     * Its settings are defaults for the annotations; its routes, if any, play no part. The Tollgate is made when
     * an application first configures the feature, so a feature that is built and never registered holds no
     * pool, thread or ledger connection.
     */
    public static TollgateFeature from(TollgateConfig config) {
        return new TollgateFeature(config);
    }

    @Override
    public boolean configure(FeatureContext context) {
        // A bad configuration fails the start-up, annotated methods or not.
        Tollgate made = using(context.getConfiguration());
        JerseyExtensions.register(context, () -> release(made));
        RestEasyExtensions.register(context);
        context.register(ProvidersProperty.class);
        context.register(AmbiguousPathFilter.class);
        context.register(ReceivedMethod.class);
        context.register(LocatorGuard.class);
        return true;
    }

    @Override
    public void configure(ResourceInfo info, FeatureContext context) {
        Method method = info.getResourceMethod();
        if (method == null) {
            return;
        }
        Class<?> type = info.getResourceClass() != null ? info.getResourceClass() : method.getDeclaringClass();
        Tollgate t = tollgate(context.getConfiguration());
        if (!checkedLocators.contains(type)) {
            whileStarting(t, () -> {
                SubResources.checkLocators(type);
                return type;
            });
            checkedLocators.add(type);
        }
        PaymentRequired onMethod = AnnotationTerms.onMethod(type, method);
        PaymentRequired onClass = AnnotationTerms.onClass(type, method);
        if (onMethod == null && onClass == null) {
            return;
        }
        String resource = type.getName() + "." + method.getName() + "()";
        PaymentTerms terms = whileStarting(t, () -> {
            SubResources.checkBuffered(method, resource);
            PaymentTerms made = AnnotationTerms.terms(t.config(), resource, onClass, onMethod);
            try {
                // The routes' networks were checked against /supported when the Tollgate was made; an annotation's
                // are known only now.
                t.checkSupported(made);
            } catch (ConfigurationException e) {
                throw new ConfigurationException(e.setting() + ", for @PaymentRequired on " + resource, e.problem());
            }
            return made;
        });
        // Response filters run in descending priority: at 1 the settlement comes after the application's own
        // response filters (which may still change the status or fail), not before those below AUTHENTICATION.
        context.register(new PaymentFilter(t, terms, resource), Map.of(ContainerRequestFilter.class,
                Priorities.AUTHENTICATION, ContainerResponseFilter.class, RESPONSE_PRIORITY));
    }

    /**
     * A start-up check or step. When it fails the application will not start, so Jersey will never report its
     * destruction: its share of {@code t} is let go now.
     */
    private <T> T whileStarting(Tollgate t, Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            release(t);
            throw e;
        }
    }

    private synchronized Tollgate tollgate(Configuration configuration) {
        if (tollgate == null) {
            TollgateConfig config;
            if (given == null) {
                config = fromProperties(configuration.getProperties());
            } else {
                // Started again (reloaded) after its last application closed the first Tollgate, and that Tollgate's
                // ledger if the settings made it: a new one of those is made, not the closed one handed on.
                config = givenUsed ? given.forAnotherTollgate() : given;
                givenUsed = true;
            }
            tollgate = Tollgate.create(config);
        }
        return tollgate;
    }

    /** The Tollgate for one more application (one feature instance may serve several at once). */
    private synchronized Tollgate using(Configuration configuration) {
        Tollgate t = tollgate(configuration);
        applications++;
        return t;
    }

    /**
     * An application that used {@code made} is gone (Jersey reports its destruction). When it was the last, the
     * facilitator pool, deadline thread and ledger connections are let go, and an application started again
     * with this feature gets a new Tollgate.
     */
    private synchronized void release(Tollgate made) {
        if (tollgate != made || --applications > 0) {
            return;
        }
        tollgate = null;
        made.close();
    }

    /**
     * Closes the Tollgate this feature made (its facilitator connections, deadline thread, and the ledger and listener
     * its settings made), for runtimes that do not tell a feature that its application stopped (RESTEasy does not;
     * Jersey does). Call it once every application using this feature has stopped, from the application's
     * shutdown hook (a {@code ServletContextListener}'s {@code contextDestroyed}, or after an embedded server
     * stops): a paid request still served after it can no longer be verified. An application started again with this
     * feature gets a new Tollgate. Under Jersey the feature does this by itself; calling it as well does no harm. Closing a
     * feature that made no Tollgate, or closing it twice, does nothing.
     */
    public synchronized void close() {
        Tollgate made = tollgate;
        if (made == null) {
            return;
        }
        tollgate = null;
        applications = 0;
        made.close();
    }

    /** The Tollgate the current application uses; for tests. */
    synchronized Tollgate current() {
        return tollgate;
    }

    static TollgateConfig fromProperties(Map<String, Object> properties) {
        Map<String, String> settings = new LinkedHashMap<>();
        Object file = properties.get(CONFIG_PROPERTY);
        if (file != null && !file.toString().isBlank()) {
            settings.putAll(ConfigFile.load(file.toString().strip(), classLoader()));
        }
        properties.forEach((key, value) -> {
            if (key.startsWith(PROPERTY_PREFIX) && !key.equals(CONFIG_PROPERTY) && value != null) {
                settings.put(key.substring(PROPERTY_PREFIX.length()), text(value));
            }
        });
        return TollgateConfig.builder().withoutRoutes().settings(settings).build();
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : TollgateFeature.class.getClassLoader();
    }

    /**
     * A property as a setting's text; a number as its plain digits, as a JSON file's numbers are: a Double's own
     * text is "1.0E-5" for 0.00001, which no setting reads.
     */
    private static String text(Object value) {
        if (value instanceof Number n) {
            try {
                return new BigDecimal(n.toString()).toPlainString();
            } catch (NumberFormatException e) {
                return n.toString(); // NaN, Infinity: refused, quoted, by the setting that reads them
            }
        }
        return value.toString();
    }
}
