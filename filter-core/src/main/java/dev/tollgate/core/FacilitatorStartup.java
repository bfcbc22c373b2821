package dev.tollgate.core;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.verify.SupportedCatalog;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Compares the configured options with what the facilitator's {@code /supported} lists. A facilitator that
 * answers and lacks a configured network fails start-up with a message naming {@code network}. One that
 * cannot be reached does not hold start-up: the check is retried in the background (one daemon thread,
 * backing off up to {@code maxRetryDelay}, gone once the check is done) and its verdict is logged, while
 * requests meanwhile get 503 from the facilitator client as usual. Options made after start-up (a JAX-RS
 * resource's annotation) are checked the same way with {@link #checkAlso}.
 */
public final class FacilitatorStartup implements AutoCloseable {
    public static final Duration DEFAULT_FIRST_RETRY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_RETRY = Duration.ofMinutes(1);
    private static final System.Logger LOG = System.getLogger(FacilitatorStartup.class.getName());

    private final SupportedCatalog catalog;
    /** Added to by {@link #checkAlso} while a background check may be reading it. */
    private final List<PaymentOption> options;
    private final String facilitator;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private ScheduledExecutorService background;
    private volatile Optional<String> problem = Optional.empty();
    private volatile boolean checked;

    public FacilitatorStartup(SupportedCatalog catalog, List<PaymentOption> options, String facilitator,
                              Duration firstRetry, Duration maxRetry) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.options = new CopyOnWriteArrayList<>(options);
        this.facilitator = facilitator;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    /**
     * Checks once now.
     *
     * @throws ConfigurationException naming {@code network} when the facilitator lacks a configured one
     */
    public FacilitatorStartup check() {
        try {
            String wrong = verdict(catalog.fetch());
            checked = true;
            if (wrong != null) {
                throw new ConfigurationException("network", wrong);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Tollgate: cannot ask facilitator {0} what it supports ({1}); "
                    + "starting anyway and checking again in the background", facilitator, e.getMessage());
            retryLater(firstRetry);
        }
        return this;
    }

    /**
     * Checks options configured after start-up, such as a JAX-RS resource method's, as {@link #check} checked those
     * of the routes: against the answer the facilitator gave, or, while it has given none, with the others once it
     * answers (the verdict is then logged).
     *
     * @throws ConfigurationException naming {@code network} when the facilitator's answer lacks one of them
     */
    public void checkAlso(List<PaymentOption> more) {
        // Added before the cached answer is read: a background check that stores its answer after this read
        // judges these options too.
        options.addAll(more);
        Optional<SupportedCatalog.Supported> known = catalog.cached();
        if (known.isPresent() && known.get().offered()) {
            String wrong = verdict(known.get(), more);
            if (wrong != null) {
                throw new ConfigurationException("network", wrong);
            }
        }
    }

    /** Whether the facilitator has answered the check. */
    public boolean checked() {
        return checked;
    }

    /** What a background check found wrong (the facilitator lacks a configured network), if anything. */
    public Optional<String> problem() {
        return problem;
    }

    private synchronized void retryLater(Duration delay) {
        if (background == null) {
            background = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tollgate-facilitator-check");
                t.setDaemon(true);
                return t;
            });
        }
        if (background.isShutdown()) {
            return;
        }
        background.schedule(() -> backgroundCheck(delay), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void backgroundCheck(Duration delay) {
        try {
            String wrong = verdict(catalog.fetch());
            checked = true;
            if (wrong == null) {
                LOG.log(System.Logger.Level.INFO, "Tollgate: facilitator {0} is reachable and supports every "
                        + "configured network", facilitator);
            } else {
                problem = Optional.of(wrong);
                LOG.log(System.Logger.Level.ERROR, "Tollgate setting ''network'': {0}", wrong);
            }
            close();
        } catch (IOException e) {
            Duration next = delay.multipliedBy(2).compareTo(maxRetry) > 0 ? maxRetry : delay.multipliedBy(2);
            LOG.log(System.Logger.Level.DEBUG, "Tollgate: facilitator {0} still unreachable ({1})", facilitator,
                    e.getMessage());
            retryLater(next);
        }
    }

    private String verdict(SupportedCatalog.Supported s) {
        return verdict(s, options);
    }

    private String verdict(SupportedCatalog.Supported s, List<PaymentOption> options) {
        if (!s.offered()) {
            LOG.log(System.Logger.Level.INFO, "Tollgate: facilitator {0} has no /supported; networks not checked",
                    facilitator);
            return null;
        }
        List<String> missing = new ArrayList<>();
        for (PaymentOption o : options) {
            if (!s.supports(o.scheme(), o.network().v1Name(), o.network().caip2())) {
                String name = o.scheme() + " on " + o.network().v1Name() + " (" + o.network().caip2() + ")";
                if (!missing.contains(name)) {
                    missing.add(name);
                }
            }
        }
        if (missing.isEmpty()) {
            warnOfMissingGenerations(s, options);
            return null;
        }
        return "the facilitator at " + facilitator + " does not support " + String.join(", ", missing)
                + "; it lists " + (s.listed().isEmpty() ? "nothing" : String.join(", ", s.listed()))
                + " (set facilitator.supported.check=false to skip this check)";
    }

    /**
     * Every 402 offers each option to both generations of x402 client; a facilitator that lists an option's kind for
     * one generation only will refuse the other's payers at {@code /verify}. The option is still payable, and a
     * v1-only or v2-only facilitator is a deliberate choice, so this is a warning naming the generation, not a failed
     * start-up as a network nobody can pay on is.
     */
    private void warnOfMissingGenerations(SupportedCatalog.Supported s, List<PaymentOption> options) {
        List<String> unserved = new ArrayList<>();
        for (PaymentOption o : options) {
            for (int version = 1; version <= 2; version++) {
                String name = "x402 v" + version + " payers of " + o.scheme() + " on " + o.network().v1Name() + " ("
                        + o.network().caip2() + ")";
                if (!s.supportsVersion(version, o.scheme(), o.network().v1Name(), o.network().caip2())
                        && !unserved.contains(name)) {
                    unserved.add(name);
                }
            }
        }
        if (!unserved.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Tollgate: the facilitator at {0} lists no kind for {1}; their "
                    + "payments will be refused at /verify, while the other generation pays as usual", facilitator,
                    String.join(", ", unserved));
        }
    }

    @Override
    public synchronized void close() {
        if (background != null) {
            background.shutdownNow();
        }
    }
}
