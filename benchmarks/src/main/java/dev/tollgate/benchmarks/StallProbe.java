package dev.tollgate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * How much time this machine's cores lose to stalls, and how much of it its own kernel cannot see. One spinning
 * thread per core reads the clock in a tight loop; a gap between two readings is time the thread did not run.
 * The kernel's account of the same thread ({@code /proc/thread-self/schedstat}: time on a CPU) says how much of
 * that the guest itself took (another task, an interrupt). The rest, gaps through which the guest believes the
 * thread was running, is the hypervisor running something else on the virtual CPU: steal, on a machine that
 * may report none (the tenth session's PVM guest). A latency target of a millisecond cannot be judged on cores
 * that vanish for milliseconds, whatever the code; this says how often they do.
 *
 * <p>Run it with {@code -Xint} on an otherwise idle machine: the interpreter's loop still reads the clock every
 * fraction of a microsecond, and no JIT compiler thread takes turns with the spinners on the cores they watch
 * (with the JIT, C2 was seen recompiling the loop for seconds, in 4 ms time slices). The guest's account is
 * compared once, over the whole run: it is brought up to date only at a tick or a switch, so over windows of a
 * few ms it would misplace whole ticks. Usage: {@code java -Xint -cp benchmarks.jar
 * dev.tollgate.benchmarks.StallProbe [seconds] [threads]} (10 s, one thread per core); one line per thread, then
 * the totals.
 */
public final class StallProbe {
    /** Gaps shorter than this are the loop itself, a cache miss, a timer tick: not counted. */
    static final long MIN_GAP_NANOS = 20_000;
    /** Gap sizes are counted in decades from {@link #MIN_GAP_NANOS}: 20 µs, 200 µs, 2 ms, 20 ms and more. */
    static final int DECADES = 4;

    private StallProbe() {
    }

    /** What one spinning thread saw, and the guest kernel's account of its time on a CPU meanwhile. */
    record Watch(long wallNanos, long gapNanos, long[] gapsPerDecade, long longestGapNanos, long guestRanNanos) {
        /** Gap time the guest does not account for: the thread "ran" while its virtual CPU was elsewhere. */
        long unseenNanos() {
            long guestOffCpu = Math.max(0, wallNanos - guestRanNanos);
            return Math.max(0, gapNanos - guestOffCpu);
        }
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        Watch[] watches = watch(seconds * 1_000_000_000L, threads);
        long wall = 0;
        long gaps = 0;
        long unseen = 0;
        long longest = 0;
        long[] perDecade = new long[DECADES + 1];
        for (int i = 0; i < watches.length; i++) {
            Watch w = watches[i];
            System.out.println(line("thread " + i, w.wallNanos(), w.gapNanos(), w.unseenNanos(), w.gapsPerDecade(),
                    w.longestGapNanos()));
            wall += w.wallNanos();
            gaps += w.gapNanos();
            unseen += w.unseenNanos();
            longest = Math.max(longest, w.longestGapNanos());
            for (int d = 0; d <= DECADES; d++) {
                perDecade[d] += w.gapsPerDecade()[d];
            }
        }
        System.out.println(line("all", wall, gaps, unseen, perDecade, longest));
    }

    static String line(String who, long wall, long gaps, long unseen, long[] perDecade, long longest) {
        double seconds = wall / 1e9;
        return String.format(Locale.ROOT,
                "stall %s: %.1f thread-seconds watched; %.2f %% of it in gaps >= 20 us, %.2f %% unseen by the guest; "
                        + "gaps per thread-second: 20-200 us %.1f, 0.2-2 ms %.2f, 2-20 ms %.2f, >= 20 ms %.2f; "
                        + "longest %.2f ms",
                who, seconds, 100.0 * gaps / wall, 100.0 * unseen / wall, perDecade[0] / seconds,
                perDecade[1] / seconds, perDecade[2] / seconds, (perDecade[3] + perDecade[4]) / seconds,
                longest / 1e6);
    }

    static Watch[] watch(long nanos, int threads) throws InterruptedException {
        Watch[] watches = new Watch[threads];
        CountDownLatch start = new CountDownLatch(1);
        Thread[] spinners = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            spinners[i] = new Thread(() -> {
                try {
                    start.await();
                    watches[index] = spin(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stall-probe-" + i);
            spinners[i].start();
        }
        start.countDown();
        for (Thread t : spinners) {
            t.join();
        }
        return watches;
    }

    /** Spins for {@code nanos}, keeping only counters: no allocation in the loop, so no collection interrupts it. */
    static Watch spin(long nanos) {
        long ranBefore = guestRan();
        long[] perDecade = new long[DECADES + 1];
        long gaps = 0;
        long longest = 0;
        long begin = System.nanoTime();
        long end = begin + nanos;
        long last = begin;
        long now;
        while ((now = System.nanoTime()) < end) {
            long gap = now - last;
            if (gap >= MIN_GAP_NANOS) {
                gaps += gap;
                longest = Math.max(longest, gap);
                int decade = 0;
                for (long bound = MIN_GAP_NANOS * 10; gap >= bound && decade < DECADES; bound *= 10) {
                    decade++;
                }
                perDecade[decade]++;
            }
            last = now;
        }
        long wall = now - begin;
        return new Watch(wall, gaps, perDecade, longest, guestRan() - ranBefore);
    }

    /** This thread's time on a CPU, in ns, as the guest kernel counts it. */
    static long guestRan() {
        try {
            String account = Files.readString(Path.of("/proc/thread-self/schedstat")).trim();
            return Long.parseLong(account.substring(0, account.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("StallProbe needs Linux's /proc/thread-self/schedstat: " + e, e);
        }
    }
}
