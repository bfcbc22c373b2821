package dev.tollgate.core.verify;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the cancellation of every exchange that outlives its deadline, from one daemon thread that looks at the
 * exchanges in flight once per tick. Starting and ending an exchange only adds it to and removes it from a
 * concurrent set: nothing is woken. A timer queue woke its thread for every exchange that began while no other
 * was in flight (the new deadline became its earliest), which at a moderate rate meant a thread hand-off per
 * facilitator call on the paid path. The price is precision: a cancellation runs up to one tick late.
 *
 * <p>The thread starts with the first exchange and ends after a quiet {@link #IDLE}, so a client nobody closes
 * holds no thread for good.
 */
final class DeadlineWatch implements AutoCloseable {
    static final Duration IDLE = Duration.ofSeconds(30);
    private static final long MAX_TICK_NANOS = Duration.ofMillis(50).toNanos();
    private static final long MIN_TICK_NANOS = Duration.ofMillis(1).toNanos();
    /** How long {@link #close} waits for the thread to end (it ends at once: cancellations are quick). */
    private static final long CLOSE_WAIT_MILLIS = 1_000;

    /** One exchange's deadline, and the cancellation to run when it passes. */
    static final class Watched {
        private final long at;
        private final Runnable cancel;

        private Watched(long at, Runnable cancel) {
            this.at = at;
            this.cancel = cancel;
        }
    }

    private final String threadName;
    private final long tickNanos;
    private final long idleNanos;
    private final ConcurrentHashMap.KeySetView<Watched, Boolean> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean closed;
    /** The thread last started; null before the first exchange. */
    private volatile Thread thread;

    /** @param timeout the longest deadline it is given: the tick is a twentieth of it, at most 50 ms */
    DeadlineWatch(String threadName, Duration timeout) {
        this(threadName, timeout, IDLE);
    }

    DeadlineWatch(String threadName, Duration timeout, Duration idle) {
        this.threadName = threadName;
        this.tickNanos = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, timeout.toNanos() / 20));
        this.idleNanos = idle.toNanos();
    }

    /** Runs {@code cancel} once, about {@code nanos} from now, unless {@link #unwatch}ed first; null once closed. */
    Watched watch(Runnable cancel, long nanos) {
        if (closed) {
            return null;
        }
        Watched w = new Watched(System.nanoTime() + nanos, cancel);
        inFlight.add(w);
        if (!running.get() && running.compareAndSet(false, true)) {
            Thread t = new Thread(this::loop, threadName);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
        return w;
    }

    void unwatch(Watched w) {
        if (w != null) {
            inFlight.remove(w);
        }
    }

    /**
     * Runs nothing more; exchanges in flight end by their own socket timeouts or the pool's shutdown. The thread is
     * woken and ended before this returns: left to its next tick, it was still alive when Tomcat, undeploying the web
     * application whose filter closed its Tollgate, looked for the application's threads, and every undeploy logged
     * that it "has failed to stop it. This is very likely to create a memory leak".
     */
    @Override
    public void close() {
        closed = true;
        inFlight.clear();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
            try {
                t.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        long quietSince = System.nanoTime();
        while (!closed) {
            LockSupport.parkNanos(tickNanos);
            long now = System.nanoTime();
            for (Watched w : inFlight) {
                if (now - w.at >= 0 && inFlight.remove(w)) {
                    try {
                        w.cancel.run();
                    } catch (RuntimeException e) {
                        // A cancellation that fails leaves that exchange to its socket timeout; the rest go on.
                    }
                }
            }
            if (!inFlight.isEmpty()) {
                quietSince = now;
            } else if (now - quietSince >= idleNanos) {
                running.set(false);
                // An exchange added since the check above may have seen running still true and started no
                // thread: look again, and carry on for it unless it did start one.
                if (inFlight.isEmpty() || !running.compareAndSet(false, true)) {
                    return;
                }
                quietSince = now;
            }
        }
    }
}
