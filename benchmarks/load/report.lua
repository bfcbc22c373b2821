-- Shared by the load scripts: a machine-readable summary line, and an optional fixed pause per request
-- (WRK_DELAY_MS) so that a run holds a moderate rate instead of saturating the server.
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "")
if delay_ms and delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

-- WRK_QUANTILES=FILE: also the whole latency distribution, as 1000 quantiles in µs (the 0.05th percentile, the
-- 0.15th, ... the 99.95th, one a line), for HopModel, which adds hops' distributions together.
local quantiles_file = os.getenv("WRK_QUANTILES")

function done(summary, latency, requests)
  if quantiles_file and quantiles_file ~= "" then
    local f = assert(io.open(quantiles_file, "w"))
    for i = 0, 999 do
      f:write(latency:percentile((i + 0.5) / 10), "\n")
    end
    f:close()
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f requests=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d errors=%d\n",
    summary.requests / secs, summary.requests, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
