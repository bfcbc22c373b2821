package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import org.junit.jupiter.api.Test;

/**
 * The war's web.xml names no payTo of its own: beside a real facilitator, a deployment that forgot
 * TOLLGATE_PAY_TO must not start, rather than sell its content for the demo address's benefit.
 */
class SamplePayToTest {
    @Test
    void withAFacilitatorAndNoPayToTheSampleRefusesToStartNamingPayTo() throws Exception {
        assumeTrue(System.getenv(DevMode.PAY_TO) == null, "TOLLGATE_PAY_TO is set in this environment");
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            System.setProperty(DevMode.FACILITATOR_URL, facilitator.url());
            System.clearProperty(DevMode.PAY_TO);
            Exception e = assertThrows(Exception.class, () -> Main.start("127.0.0.1", 0));
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t).append('\n');
            }
            assertTrue(chain.toString().contains("payTo"), chain.toString());
        } finally {
            System.clearProperty(DevMode.FACILITATOR_URL);
        }
    }
}
