package dev.tollgate.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.core.testing.Proofs;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Undeploying the application: Tomcat looks for threads the application started and left running, and says so. */
class UndeployOnTomcatTest {
    private final Logger loaderLog = Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Test
    void undeployingTheApplicationAfterPaidRequestsLeavesNoThreadOfTollgatesRunning() throws Exception {
        loaderLog.addHandler(capture);
        try {
            TomcatApp app = new TomcatApp();
            try {
                // Facilitator calls start the thread that watches their deadlines.
                assertEquals(200, app.get("/premium/report", "X-PAYMENT", Proofs.proof().v1()).statusCode());
            } finally {
                app.close();
            }
        } finally {
            loaderLog.removeHandler(capture);
        }

        assertEquals(List.of(), warnings.stream().filter(w -> w.contains("tollgate")).toList());
    }
}
