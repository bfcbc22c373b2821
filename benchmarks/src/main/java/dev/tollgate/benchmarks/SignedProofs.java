package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes validly signed, unique proofs for wrk's {@code signed.lua}, one complete base64 PAYMENT-SIGNATURE
 * header value per line: for a server whose verifier really checks the signature ({@code verify=local}, hybrid
 * mode), where {@code paid.lua}'s spliced nonces would all be refused. It asks the server for its 402 and signs
 * one EIP-3009 authorization per line for the first offer ({@link PaidOffer}, the payer of
 * {@link ProofTemplate}), each with its own nonce: 24 random bytes drawn once per file, then the line number
 * (8 bytes), so the lines of one file never repeat and two files share none with overwhelming probability.
 * Every line is valid from 10 minutes before the file is written until an hour after, which the local verifier
 * accepts (validAfter ≤ now, validBefore ≥ now + 6 s) for any run that starts soon after.
 *
 * <p>Signing is the cost (one ECDSA signature and up to two key recoveries per line, the project's own
 * {@code Eip3009Signer}); it runs on {@code threads} threads, by default one per processor.
 * Usage: {@code SignedProofs http://127.0.0.1:8080/bench/paid 20000 proofs.txt [threads]}
 */
public final class SignedProofs {
    private SignedProofs() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SignedProofs URL COUNT FILE [THREADS]");
            System.exit(2);
        }
        URI target = URI.create(args[0]);
        int count = Integer.parseInt(args[1]);
        Path file = Path.of(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        if (count < 0 || threads < 1) {
            throw new IllegalArgumentException("COUNT must be ≥ 0 and THREADS ≥ 1");
        }
        long started = System.nanoTime();
        ObjectMapper json = new ObjectMapper();
        PaidOffer offer = PaidOffer.fetch(json, target);
        long now = System.currentTimeMillis() / 1000;
        long validAfter = now - PaidOffer.VALID_SINCE_SECONDS;
        long validBefore = now + PaidOffer.VALID_FOR_SECONDS;
        byte[] salt = new byte[24];
        new SecureRandom().nextBytes(salt);

        String[] lines = new String[count];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int first = w;
                work.add(pool.submit(() -> {
                    Base64.Encoder b64 = Base64.getEncoder();
                    ByteBuffer nonce = ByteBuffer.allocate(32).put(salt);
                    for (int i = first; i < count; i += threads) {
                        nonce.putLong(24, i);
                        byte[] proof = json.writeValueAsBytes(offer.proof(json, validAfter, validBefore, nonce.array()));
                        lines[i] = b64.encodeToString(proof);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (String line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
        System.out.printf("SignedProofs: %d proofs for %s in %.1f s (%d threads), valid %d..%d, -> %s%n",
                count, target, (System.nanoTime() - started) / 1e9, threads, validAfter, validBefore, file);
    }
}
