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
    /**
     * Starts the sample beside a facilitator, with TOLLGATE_PAY_TO set to {@code payTo} (null: unset, and then the
     * Code destination as it is) or else without TOLLGATE_CODE_DESTINATION, and returns why it refused to start.
     */
    private static Exception refusalWithPayTo(String payTo) throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            System.setProperty(DevMode.FACILITATOR_URL, facilitator.url());
            if (payTo == null) {
                System.clearProperty(DevMode.PAY_TO);
            } else {
                System.setProperty(DevMode.PAY_TO, payTo);
                System.clearProperty(DevMode.CODE_DESTINATION);
            }
            return assertThrows(Exception.class, () -> Main.start("127.0.0.1", 0));
        } finally {
            System.clearProperty(DevMode.FACILITATOR_URL);
            System.clearProperty(DevMode.PAY_TO);
        }
    }

    private static String causes(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t).append('\n');
        }
        return chain.toString();
    }

    @Test
    void withAFacilitatorAndNoPayToTheSampleRefusesToStartNamingPayTo() throws Exception {
        assumeTrue(System.getenv(DevMode.PAY_TO) == null, "TOLLGATE_PAY_TO is set in this environment");
        String chain = causes(refusalWithPayTo(null));
        assertTrue(chain.contains("payTo"), chain);
    }

    @Test
    void withAFacilitatorAndNoCodeDestinationTheSampleRefusesToStartNamingIt() throws Exception {
        assumeTrue(System.getenv(DevMode.CODE_DESTINATION) == null, "TOLLGATE_CODE_DESTINATION is set here");
        String chain = causes(refusalWithPayTo(DevMode.DEMO_PAY_TO));
        assertTrue(chain.contains("destination"), chain);
    }

    @Test
    void theMissingCodeDestinationIsNamedByTheVariableToSet() throws Exception {
        assumeTrue(System.getenv(DevMode.CODE_DESTINATION) == null, "TOLLGATE_CODE_DESTINATION is set here");
        Throwable root = refusalWithPayTo(DevMode.DEMO_PAY_TO);
        while (root.getCause() != null) {
            root = root.getCause();
        }
        // What the launcher prints: the deployer sets the variable, not the servlet's init-param.
        assertTrue(root.getMessage().contains("${" + DevMode.CODE_DESTINATION + "}, which is not set"),
                root.getMessage());
    }
}
