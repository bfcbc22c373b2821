package dev.tollgate.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PaidCachingTest {
    @Test
    void aPaidAnswerWithoutCacheControlIsMadePrivate() {
        assertEquals("private", PaidCaching.forPaidAnswer(null));
        assertEquals("private", PaidCaching.forPaidAnswer(" "));
    }

    @Test
    void directivesForSharedCachesGiveWayToPrivateAndTheRestIsKept() {
        assertEquals("private, max-age=3600, must-revalidate",
                PaidCaching.forPaidAnswer("public, max-age=3600, s-maxage=86400, must-revalidate, proxy-revalidate"));
        assertEquals("private, max-age=60", PaidCaching.forPaidAnswer("PUBLIC,max-age=60"));
        assertEquals("private, no-cache", PaidCaching.forPaidAnswer("no-cache"));
        // private="Set-Cookie" keeps only that field from shared caches, and the answer itself goes in.
        assertEquals("private, max-age=60", PaidCaching.forPaidAnswer("private=\"Set-Cookie, Vary\", max-age=60"));
        assertEquals("private, no-cache=\"Set-Cookie, Vary\"", PaidCaching.forPaidAnswer("no-cache=\"Set-Cookie, Vary\""));
    }

    @Test
    void anAnswerAlreadyKeptFromSharedCachesIsLeftAsTheHandlerWroteIt() {
        assertEquals("private, max-age=60", PaidCaching.forPaidAnswer("private, max-age=60"));
        assertEquals("no-store", PaidCaching.forPaidAnswer("no-store"));
    }
}
