package dev.tollgate.benchmarks;

import dev.tollgate.core.ledger.InMemoryReplayLedger;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/**
 * Heap bytes per live entry of the in-memory ledger: used heap after a full GC, before and after claiming
 * N keys shaped exactly like the gate's (network, asset, payer, nonce). Run with a heap large enough, e.g.
 * {@code java -Xmx2g -cp benchmarks.jar dev.tollgate.benchmarks.LedgerFootprint 1000000}.
 */
public final class LedgerFootprint {
    private static final String PREFIX = "x402:eip155:84532:0x036cbd53842c5426634e7929541ec2318f3dcf7e:";

    private LedgerFootprint() {
    }

    /** A distinct ledger key per i, as ProofMatcher builds them (lower-case payer and 32-byte nonce). */
    static String key(long i) {
        String payer = String.format("0x%040x", i * 0x9E3779B97F4A7C15L & Long.MAX_VALUE);
        String nonce = String.format("0x%064x", i);
        return PREFIX + payer + ":" + nonce;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Instant until = Instant.now().plus(Duration.ofHours(1));
        long before = usedAfterGc();
        InMemoryReplayLedger ledger = new InMemoryReplayLedger();
        for (int i = 0; i < n; i++) {
            ledger.claim(key(i), until);
        }
        long after = usedAfterGc();
        if (ledger.size() != n) {
            throw new IllegalStateException("expected " + n + " entries, ledger holds " + ledger.size());
        }
        System.out.printf("RESULT entries=%d bytes=%d bytes_per_entry=%.1f%n", n, after - before,
                (after - before) / (double) n);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
