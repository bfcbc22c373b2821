package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Code page's settings from the sample's environment are checked when it starts, as the filter's are. */
class SampleCodeSettingsTest {

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
