package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import org.junit.jupiter.api.Test;

/**
 * The war's web.xml names no payTo and no Code destination of its own: beside a real facilitator, a deployment that
 * forgot TOLLGATE_PAY_TO or TOLLGATE_CODE_DESTINATION must not start, rather than sell for the demo accounts.
 */
class SampleAccountsTest {
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

    @Test
    void withAFacilitatorAndNoCodeDestinationTheSampleRefusesToStartNamingIt() throws Exception {
        assumeTrue(System.getenv(DevMode.CODE_DESTINATION) == null, "TOLLGATE_CODE_DESTINATION is set here");
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            System.setProperty(DevMode.FACILITATOR_URL, facilitator.url());
            System.setProperty(DevMode.PAY_TO, DevMode.DEMO_PAY_TO);
            System.clearProperty(DevMode.CODE_DESTINATION);
            Exception e = assertThrows(Exception.class, () -> Main.start("127.0.0.1", 0));
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t).append('\n');
            }
            assertTrue(chain.toString().contains("destination"), chain.toString());
        } finally {
            System.clearProperty(DevMode.FACILITATOR_URL);
            System.clearProperty(DevMode.PAY_TO);
        }
    }

    @Test
    void theMissingCodeDestinationIsNamedByTheVariableToSet() throws Exception {
        assumeTrue(System.getenv(DevMode.CODE_DESTINATION) == null, "TOLLGATE_CODE_DESTINATION is set here");
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            System.setProperty(DevMode.FACILITATOR_URL, facilitator.url());
            System.setProperty(DevMode.PAY_TO, DevMode.DEMO_PAY_TO);
            System.clearProperty(DevMode.CODE_DESTINATION);
            Exception e = assertThrows(Exception.class, () -> Main.start("127.0.0.1", 0));
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            // What the launcher prints: the deployer sets the variable, not the servlet's init-param.
            assertTrue(root.getMessage().contains("${" + DevMode.CODE_DESTINATION + "}, which is not set"),
                    root.getMessage());
        } finally {
            System.clearProperty(DevMode.FACILITATOR_URL);
            System.clearProperty(DevMode.PAY_TO);
        }
    }
}
