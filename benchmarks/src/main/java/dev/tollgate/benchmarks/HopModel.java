package dev.tollgate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What target 6's paid path would measure if Tollgate cost nothing: a paid request is three hops in a row (the
 * client to the sample, the sample to the facilitator's {@code /verify}, then to its {@code /settle}), so with
 * no gate, no HTTP client and no JSON of its own its latency would be the sum of three hops as this machine
 * serves them. The run measures each kind of hop by itself in the same round: {@code t6.free} (the client to the
 * sample, unprotected) and {@code t6.double_verify} (a client to the double). Adding their distributions
 * (a convolution, as if the hops were independent) gives that gate-free path's p99, to set beside the double's
 * own p99 (the target's baseline) and the paid path's measured p99. The hybrid mode's path is two hops:
 * {@code t6.free} and {@code t6.double_settle}.
 *
 * <p>Reads the quantile files {@code run.sh} writes ({@code quantiles/NAME.ROUND}, 1000 quantiles in µs) and
 * prints {@code hop_model.* VALUE} lines for {@code results.txt}: per round and as the mean over the rounds.
 * Usage: {@code HopModel RUN_DIR}.
 */
public final class HopModel {
    /** The distributions are added on a grid this fine: a sum of three is off by at most three of it. */
    static final int BIN_MICROS = 5;

    private HopModel() {
    }

    public static void main(String[] args) throws IOException {
        Path quantiles = Path.of(args[0], "quantiles");
        if (!Files.isDirectory(quantiles)) {
            return; // no target 6 run in this output
        }
        model(quantiles, "paid", List.of("t6.free", "t6.double_verify", "t6.double_verify"));
        model(quantiles, "local_paid", List.of("t6.free", "t6.double_settle"));
    }

    /** Prints the gate-free path's p99 for each round that measured all its hops, and their mean. */
    static void model(Path quantiles, String path, List<String> hops) throws IOException {
        List<Long> perRound = new ArrayList<>();
        for (int round = 1; ; round++) {
            double[] sum = null;
            for (String hop : hops) {
                Path file = quantiles.resolve(hop + "." + round);
                if (!Files.exists(file)) {
                    sum = null;
                    break;
                }
                double[] pmf = pmf(read(file));
                sum = sum == null ? pmf : convolve(sum, pmf);
            }
            if (sum == null) {
                break;
            }
            long p99 = percentile(sum, 0.99);
            perRound.add(p99);
            System.out.printf(Locale.ROOT, "hop_model.%s.%d %d%n", path, round, p99);
        }
        if (!perRound.isEmpty()) {
            System.out.printf(Locale.ROOT, "hop_model.%s %d%n", path,
                    Math.round(perRound.stream().mapToLong(Long::longValue).average().orElseThrow()));
        }
    }

    static long[] read(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty())
                .mapToLong(Long::parseLong).toArray();
    }

    /** Each quantile carries an equal share of the requests, at its bin. */
    static double[] pmf(long[] quantileMicros) {
        long max = 0;
        for (long q : quantileMicros) {
            max = Math.max(max, q);
        }
        double[] pmf = new double[(int) (max / BIN_MICROS) + 1];
        for (long q : quantileMicros) {
            pmf[(int) (q / BIN_MICROS)] += 1.0 / quantileMicros.length;
        }
        return pmf;
    }

    /** The distribution of the sum of two independent latencies. */
    static double[] convolve(double[] a, double[] b) {
        double[] sum = new double[a.length + b.length - 1];
        for (int i = 0; i < a.length; i++) {
            if (a[i] == 0) {
                continue;
            }
            for (int j = 0; j < b.length; j++) {
                sum[i + j] += a[i] * b[j];
            }
        }
        return sum;
    }

    /** The smallest latency (µs, the bin's upper edge) at or under which {@code share} of the requests lie. */
    static long percentile(double[] pmf, double share) {
        double seen = 0;
        for (int i = 0; i < pmf.length; i++) {
            seen += pmf[i];
            // the shares are sums of thousandths in floating point: allow for their rounding
            if (seen >= share - 1e-9) {
                return (long) (i + 1) * BIN_MICROS;
            }
        }
        return (long) pmf.length * BIN_MICROS;
    }
}
