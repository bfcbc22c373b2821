package dev.tollgate.core.ledger;

/**
 * The storage of {@link InMemoryReplayLedger}: a concurrent set of 128-bit keys, each held until an expiry in
 * epoch milliseconds, kept in primitive arrays so that a lookup reads one or two cache lines and a million
 * entries are a few dozen arrays rather than millions of objects for the collector to trace.
 *
 * <p>The top bits of {@code high} choose one of {@value #SEGMENTS} segments, each behind its own lock; a
 * segment is one {@code long[]} of slots of three longs (high, low, expiry) probed linearly from the slot named
 * by the low bits of {@code low}. The key words must therefore be uniformly distributed (they are SHA-256
 * output). A slot is empty when its expiry is {@link #EMPTY}, so every key, (0, 0) included, can be stored;
 * the one expiry that cannot, {@code Long.MIN_VALUE}, is stored as the next value, and both lie some
 * 292 million years before any clock reading. Removal shifts the rest of the probe run back (no tombstones).
 *
 * <p>The lowest bit of {@code high} is not part of the key: the stored word carries in it whether the entry was
 * settled, which {@link #release} must never free (so keys are 127 bits; the segment bits are the top ones).
 *
 * <p>Expired entries make room without a sweep of the whole ledger: an insert takes the first expired slot on
 * its probe path, and a segment is swept after as many claims as a quarter of its slots, and before it would
 * grow; it grows only if live entries still fill three eighths of it, and shrinks when a sweep leaves it less
 * than a sixteenth full. Each of these costs a bounded number of slot visits per claim, whatever the size.
 */
final class ClaimTable {
    static final int SEGMENTS = 64;
    static final int MIN_CAPACITY = 16;
    private static final int SEGMENT_SHIFT = Long.SIZE - Integer.numberOfTrailingZeros(SEGMENTS);
    private static final long EMPTY = Long.MIN_VALUE;
    /** Set in a stored {@code high} word when the entry was settled; cleared in the key a caller gives. */
    private static final long SETTLED = 1L;

    private final Segment[] segments = new Segment[SEGMENTS];

    ClaimTable() {
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment();
        }
    }

    /** Holds the key until {@code expiry}; false if it is already held beyond {@code now}. */
    boolean claim(long high, long low, long expiry, long now) {
        return segment(high).claim(high & ~SETTLED, low, storable(expiry), now);
    }

    /** Holds the key until the later of its current expiry and {@code until}, inserting it if absent. */
    void settled(long high, long low, long until, long now) {
        segment(high).settled(high & ~SETTLED, low, storable(until), now);
    }

    /** Frees the key if it holds an unsettled claim; a settled entry stays until its expiry. */
    void release(long high, long low) {
        segment(high).release(high & ~SETTLED, low, EMPTY);
    }

    /** Frees the key if it holds an unsettled claim held until {@code expiry}, as claimed; else leaves it. */
    void release(long high, long low, long expiry) {
        segment(high).release(high & ~SETTLED, low, storable(expiry));
    }

    /** Drops every entry whose expiry is at or before {@code now}. */
    void sweep(long now) {
        for (Segment s : segments) {
            s.sweepNow(now);
        }
    }

    /** Entries held, expired ones not yet dropped included. */
    int size() {
        int n = 0;
        for (Segment s : segments) {
            n += s.count();
        }
        return n;
    }

    /** Slots allocated, for tests of the memory bound. */
    int capacity() {
        int n = 0;
        for (Segment s : segments) {
            n += s.capacity();
        }
        return n;
    }

    /** The stored expiry of the key, or {@code Long.MIN_VALUE} if it is not held; for tests. */
    long heldUntil(long high, long low) {
        return segment(high).heldUntil(high & ~SETTLED, low);
    }

    private Segment segment(long high) {
        return segments[(int) (high >>> SEGMENT_SHIFT)];
    }

    private static long storable(long expiry) {
        return expiry == EMPTY ? EMPTY + 1 : expiry;
    }

    private static final class Segment {
        private long[] slots = emptySlots(MIN_CAPACITY);
        private int mask = MIN_CAPACITY - 1;
        private int count;
        private int claimsSinceSweep;

        synchronized boolean claim(long high, long low, long expiry, long now) {
            if (++claimsSinceSweep >= (mask + 1) / 4) {
                sweep(now);
            }
            int i = probe(high, low, now);
            if (i < 0) {
                insert(-1 - i, high, low, expiry, now);
                return true;
            }
            if (slots[3 * i + 2] > now) {
                return false;
            }
            slots[3 * i] = high; // the held claim or settlement had expired: a plain claim again
            slots[3 * i + 2] = expiry;
            return true;
        }

        synchronized void settled(long high, long low, long until, long now) {
            int i = probe(high, low, now);
            if (i < 0) {
                insert(-1 - i, high | SETTLED, low, until, now);
            } else {
                slots[3 * i] = high | SETTLED;
                slots[3 * i + 2] = Math.max(slots[3 * i + 2], until);
            }
        }

        /** {@code expiry}: the claim's own, or EMPTY (which no entry holds) for whichever claim holds the key. */
        synchronized void release(long high, long low, long expiry) {
            int i = probe(high, low, EMPTY); // no entry is older than EMPTY: only the key's own slot is wanted
            if (i >= 0 && (slots[3 * i] & SETTLED) == 0 && (expiry == EMPTY || slots[3 * i + 2] == expiry)) {
                delete(i);
            }
        }

        synchronized void sweepNow(long now) {
            sweep(now);
        }

        synchronized int count() {
            return count;
        }

        synchronized int capacity() {
            return mask + 1;
        }

        synchronized long heldUntil(long high, long low) {
            int i = probe(high, low, EMPTY);
            return i < 0 ? EMPTY : slots[3 * i + 2];
        }

        /**
         * The slot holding the key; if it is absent, -1 minus the slot a new entry for it should take: the first
         * on its probe path that expired at or before {@code now}, else the empty slot that ends the path.
         */
        private int probe(long high, long low, long now) {
            int reusable = -1;
            for (int i = (int) low & mask; ; i = (i + 1) & mask) {
                long expiry = slots[3 * i + 2];
                if (expiry == EMPTY) {
                    return -1 - (reusable >= 0 ? reusable : i);
                }
                if ((slots[3 * i] & ~SETTLED) == high && slots[3 * i + 1] == low) {
                    return i;
                }
                if (reusable < 0 && expiry <= now) {
                    reusable = i;
                }
            }
        }

        private void insert(int slot, long high, long low, long expiry, long now) {
            if (slots[3 * slot + 2] == EMPTY && count >= (mask + 1) / 2) {
                makeRoom(now);
                slot = -1 - probe(high & ~SETTLED, low, now);
            }
            if (slots[3 * slot + 2] == EMPTY) {
                count++;
            }
            slots[3 * slot] = high;
            slots[3 * slot + 1] = low;
            slots[3 * slot + 2] = expiry;
        }

        /** Half full: sweep, and grow only if live entries still fill three eighths (so sweeps stay rare). */
        private void makeRoom(long now) {
            sweep(now);
            if (count >= (mask + 1) / 8 * 3) {
                rehash(2 * (mask + 1));
            }
        }

        private void sweep(long now) {
            claimsSinceSweep = 0;
            int start = 0;
            while (slots[3 * start + 2] != EMPTY) {
                start++; // at most half the slots are used, so there is an empty one
            }
            // Starting after an empty slot, no probe run wraps past the start, and a removal only shifts entries
            // from further on into the slot at hand, which is therefore looked at again.
            for (int n = 1, i = start; n <= mask; n++) {
                i = (i + 1) & mask;
                while (slots[3 * i + 2] != EMPTY && slots[3 * i + 2] <= now) {
                    delete(i);
                }
            }
            if (mask + 1 > MIN_CAPACITY && count * 16L < mask + 1) {
                rehash(Math.max(MIN_CAPACITY, Integer.highestOneBit(count * 4) * 2));
            }
        }

        /** Empties the slot, moving back each later entry of its run that may live there. */
        private void delete(int hole) {
            count--;
            for (int i = (hole + 1) & mask; slots[3 * i + 2] != EMPTY; i = (i + 1) & mask) {
                int home = (int) slots[3 * i + 1] & mask;
                if (((i - home) & mask) >= ((i - hole) & mask)) {
                    System.arraycopy(slots, 3 * i, slots, 3 * hole, 3);
                    hole = i;
                }
            }
            slots[3 * hole + 2] = EMPTY;
        }

        private void rehash(int capacity) {
            long[] old = slots;
            slots = emptySlots(capacity);
            mask = capacity - 1;
            for (int at = 0; at < old.length; at += 3) {
                if (old[at + 2] != EMPTY) {
                    int i = (int) old[at + 1] & mask;
                    while (slots[3 * i + 2] != EMPTY) {
                        i = (i + 1) & mask;
                    }
                    System.arraycopy(old, at, slots, 3 * i, 3);
                }
            }
        }

        private static long[] emptySlots(int capacity) {
            long[] slots = new long[3 * capacity];
            for (int i = 2; i < slots.length; i += 3) {
                slots[i] = EMPTY;
            }
            return slots;
        }
    }
}
