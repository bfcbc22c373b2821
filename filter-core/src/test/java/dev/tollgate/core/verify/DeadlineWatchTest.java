package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlineWatchTest {
    private static final String NAME = "deadline-watch-test";

    @Test
    void aCancellationRunsOnceAtItsDeadlineAndNotBefore() throws Exception {
        try (DeadlineWatch watch = new DeadlineWatch(NAME, Duration.ofSeconds(1))) {
            CountDownLatch fired = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            long start = System.nanoTime();
            watch.watch(() -> {
                runs.incrementAndGet();
                fired.countDown();
            }, TimeUnit.MILLISECONDS.toNanos(200));
            assertTrue(fired.await(5, TimeUnit.SECONDS));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 200, "ran after " + ms + " ms");
            Thread.sleep(200);
            assertEquals(1, runs.get());
        }
    }

    @Test
    void anExchangeThatEndsInTimeIsNeverCancelled() throws Exception {
        try (DeadlineWatch watch = new DeadlineWatch(NAME, Duration.ofMillis(100))) {
            AtomicInteger runs = new AtomicInteger();
            DeadlineWatch.Watched w = watch.watch(runs::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(50));
            watch.unwatch(w);
            CountDownLatch other = new CountDownLatch(1);
            watch.watch(other::countDown, TimeUnit.MILLISECONDS.toNanos(60));
            assertTrue(other.await(5, TimeUnit.SECONDS)); // the watch did look after the first deadline passed
            assertEquals(0, runs.get());
        }
    }

    @Test
    void itsThreadEndsWhenQuietAndComesBackForTheNextExchange() throws Exception {
        try (DeadlineWatch watch = new DeadlineWatch(NAME, Duration.ofMillis(100), Duration.ofMillis(100))) {
            watch.unwatch(watch.watch(() -> { }, TimeUnit.SECONDS.toNanos(10)));
            assertTrue(threadRunning());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (threadRunning() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertFalse(threadRunning(), "the watch's thread outlived its idle time");
            CountDownLatch fired = new CountDownLatch(1);
            watch.watch(fired::countDown, TimeUnit.MILLISECONDS.toNanos(20));
            assertTrue(fired.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClosedWatchTakesNothing() {
        DeadlineWatch watch = new DeadlineWatch(NAME, Duration.ofSeconds(1));
        watch.close();
        assertNull(watch.watch(() -> { }, 1));
    }

    @Test
    void closingEndsItsThreadBeforeItReturns() {
        // A container that looks for a web application's threads as it undeploys it (Tomcat) must find none.
        DeadlineWatch watch = new DeadlineWatch(NAME, Duration.ofSeconds(10));
        watch.unwatch(watch.watch(() -> { }, TimeUnit.SECONDS.toNanos(10)));
        assertTrue(threadRunning());

        watch.close();

        assertFalse(threadRunning(), "the watch's thread outlived close()");
    }

    private static boolean threadRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(NAME) && t.isAlive());
    }
}
