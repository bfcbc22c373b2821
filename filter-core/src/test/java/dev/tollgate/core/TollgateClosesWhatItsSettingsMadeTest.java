package dev.tollgate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.FacilitatorAuthorization;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a Tollgate's settings made by class name ({@code listener}, {@code facilitator.authorization}) belongs to
 * that Tollgate: when it holds resources (is {@link AutoCloseable}), it is closed with the Tollgate, once, and a
 * close that fails is reported, not thrown. What was given in code belongs to whoever gave it.
 */
class TollgateClosesWhatItsSettingsMadeTest {
    private static final String FACILITATOR = "http://127.0.0.1:9";

    /** Every instance made by name in these tests, so that one made by a configuration that failed is found too. */
    static final List<Closing> MADE = new CopyOnWriteArrayList<>();

    /** Something closeable; counts its closes. */
    abstract static class Closing implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        Closing() {
            MADE.add(this);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    public static final class ClosingListener extends Closing implements PaymentListener {
        public ClosingListener() {
        }
    }

    public static final class ClosingAuthorization extends Closing implements FacilitatorAuthorization {
        public ClosingAuthorization() {
        }

        @Override
        public Map<String, String> headers(String method, URI uri) {
            return Map.of();
        }
    }

    /** A listener whose close fails. */
    public static final class FailingListener extends Closing implements PaymentListener {
        public FailingListener() {
        }

        @Override
        public void close() {
            super.close();
            throw new IllegalStateException("metrics backend down");
        }
    }

    @BeforeEach
    void forgetEarlierInstances() {
        MADE.clear();
    }

    private static TollgateConfig.Builder settings() {
        return TollgateConfig.builder().environment(n -> null).facilitatorUrl(FACILITATOR).payTo(Proofs.PAY_TO).price("$0.01")
                .set("facilitator.supported.check", "false");
    }

    private static TollgateConfig namingBoth() {
        return settings().set("listener", ClosingListener.class.getName())
                .set("facilitator.authorization", ClosingAuthorization.class.getName()).build();
    }

    @Test
    void aListenerNamedInTheSettingsIsClosedWithTheTollgate() {
        Tollgate t = Tollgate.create(namingBoth());
        ClosingListener listener = assertInstanceOf(ClosingListener.class, t.config().listener());
        assertEquals(0, listener.closes.get());

        t.close();

        assertEquals(1, listener.closes.get());
    }

    @Test
    void aFacilitatorAuthorizationNamedInTheSettingsIsClosedWithTheTollgate() {
        Tollgate t = Tollgate.create(namingBoth());
        ClosingAuthorization authorization = assertInstanceOf(ClosingAuthorization.class,
                t.config().facilitatorAuthorization());

        t.close();

        assertEquals(1, authorization.closes.get());
    }

    @Test
    void closingTheTollgateAgainClosesNothingTwice() {
        Tollgate t = Tollgate.create(namingBoth());
        t.close();
        t.close();

        assertEquals(2, MADE.size());
        MADE.forEach(made -> assertEquals(1, made.closes.get(), made.getClass().getSimpleName()));
    }

    @Test
    void aListenerAndAnAuthorizationGivenInCodeAreLeftToTheirOwner() {
        ClosingListener listener = new ClosingListener();
        ClosingAuthorization authorization = new ClosingAuthorization();

        Tollgate.create(settings().listener(listener).facilitatorAuthorization(authorization).build()).close();

        assertEquals(0, listener.closes.get());
        assertEquals(0, authorization.closes.get());
    }

    @Test
    void aCloseThatFailsIsReportedAndTheTollgateStillClosesTheRest() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("dev.tollgate");
        Tollgate t = Tollgate.create(settings().set("listener", FailingListener.class.getName())
                .set("facilitator.authorization", ClosingAuthorization.class.getName()).build());
        log.addHandler(handler);
        try {
            t.close(); // does not throw
        } finally {
            log.removeHandler(handler);
        }

        assertTrue(t.isClosed());
        MADE.forEach(made -> assertEquals(1, made.closes.get(), made.getClass().getSimpleName()));
        LogRecord reported = records.stream().filter(r -> r.getLevel() == Level.WARNING).findFirst()
                .orElseThrow(() -> new AssertionError("nothing reported: " + records));
        String message = new java.util.logging.SimpleFormatter().formatMessage(reported);
        assertTrue(message.contains("listener") && message.contains(FailingListener.class.getName()), message);
        assertFalse(message.contains("metrics backend down"), "a close's message may quote a secret: " + message);
    }

    @Test
    void aConfigurationRefusedAtStartUpLeavesNothingItMadeOpen() {
        assertThrows(ConfigurationException.class, () -> settings().set("listener", ClosingListener.class.getName())
                .set("facilitator.authorization", ClosingAuthorization.class.getName())
                .set("routes", "report").build()); // route.report.path is missing

        MADE.forEach(made -> assertEquals(1, made.closes.get(), made.getClass().getSimpleName()));
    }

    @Test
    void aTollgateThatFailsToStartClosesWhatItsSettingsMade() throws IOException {
        try (FacilitatorDouble f = new FacilitatorDouble()) {
            f.onSupported(FacilitatorDouble.answer(200, FacilitatorDouble.supportedKinds("base-sepolia", "eip155:84532")));
            TollgateConfig config = TollgateConfig.builder().environment(n -> null).facilitatorUrl(f.url())
                    .payTo(Proofs.PAY_TO).network("base").price("$0.01")
                    .set("listener", ClosingListener.class.getName())
                    .set("facilitator.authorization", ClosingAuthorization.class.getName()).build();

            assertThrows(ConfigurationException.class, () -> Tollgate.create(config)); // base is not supported
        }

        assertEquals(2, MADE.size());
        MADE.forEach(made -> assertEquals(1, made.closes.get(), made.getClass().getSimpleName()));
    }

    @Test
    void aTollgateMadeAgainFromTheSameConfigurationGetsOpenOnesOfItsOwn() {
        TollgateConfig config = namingBoth();
        Tollgate first = Tollgate.create(config);
        first.close();

        Tollgate again = Tollgate.create(config.forAnotherTollgate());
        try {
            assertNotSame(first.config().listener(), again.config().listener());
            assertNotSame(first.config().facilitatorAuthorization(), again.config().facilitatorAuthorization());
            assertEquals(0, ((Closing) again.config().listener()).closes.get());
            assertEquals(0, ((Closing) again.config().facilitatorAuthorization()).closes.get());
        } finally {
            again.close();
        }
        assertEquals(1, ((Closing) again.config().listener()).closes.get());
    }
}
