package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Code page's settings from the sample's environment are checked when it starts, as the filter's are. */
class SampleCodeSettingsTest {

    /** Everything the failed start said, cause by cause. */
    private static String failedStart(String... settings) throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            String[] all = new String[settings.length + 2];
            all[0] = "TOLLGATE_FACILITATOR_URL";
            all[1] = facilitator.url();
            System.arraycopy(settings, 0, all, 2, settings.length);
            Exception e = assertThrows(Exception.class, () -> SampleServer.start(all).close());
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t).append('\n');
            }
            return chain.toString();
        }
    }

    @ParameterizedTest(name = "{0}=\"{1}\"")
    @CsvSource({"TOLLGATE_CODE_MAX_OPEN_INTENTS, 0", "TOLLGATE_CODE_SEQUENCER_URL, cash.getcode.com/v1/api/",
            "TOLLGATE_NETWORK, base-mainnet", "TOLLGATE_PAY_TO, 0x1234", "TOLLGATE_CODE_DESTINATION, not-a-key"})
    void anInvalidValueStopsStartUpNamingTheVariableTheUserSet(String variable, String value) throws Exception {
        // The message named the init-param that reads it (maxOpenIntents, network), which the user never set.
        String said = failedStart(variable, value);
        assertTrue(said.contains("came from ${" + variable + "}"), said);
    }

    @ParameterizedTest(name = "TOLLGATE_CODE_SEQUENCER_URL=\"{0}\"")
    @ValueSource(strings = {"cash.getcode.com/v1/api/", "ftp://cash.getcode.com/", "https:///v1/api/"})
    void aSequencerUrlThatIsNoHttpUrlStopsStartUpNamingTheSetting(String url) throws Exception {
        // Before, the sample started, and the first POST /create-intent answered a 500 error page quoting
        // "java.lang.IllegalArgumentException: URI with undefined scheme".
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            Exception e = assertThrows(Exception.class, () -> SampleServer.start(
                    "TOLLGATE_FACILITATOR_URL", facilitator.url(), "TOLLGATE_CODE_SEQUENCER_URL", url).close());
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t).append('\n');
            }
            assertTrue(chain.toString().contains("'sequencerUrl'"), chain.toString());
        }
    }
}
