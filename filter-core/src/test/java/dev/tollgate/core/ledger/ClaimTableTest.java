package dev.tollgate.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClaimTableTest {
    private static final long NONE = Long.MIN_VALUE; // what heldUntil answers for a key not held
    private static final long T0 = 1_780_000_000_000L;

    private final ClaimTable table = new ClaimTable();

    private record Key(long high, long low) {
    }

    /** A key in segment {@code segment} whose probe starts at slot {@code home} of any segment large enough. */
    private static Key key(int segment, long home, long tag) {
        return new Key((long) segment << 58 | tag, tag << 32 | home);
    }

    /** A key whose probe starts at the last slot of its segment, whatever the segment's size (up to 2^32). */
    private static Key atLastSlot(int segment, long tag) {
        return key(segment, 0xFFFF_FFFFL, tag);
    }

    private boolean claim(Key k, long expiry, long now) {
        return table.claim(k.high(), k.low(), expiry, now);
    }

    @Test
    void theKeyWhoseWordsAreBothZeroIsAKeyLikeAnyOther() {
        Key zero = new Key(0, 0);
        assertTrue(claim(zero, T0 + 10, T0));
        assertFalse(claim(zero, T0 + 10, T0));
        assertEquals(T0 + 10, table.heldUntil(0, 0));
        table.release(0, 0);
        assertEquals(NONE, table.heldUntil(0, 0));
        assertTrue(claim(zero, T0 + 10, T0));
    }

    @Test
    void anExpiryOfLongMinValueIsStoredAsAnExpiredEntry() {
        Key k = key(3, 5, 1);
        assertTrue(claim(k, Long.MIN_VALUE, T0));
        assertEquals(1, table.size());
        assertEquals(Long.MIN_VALUE + 1, table.heldUntil(k.high(), k.low()));
        assertTrue(claim(k, T0 + 10, T0));
        assertFalse(claim(k, T0 + 10, T0));
        assertEquals(1, table.size());
    }

    @Test
    void probeRunsWrapFromTheLastSlotToTheFirstAndSurviveARemovalAtTheEnd() {
        List<Key> run = new ArrayList<>();
        for (int tag = 1; tag <= 5; tag++) {
            run.add(atLastSlot(7, tag));
            assertTrue(claim(run.get(run.size() - 1), T0 + 100, T0));
        }
        Key homeAtFirstSlot = key(7, 0, 9); // its home slot is taken by the wrapped run
        assertTrue(claim(homeAtFirstSlot, T0 + 100, T0));

        table.release(run.get(0).high(), run.get(0).low()); // sits in the last slot; the rest shift back over the end
        for (Key k : run.subList(1, run.size())) {
            assertFalse(claim(k, T0 + 100, T0), k.toString());
        }
        assertFalse(claim(homeAtFirstSlot, T0 + 100, T0));
        assertTrue(claim(run.get(0), T0 + 100, T0));
        assertEquals(6, table.size());
    }

    @Test
    void anInsertTakesTheFirstExpiredSlotOnItsProbePath() {
        Key old = key(1, 4, 1);
        assertTrue(claim(old, T0 + 10, T0));
        Key fresh = key(1, 4, 2);
        assertTrue(claim(fresh, T0 + 100, T0 + 20));
        assertEquals(1, table.size());
        assertEquals(NONE, table.heldUntil(old.high(), old.low()));
        assertEquals(T0 + 100, table.heldUntil(fresh.high(), fresh.low()));
    }

    @Test
    void anInsertDoesNotShadowTheSameKeyFurtherAlongItsRun() {
        Key expired = key(1, 4, 1);
        Key held = key(1, 4, 2);
        assertTrue(claim(expired, T0 + 10, T0));
        assertTrue(claim(held, T0 + 100, T0));
        assertFalse(claim(held, T0 + 200, T0 + 20)); // passes the expired slot, finds itself behind it
        assertEquals(2, table.size());
    }

    @Test
    void aSegmentFullOfExpiredEntriesIsSweptInsteadOfGrown() {
        for (int home = 0; home < ClaimTable.MIN_CAPACITY / 2; home++) {
            Key k = key(2, home, home);
            table.settled(k.high(), k.low(), T0 + 10, T0);
        }
        int before = table.capacity();
        for (int home = ClaimTable.MIN_CAPACITY / 2; home < ClaimTable.MIN_CAPACITY; home++) {
            Key k = key(2, home, home); // on empty slots, so nothing expired is in the way to be taken over
            table.settled(k.high(), k.low(), T0 + 100, T0 + 20);
        }
        assertEquals(before, table.capacity());
        assertEquals(ClaimTable.MIN_CAPACITY / 2, table.size());
    }

    @Test
    void aSweepAfterEverythingExpiredGivesBackTheMemory() {
        int n = 200_000;
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            assertTrue(table.claim(random.nextLong(), random.nextLong(), T0 + 10, T0));
        }
        assertEquals(n, table.size());
        assertTrue(table.capacity() >= 2 * n, "capacity " + table.capacity());
        table.sweep(T0 + 10);
        assertEquals(0, table.size());
        assertEquals(ClaimTable.SEGMENTS * ClaimTable.MIN_CAPACITY, table.capacity());
    }

    @Test
    void claimsAloneKeepExpiredEntriesAndMemoryBoundedByTheLiveOnes() {
        int perRound = 20_000;
        Random random = new Random(2);
        long now = T0;
        int capacityAfterWarmUp = 0;
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < perRound; i++) {
                assertTrue(table.claim(random.nextLong(), random.nextLong(), now + 1000, now));
            }
            assertTrue(table.size() <= 3 * perRound, "round " + round + ": size " + table.size());
            if (round == 5) {
                capacityAfterWarmUp = table.capacity();
            }
            if (round > 5) {
                assertTrue(table.capacity() <= capacityAfterWarmUp, "round " + round + ": " + table.capacity());
            }
            now += 2000; // everything claimed so far has expired
        }
        table.sweep(now);
        assertEquals(0, table.size());
    }

    /**
     * Random claims, settlements, releases, sweeps and time steps against a HashMap with the ledger's rules, on
     * keys crowded into two segments and a few probe runs, some of them wrapping, through many resizes.
     */
    @Test
    void behavesLikeAMapOfExpiriesThroughRandomOperations() {
        Random random = new Random(42);
        List<Key> keys = new ArrayList<>();
        keys.add(new Key(0, 0));
        for (int tag = 1; keys.size() < 3000; tag++) {
            int segment = random.nextInt(2) * 63; // the first and the last segment
            switch (random.nextInt(4)) {
                case 0 -> keys.add(atLastSlot(segment, tag));
                case 1 -> keys.add(key(segment, random.nextInt(4), tag)); // the first slots, where wrapped runs end
                default -> keys.add(key(segment, random.nextInt(), tag));
            }
        }
        Map<Key, Long> model = new HashMap<>();
        // Keys whose entry was settled since it was last claimed: a release leaves them (ReplayLedger.settled).
        Set<Key> settled = new HashSet<>();
        long now = T0;
        int resizes = 0;
        int lastCapacity = table.capacity();
        int maxCapacity = 0;
        for (int op = 0; op < 400_000; op++) {
            // Phases of mostly claims and of mostly releases make the segments grow and shrink many times.
            boolean filling = (op / 20_000) % 2 == 0;
            Key k = keys.get(random.nextInt(keys.size()));
            long until = now - 50 + random.nextInt(random.nextBoolean() ? 400 : 20_000);
            int dice = random.nextInt(100);
            if (dice < (filling ? 60 : 20)) {
                Long held = model.get(k);
                boolean expected = held == null || held <= now;
                if (expected) {
                    model.put(k, until);
                    settled.remove(k);
                }
                assertEquals(expected, table.claim(k.high(), k.low(), until, now), "claim " + k + " at op " + op);
            } else if (dice < (filling ? 70 : 30)) {
                model.merge(k, until, Math::max);
                settled.add(k);
                table.settled(k.high(), k.low(), until, now);
            } else if (dice < (filling ? 80 : 90)) {
                if (!settled.contains(k)) {
                    model.remove(k);
                }
                table.release(k.high(), k.low());
            } else if (dice < 99) {
                now += random.nextInt(filling ? 10 : 400);
            } else {
                long at = now;
                model.values().removeIf(held -> held <= at);
                table.sweep(now);
                assertEquals(model.size(), table.size(), "size after sweep at op " + op);
            }
            assertSameLiveEntry(model, k, now);
            if (table.capacity() != lastCapacity) {
                resizes++;
                lastCapacity = table.capacity();
                maxCapacity = Math.max(maxCapacity, lastCapacity);
            }
            if (op % 5000 == 0) {
                for (Key each : keys) {
                    assertSameLiveEntry(model, each, now);
                }
                long at = now;
                long live = model.values().stream().filter(held -> held > at).count();
                assertTrue(table.size() >= live && table.size() <= model.size(), "size " + table.size());
            }
        }
        assertTrue(resizes >= 20, "only " + resizes + " resizes");
        int crowded = maxCapacity - (ClaimTable.SEGMENTS - 2) * ClaimTable.MIN_CAPACITY;
        assertTrue(crowded >= 2 * 1024, "the two crowded segments reached only " + crowded + " slots");
    }

    /** The table may drop an expired entry at any time, and must agree with the model on every live one. */
    private void assertSameLiveEntry(Map<Key, Long> model, Key k, long now) {
        Long held = model.get(k);
        long expected = held == null || held <= now ? NONE : held;
        long stored = table.heldUntil(k.high(), k.low());
        long actual = stored <= now ? NONE : stored;
        assertEquals(expected, actual, k.toString());
    }
}
