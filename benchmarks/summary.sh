#!/usr/bin/env bash
# Turns one benchmarks/run.sh output directory into the table of targets (markdown): means over the rounds,
# the ratios issue 9 sets, and met / missed. Usage: benchmarks/summary.sh benchmarks/target/run-<time>
set -euo pipefail
OUT=${1:?usage: $0 RUN_DIR}

# JMH csv -> "jmh.benchmark[param] score" lines, and "jmh.benchmark[param].err error" (JMH's 99.9 % half-interval)
jmh() {
  [ -f "$1" ] || return 0
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); h[i] = $i }; next }
    { gsub(/["\r]/, ""); name = $1; sub(/.*\./, "", name); p = "";
      for (i = 8; i <= NF; i++) if ($i != "" && $i !~ /\//) p = p "[" $i "]";
      print "jmh." name p, $5; if ($6 != "" && $6 != "NaN") print "jmh." name p ".err", $6 }' "$1"
}

{
  [ -f "$OUT/results.txt" ] && cat "$OUT/results.txt"
  jmh "$OUT/jmh-verify.csv"
  jmh "$OUT/jmh-scale.csv"
  [ -f "$OUT/viem.log" ] && sed -nE 's/^RESULT ops_per_s=([0-9.]+).*/viem.recover \1/p' "$OUT/viem.log"
  # Target 4 in pairs (since the twenty-third session): one JMH fork, then viem, three times over
  for f in "$OUT"/jmh-verify-[0-9]*.csv; do
    [ -f "$f" ] || continue
    i=${f##*-}; i=${i%.csv}
    jmh "$f" | sed -nE "s/^jmh\.verify ([0-9.]+)$/pair.tollgate.$i \1/p"
    [ -f "$OUT/viem-$i.log" ] && sed -nE "s/^RESULT ops_per_s=([0-9.]+).*/pair.viem.$i \1/p" "$OUT/viem-$i.log"
  done
  [ -f "$OUT/footprint.log" ] && sed -nE 's/^RESULT .*bytes_per_entry=([0-9.]+).*/ledger.bytes_per_entry \1/p' "$OUT/footprint.log"
  true # a load-only run has no JMH files: not a failure
} | awk -v CALM="${CALM:-5}" -v STALL="$(sed -n 's/^stall all: //p' "$OUT/machine.txt" 2>/dev/null)" '
  NF >= 7 { n[$1]++; rps[$1] += $2; p50[$1] += $3; p99[$1] += $4; bad[$1] += $5 + $6; load[$1] += $7
    each[$1, n[$1]] = $2; tail[$1, n[$1]] = $4; if (NF >= 8 && $8 > 0) { cpu[$1] += $8; cpun[$1]++ }
    if (NF >= 9) { steal[$1] += $9; stealn[$1]++; stl[$1, n[$1]] = $9 } else stl[$1, n[$1]] = -1
    err[$1] += $6; non2xx[$1] += $5
    if (NF >= 10 && $10 > 0) { wcpu[$1] += $10; wcpun[$1]++ }
    if (NF >= 12 && $11 != "-") { vcalls[$1] += $11; scalls[$1] += $12; callsn[$1]++ }
    if (NF >= 13) { reqs[$1] += $13; reqsn[$1]++ }
    next }
  NF == 2 { v[$1] = $2 }
  function has(k) { return (k in n) }
  function R(k) { return has(k) ? rps[k] / n[k] : 0 }
  function Q(a, b) { return R(b) > 0 ? R(a) / R(b) : 0 }
  function QS(a, b) { return Q(a, b) > 0 ? sprintf("%.2f ×", Q(a, b)) : "n/a" }
  function P99(k) { return p99[k] / n[k] / 1000 }
  function P50(k) { return p50[k] / n[k] / 1000 }
  function verdict(ok) { return ok ? "**met**" : "**missed**" }
  # JMH'"'"'s 99.9 % half-interval of a score, 0 when the csv gave none
  function E(k) { return (k ".err") in v ? v[k ".err"] : 0 }
  # The ratio a / b at the ends of both scores'"'"' error bars: "lo–hi"
  function span(a, b) { return (v[b] + E(b) > 0 && v[b] - E(b) > 0) ? sprintf("%.2f–%.2f", (v[a] - E(a)) / (v[b] + E(b)), (v[a] + E(a)) / (v[b] - E(b))) : "?" }
  # after calm(): the verdict on the mean, then on the median of the calm rounds (the steadier figure) if any ran
  function verdicts(ok, calmok) { return verdict(ok) " (mean)" (CALMK > 0 ? "; " verdict(calmok) " (calm rounds)" : "") }
  function CPU(k) { return (k in cpun) ? cpu[k] / cpun[k] : 0 }
  function cpucell(k) { return CPU(k) > 0 ? sprintf("%.1f", CPU(k)) : "–" }
  function stealcell(k) { return (k in stealn) ? sprintf("%.0f", steal[k] / stealn[k]) : "–" }
  function WCPU(k) { return (k in wcpun) ? wcpu[k] / wcpun[k] : 0 }
  function wcpucell(k) { return WCPU(k) > 0 ? sprintf("%.1f", WCPU(k)) : "–" }
  # the facilitator double'"'"'s /verify and /settle calls per request, mean over the rounds ("–": not counted)
  function callscell(k) { return (k in callsn) ? sprintf("%.2f, %.2f", vcalls[k] / callsn[k], scalls[k] / callsn[k]) : "–" }
  function row(k) { if (has(k)) printf "| %s | %.0f | %.2f | %.2f | %d | %.1f | %s | %s | %s | %s |\n", k, R(k), P50(k), P99(k), bad[k], load[k] / n[k], cpucell(k), stealcell(k), wcpucell(k), callscell(k) }
  # A run whose requests did not all succeed: a refused proof (replay, bad signature) is answered fast and would
  # flatter the paid side; a failed free request the other. The 402 run must fail every request with a 402 and
  # nothing else.
  function broken(k) { return k == "t1.challenge_402" ? err[k] > 0 || ((k in reqsn) && reqsn[k] == n[k] && non2xx[k] != reqs[k]) : bad[k] > 0 }
  function checked(ok, a, b) { return (broken(a) || broken(b)) ? "**invalid run** (" (broken(a) ? a : b) " had failed requests)" : ok }
  # Both sides of target 3 must ask the double once for /verify and once for /settle per request.
  function twocalls(k) { return (k in callsn) && vcalls[k] / callsn[k] >= 0.99 && scalls[k] / callsn[k] >= 0.99 }
  # Round i of the pair (a, b), its two sides run back to back. mode 0: requests/s a / b; 1: p99 a - b in ms;
  # 2: the time a adds to each request of b, in %
  function value(a, b, i, mode) {
    return mode == 1 ? (tail[a, i] - tail[b, i]) / 1000 : mode == 2 ? 100 * (each[b, i] / each[a, i] - 1) : each[a, i] / each[b, i]
  }
  # The median of r[1..k], which it sorts
  function median(r, k,   i, j, t) {
    for (i = 2; i <= k; i++) { t = r[i]; for (j = i - 1; j >= 1 && r[j] > t; j--) r[j + 1] = r[j]; r[j + 1] = t }
    return k % 2 ? r[(k + 1) / 2] : (r[k / 2] + r[k / 2 + 1]) / 2
  }
  # a / b round by round, then their median: steadier than the ratio of means when the machine changes speed
  # between rounds
  function rounds(a, b, mode,   r, i, c, out) {
    c = n[a] < n[b] ? n[a] : n[b]; out = ""
    for (i = 1; i <= c; i++) { r[i] = value(a, b, i, mode); out = out (i > 1 ? ", " : "") sprintf(FMT[mode], r[i]) }
    return out "; median " sprintf(FMT[mode], median(r, c))
  }
  # The same, only over the rounds in which the hypervisor took less than CALM % of the machine during both
  # sides (steal stalls whichever request runs; it came and went within minutes here): empty when none was calm.
  # Sets CALMK (how many) and CALMMED (their median) for verdicts().
  function calm(a, b, mode,   r, i, c, k, out) {
    c = n[a] < n[b] ? n[a] : n[b]; k = 0; out = ""
    CALMK = 0; CALMMED = 0
    if (NOSTEAL) return ""
    for (i = 1; i <= c; i++) if (stl[a, i] >= 0 && stl[a, i] < CALM && stl[b, i] >= 0 && stl[b, i] < CALM) {
      r[++k] = value(a, b, i, mode)
      out = out (k > 1 ? ", " : "") sprintf(FMT[mode], r[k])
    }
    CALMK = k; CALMMED = 0
    if (k == 0) return ""
    CALMMED = median(r, k)
    return sprintf("; rounds with steal < %d %% on both sides: %s, median " FMT[mode], CALM, out, CALMMED)
  }
  # p99 of a minus p99 of b round by round, in ms
  function tails(a, b,   i, c, out) {
    c = n[a] < n[b] ? n[a] : n[b]; out = ""
    for (i = 1; i <= c; i++) out = out (i > 1 ? ", " : "") sprintf(FMT[1], value(a, b, i, 1))
    return out
  }
  # A target-6 row for HopModel'"'"'s path: its p99 (mean over rounds, and each round) against the double'"'"'s p99.
  function bound(path, hops, base, measured,   m, i, out) {
    m = v["hop_model." path] / 1000; out = ""
    for (i = 1; ("hop_model." path "." i) in v; i++) out = out (i > 1 ? ", " : "") sprintf("%+.1f", (v["hop_model." path "." i] - tail[base, i]) / 1000)
    printf "| 6 | the same hops with a gate that costs nothing (`HopModel`: %s, each round'"'"'s distributions added); the measured path for comparison: %.2f ms | %.2f vs %.2f ms (%+.2f ms); rounds %s | ≤ +1 ms | %s |\n", hops, P99(measured), m, P99(base), m - P99(base), out, m - P99(base) <= 1 ? "within reach here" : "**out of reach on this machine** by this estimate, even for a gate that cost nothing"
  }
  END {
    FMT[0] = "%.2f"; FMT[1] = "%+.1f"; FMT[2] = "%+.0f %%"
    # A machine that never reported steal (0 since boot when the run began) cannot tell a calm round from another.
    NOSTEAL = ("steal_since_boot" in v) && v["steal_since_boot"] == 0
    print "### Load runs (wrk, mean over rounds)\n"
    print "| run | requests/s | p50 ms | p99 ms | non-2xx + errors | load avg (1 min) | server CPU µs/request | steal % | wrk CPU µs/request | double /verify, /settle per request |"
    print "|---|---|---|---|---|---|---|---|---|---|"
    split("t1.challenge_402 t1.free_same_body t1.free_same_wire t2.servlet_paid t2.servlet_free t2.servlet_free_plain t2.servlet_free_fixed t2.servlet_free_headers t2.jaxrs_paid t2.jaxrs_free t2.jaxrs_free_plain t3.tollgate t3.reference t5.paid_1mib t5.free_1mib t6.double_verify t6.paid t6.free t6.relay t6.bench_paid t6.relay_settle t6.relay_core t6.double_settle t6.local_paid", order, " ")
    for (i = 1; i in order; i++) row(order[i])
    if ("challenge_extra_header_bytes" in v) printf "\n402 body: %d bytes; its status line and headers: %d bytes more than the 200'"'"'s (the \"same wire\" 200 is padded by that).\n", v["challenge_body_bytes"], v["challenge_extra_header_bytes"]
    else if ("challenge_body_bytes" in v) printf "\n402 body: %d bytes; PAYMENT-REQUIRED header value: %d bytes (the \"same wire\" 200 is padded by that only, short of the 402'"'"'s other headers).\n", v["challenge_body_bytes"], v["challenge_header_bytes"]
    if (NOSTEAL) print "\nSteal: not reported by this machine (0 since boot when the run began), so its column reads 0 whatever the neighbours did, and no verdict is given on calm rounds."
    if (STALL != "") print "\nStalls of the idle machine before the servers started (`StallProbe`, one spinning thread per core): " STALL "."
    print "\n### Targets\n"
    print "| # | comparison | figure | target | verdict |"
    print "|---|---|---|---|---|"
    if (has("t1.challenge_402") && has("t1.free_same_body")) {
      r = R("t1.challenge_402") / R("t1.free_same_body"); c = calm("t1.challenge_402", "t1.free_same_body", 0)
      printf "| 1 | 402 challenge / unprotected 200, same body size | %.2f × (%s vs same bytes on the wire); rounds %s%s | ≥ 0.9 | %s |\n", r, QS("t1.challenge_402", "t1.free_same_wire"), rounds("t1.challenge_402", "t1.free_same_body", 0), c, checked(verdicts(r >= 0.9, CALMMED >= 0.9), "t1.challenge_402", "t1.free_same_body")
    }
    if (has("t2.servlet_paid") && has("t2.servlet_free")) {
      r = R("t2.servlet_paid") / R("t2.servlet_free"); c = calm("t2.servlet_paid", "t2.servlet_free", 0)
      printf "| 2 | servlet: paid (instant verifier, unique proofs) / unprotected, same requests | %.2f × (%s vs requests without the header); rounds %s%s | ≥ 0.8 | %s |\n", r, QS("t2.servlet_paid", "t2.servlet_free_plain"), rounds("t2.servlet_paid", "t2.servlet_free", 0), c, checked(verdicts(r >= 0.8, CALMMED >= 0.8), "t2.servlet_paid", "t2.servlet_free")
      if (CPU("t2.servlet_paid") > 0 && CPU("t2.servlet_free") > 0) printf "| – | servlet: server CPU per request, unprotected / paid | %.1f / %.1f µs = %.2f ×; the gate adds %.1f µs | | |\n", CPU("t2.servlet_free"), CPU("t2.servlet_paid"), CPU("t2.servlet_free") / CPU("t2.servlet_paid"), CPU("t2.servlet_paid") - CPU("t2.servlet_free")
      if (has("t2.servlet_free_headers")) printf "| – | unprotected with a settled response'"'"'s three headers (no gate) / unprotected, same requests | %.2f × (server CPU %s µs) | | |\n", R("t2.servlet_free_headers") / R("t2.servlet_free"), cpucell("t2.servlet_free_headers")
      if (has("t2.servlet_free_fixed")) printf "| – | load generator check: unique headers / one fixed header, unprotected servlet | %.2f × | close to 1 | |\n", Q("t2.servlet_free", "t2.servlet_free_fixed")
      # wrk runs on the same two cores: what it spends per request is taken from the server on both sides, which
      # draws a ratio of requests/s towards 1. The ratio of server CPU per request (above) is free of it.
      if (WCPU("t2.servlet_paid") > 0 && WCPU("t2.servlet_free") > 0) printf "| – | load generator weight: wrk'"'"'s own CPU per request, paid / unprotected (it shares the two cores with the server) | %.1f / %.1f µs, %.2f / %.2f cores | | |\n", WCPU("t2.servlet_paid"), WCPU("t2.servlet_free"), WCPU("t2.servlet_paid") * R("t2.servlet_paid") / 1e6, WCPU("t2.servlet_free") * R("t2.servlet_free") / 1e6
    }
    if (has("t2.jaxrs_paid") && has("t2.jaxrs_free")) {
      r = R("t2.jaxrs_paid") / R("t2.jaxrs_free"); c = calm("t2.jaxrs_paid", "t2.jaxrs_free", 0)
      printf "| 2 | JAX-RS: @PaymentRequired / unannotated, same requests | %.2f × (%s vs requests without the header); rounds %s%s | ≥ 0.8 | %s |\n", r, QS("t2.jaxrs_paid", "t2.jaxrs_free_plain"), rounds("t2.jaxrs_paid", "t2.jaxrs_free", 0), c, checked(verdicts(r >= 0.8, CALMMED >= 0.8), "t2.jaxrs_paid", "t2.jaxrs_free")
      if (CPU("t2.jaxrs_paid") > 0 && CPU("t2.jaxrs_free") > 0) printf "| – | JAX-RS: server CPU per request, unannotated / paid | %.1f / %.1f µs = %.2f ×; the gate adds %.1f µs | | |\n", CPU("t2.jaxrs_free"), CPU("t2.jaxrs_paid"), CPU("t2.jaxrs_free") / CPU("t2.jaxrs_paid"), CPU("t2.jaxrs_paid") - CPU("t2.jaxrs_free")
    }
    if (has("t3.tollgate") && has("t3.reference")) {
      r = R("t3.tollgate") / R("t3.reference")
      # Both must have paid through the double: one /verify and one /settle per request on each side.
      if (("t3.tollgate" in callsn) && ("t3.reference" in callsn)) {
        same = (twocalls("t3.tollgate") && twocalls("t3.reference")) ? "" : "**invalid run** (a side did not ask the double for /verify and /settle on every request)"
        callsnote = sprintf("; the double'"'"'s /verify, /settle calls per request: Tollgate %s, @x402/express %s", callscell("t3.tollgate"), callscell("t3.reference"))
      } else { same = ""; callsnote = "; the double'"'"'s calls were not counted" }
      printf "| 3 | Tollgate sample / @x402/express, requests/s | %.2f × (%.0f / %.0f); rounds %s%s%s | ≥ 3 | %s |\n", r, R("t3.tollgate"), R("t3.reference"), rounds("t3.tollgate", "t3.reference", 0), callsnote, (CPU("t3.reference") > 0 ? sprintf("; server CPU per request %s / %s µs", cpucell("t3.tollgate"), cpucell("t3.reference")) : ""), (same != "" ? same : checked(verdict(r >= 3), "t3.tollgate", "t3.reference"))
      # At full load (closed loop, CONNS connections) latency is mostly queueing, about connections / throughput:
      # the faster server has the lower p99 almost by construction; said in the row.
      printf "| 3 | p99 Tollgate vs @x402/express, both at full load (each at its own throughput, so mostly queueing) | %.2f ms vs %.2f ms | lower | %s |\n", P99("t3.tollgate"), P99("t3.reference"), (same != "" ? same : checked(verdict(P99("t3.tollgate") < P99("t3.reference")), "t3.tollgate", "t3.reference"))
    }
    # Pairs: each JMH fork beside the viem run right after it, so a phase of the machine weighs on both sides alike
    np = 0; st = 0; sv = 0; pr = ""
    for (i = 1; ("pair.tollgate." i) in v && ("pair.viem." i) in v; i++) {
      np++; st += v["pair.tollgate." i]; sv += v["pair.viem." i]
      pr = pr (np > 1 ? ", " : "") sprintf("%.1f × (%.0f / %.0f)", v["pair.tollgate." i] / v["pair.viem." i], v["pair.tollgate." i], v["pair.viem." i])
    }
    if (np > 0 && sv > 0) {
      r = st / sv
      printf "| 4 | EIP-3009 verifications/s, one thread: Tollgate / viem, %d pairs each run back to back (one JMH fork, then viem) | %.0f / %.0f = %.1f ×; pairs %s | ≥ 10 | %s |\n", np, st / np, sv / np, r, pr, verdict(r >= 10)
    } else if (("jmh.verify" in v) && ("viem.recover" in v)) {
      r = v["jmh.verify"] / v["viem.recover"]
      printf "| 4 | EIP-3009 verifications/s, one thread: Tollgate / viem | %.0f ± %.0f / %.0f = %.1f × | ≥ 10 | %s%s |\n", v["jmh.verify"], E("jmh.verify"), v["viem.recover"], r, verdict(r >= 10), ((v["jmh.verify"] - E("jmh.verify")) / v["viem.recover"] >= 10) == (r >= 10) ? "" : " (the error bars cross the line)"
    }
    if (("jmh.last[10]" in v) && ("jmh.last[10000]" in v)) {
      r = v["jmh.last[10000]"] / v["jmh.last[10]"]; m = v["jmh.miss[10000]"] / v["jmh.miss[10]"]
      # spread: many paths across the table in turn (the memory of the whole table, not one hot path); from the review on
      sp = (("jmh.spread[10]" in v) && ("jmh.spread[10000]" in v)) ? v["jmh.spread[10000]"] / v["jmh.spread[10]"] : 0
      printf "| 5 | route match, 10,000 / 10 routes (hit last route; miss%s) | %.0f / %.0f ns = %.2f ×; %.0f / %.0f ns = %.2f ×%s | ≤ 2 | %s |\n", (sp > 0 ? "; 1,024 paths across the table" : ""), v["jmh.last[10000]"], v["jmh.last[10]"], r, v["jmh.miss[10000]"], v["jmh.miss[10]"], m, (sp > 0 ? sprintf("; %.0f / %.0f ns = %.2f ×", v["jmh.spread[10000]"], v["jmh.spread[10]"], sp) : ""), verdict(r <= 2 && m <= 2 && sp <= 2)
    }
    if ("ledger.bytes_per_entry" in v)
      printf "| 5 | in-memory ledger bytes per entry at 1,000,000 | %.0f | ≤ 200 | %s |\n", v["ledger.bytes_per_entry"], verdict(v["ledger.bytes_per_entry"] <= 200)
    if (("jmh.claimAndRelease[0]" in v) && ("jmh.claimAndRelease[1000000]" in v)) {
      r = v["jmh.claimAndRelease[0]"] / v["jmh.claimAndRelease[1000000]"]
      # a ratio whose error bars reach past the line is met or missed by the run'"'"'s luck: said in the verdict
      hi = (v["jmh.claimAndRelease[1000000]"] - E("jmh.claimAndRelease[1000000]") > 0) ? (v["jmh.claimAndRelease[0]"] + E("jmh.claimAndRelease[0]")) / (v["jmh.claimAndRelease[1000000]"] - E("jmh.claimAndRelease[1000000]")) : r
      lo = (v["jmh.claimAndRelease[0]"] - E("jmh.claimAndRelease[0]")) / (v["jmh.claimAndRelease[1000000]"] + E("jmh.claimAndRelease[1000000]"))
      printf "| 5 | ledger claims/s empty / at 1,000,000 live | %.0f ± %.0f / %.0f ± %.0f = %.2f × (%s × within the error bars) | ≤ 2 | %s%s |\n", v["jmh.claimAndRelease[0]"], E("jmh.claimAndRelease[0]"), v["jmh.claimAndRelease[1000000]"], E("jmh.claimAndRelease[1000000]"), r, span("jmh.claimAndRelease[0]", "jmh.claimAndRelease[1000000]"), verdict(r <= 2), ((r <= 2) != (hi <= 2) || (r <= 2) != (lo <= 2)) ? " (the error bars cross the line)" : ""
    }
    if (has("t5.paid_1mib") && has("t5.free_1mib")) {
      r = R("t5.free_1mib") / R("t5.paid_1mib") - 1; c = calm("t5.paid_1mib", "t5.free_1mib", 2)
      printf "| 5 | 1 MiB response, paid (buffered, gate included) vs unprotected: added request time | %+.0f %% (p50 %.2f vs %.2f ms); rounds %s%s | ≤ 20 %% | %s |\n", r * 100, P50("t5.paid_1mib"), P50("t5.free_1mib"), rounds("t5.paid_1mib", "t5.free_1mib", 2), c, checked(verdicts(r <= 0.2, CALMMED <= 20), "t5.paid_1mib", "t5.free_1mib")
    }
    if (has("t6.paid") && has("t6.double_verify")) {
      d = P99("t6.paid") - P99("t6.double_verify"); c = calm("t6.paid", "t6.double_verify", 1)
      # The load is a fixed pause per connection (closed loop), not a fixed rate: each side runs at its own rate.
      printf "| 6 | p99 paid path vs the double'"'"'s own p99, %.0f vs %.0f req/s | %.2f vs %.2f ms (%+.2f ms); rounds %s%s | ≤ +1 ms | %s |\n", R("t6.paid"), R("t6.double_verify"), P99("t6.paid"), P99("t6.double_verify"), d, tails("t6.paid", "t6.double_verify"), c, checked(verdicts(d <= 1, CALMMED <= 1), "t6.paid", "t6.double_verify")
    }
    # HopModel: the same hops with a gate that costs nothing (each round'"'"'s hops measured alone, added up).
    if (("hop_model.paid" in v) && has("t6.double_verify")) bound("paid", "t6.free + 2 × t6.double_verify", "t6.double_verify", "t6.paid")
    if (has("t6.relay") && has("t6.double_verify")) {
      d = P99("t6.relay") - P99("t6.double_verify")
      printf "| 6 | the same two calls made by an unprotected handler with Tollgate'"'"'s facilitator client, no gate (BenchServer'"'"'s /bench/relay), %.0f req/s | %.2f vs %.2f ms (%+.2f ms); rounds %s | ≤ +1 ms | – (the calls'"'"' share; the paid path less this is the gate'"'"'s) |\n", R("t6.relay"), P99("t6.relay"), P99("t6.double_verify"), d, tails("t6.relay", "t6.double_verify")
    }
    if (has("t6.bench_paid") && has("t6.relay")) {
      d = P99("t6.bench_paid") - P99("t6.relay")
      printf "| 6 | the paid path in the relay'"'"'s own process (BenchServer'"'"'s /bench/paid-double: the gate, its calls at the double), %.0f req/s, against the relay | %.2f vs %.2f ms (%+.2f ms); rounds %s | – | – (the gate'"'"'s share, with no difference of process) |\n", R("t6.bench_paid"), P99("t6.bench_paid"), P99("t6.relay"), d, tails("t6.bench_paid", "t6.relay")
    }
    if (has("t6.relay_settle") && has("t6.double_verify")) {
      d = P99("t6.relay_settle") - P99("t6.double_verify")
      printf "| 6 | the /settle call alone, by the same handler, no gate (/bench/relay?calls=settle): what the calls would take if /verify were skipped, %.0f req/s | %.2f vs %.2f ms (%+.2f ms); rounds %s | ≤ +1 ms | – (an open option, not what the gate does) |\n", R("t6.relay_settle"), P99("t6.relay_settle"), P99("t6.double_verify"), d, tails("t6.relay_settle", "t6.double_verify")
    }
    if (has("t6.relay_core") && has("t6.double_verify")) {
      d = P99("t6.relay_core") - P99("t6.double_verify")
      printf "| 6 | the same two calls over httpcore5'"'"'s own requester, without HttpClient'"'"'s execution chain (/bench/relay-core): the client'"'"'s share, %.0f req/s | %.2f vs %.2f ms (%+.2f ms); rounds %s | ≤ +1 ms | – (a yardstick, not what the gate uses) |\n", R("t6.relay_core"), P99("t6.relay_core"), P99("t6.double_verify"), d, tails("t6.relay_core", "t6.double_verify")
    }
    if (has("t6.local_paid") && has("t6.double_settle")) {
      d = P99("t6.local_paid") - P99("t6.double_settle")
      # A refused proof (402: replayed, bad signature, file ran out) is answered fast: with any, no verdict.
      b = bad["t6.local_paid"]
      printf "| 6 | hybrid (verify=local, signed proofs): p99 paid path vs the double'"'"'s own /settle p99, %.0f req/s | %.2f vs %.2f ms (%+.2f ms)%s | ≤ +1 ms | %s |\n", R("t6.local_paid"), P99("t6.local_paid"), P99("t6.double_settle"), d, b ? sprintf("; %d non-2xx + errors", b) : "", b ? "**invalid run**" : verdict(d <= 1)
    }
    if (("hop_model.local_paid" in v) && has("t6.double_settle")) bound("local_paid", "t6.free + t6.double_settle", "t6.double_settle", "t6.local_paid")
  }'
