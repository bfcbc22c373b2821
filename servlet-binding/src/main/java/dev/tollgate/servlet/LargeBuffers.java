package dev.tollgate.servlet;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Arrays for large paid bodies, kept for reuse. Every paid response is held in memory until settlement, and a
 * fresh 1 MiB array per request is a humongous G1 allocation, zeroed, then garbage: the buffering alone added
 * about a third to a 1 MiB response's time. Arrays come in power-of-two sizes from 64 KiB to 8 MiB, at most
 * 8 MiB of each size is kept (64 MiB in all, over the eight sizes), and anything smaller or larger is a plain
 * allocation.
 *
 * <p>A reused array still holds an earlier response's bytes; {@link BufferedResponse} only ever sends what the
 * current handler wrote into it.
 */
final class LargeBuffers {
    static final int MIN = 64 * 1024;
    static final int MAX = 8 * 1024 * 1024;
    private static final int KEPT_PER_SIZE = 8 * 1024 * 1024;
    private static final int CLASSES = Integer.numberOfTrailingZeros(MAX) - Integer.numberOfTrailingZeros(MIN) + 1;

    static final LargeBuffers SHARED = new LargeBuffers();

    @SuppressWarnings("unchecked")
    private final ArrayBlockingQueue<byte[]>[] kept = new ArrayBlockingQueue[CLASSES];

    LargeBuffers() {
        for (int c = 0; c < CLASSES; c++) {
            kept[c] = new ArrayBlockingQueue<>(Math.max(1, KEPT_PER_SIZE / (MIN << c)));
        }
    }

    /** An array of at least {@code size} bytes (exactly {@code size} when it is not a pooled size). */
    byte[] take(int size) {
        if (size < MIN || size > MAX) {
            return new byte[size];
        }
        int c = sizeClass(size);
        byte[] reused = kept[c].poll();
        return reused != null ? reused : new byte[MIN << c];
    }

    /** Gives an array back; one that is not of a pooled size, or beyond what is kept, is left to the collector. */
    void give(byte[] array) {
        int length = array.length;
        if (length >= MIN && length <= MAX && Integer.bitCount(length) == 1) {
            kept[Integer.numberOfTrailingZeros(length) - Integer.numberOfTrailingZeros(MIN)].offer(array);
        }
    }

    private static int sizeClass(int size) {
        int pow2 = Integer.highestOneBit(size - 1) << 1; // the smallest power of two >= size (size > 1)
        return Integer.numberOfTrailingZeros(pow2) - Integer.numberOfTrailingZeros(MIN);
    }
}
