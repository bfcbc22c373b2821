package dev.tollgate.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The messages a java.util.logging logger (where {@code System.Logger} writes by default) receives at WARNING or
 * above while this is open, formatted with their parameters.
 */
public final class CapturedLog implements AutoCloseable {
    private final Logger logger;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(r);
                warnings.add(new SimpleFormatter().formatMessage(r));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog(String name) {
        this.logger = Logger.getLogger(name);
        logger.addHandler(handler);
    }

    public static CapturedLog warningsOf(String loggerName) {
        return new CapturedLog(loggerName);
    }

    /** Those received so far, in order. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The records of those, for their levels. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
