-- GET with a validly signed, never repeated PAYMENT-SIGNATURE per request, for a server that checks
-- signatures (verify=local): each request takes the next unused line of a file written by SignedProofs (one
-- complete base64 header value per line). A line is never sent twice, so no request is a replay. When the
-- lines run out, requests go out without the header (the server answers 402, counted in non2xx) and the
-- script says how many at the end: running short is visible, never a silent reuse.
-- One wrk thread only (-t1; any number of connections): threads would each read the file from the start.
-- Usage: wrk -t1 ... -s signed.lua URL -- proofs.txt   (the request path is the URL's)
dofile(os.getenv("BENCH_LOAD_DIR") .. "/report.lua")

local threads = {}
function setup(thread)
  if #threads > 0 then
    error("signed.lua: one wrk thread only (-t1), or two threads would send the same proofs")
  end
  threads[#threads + 1] = thread
end

local head, tail, plain
local lines = {}
local next_line = 1
used, missing, available = 0, 0, 0 -- globals: done() reads them with thread:get

function init(args)
  local f = assert(io.open(assert(args[1], "signed.lua: give the proofs file after --"), "r"))
  for line in f:lines() do
    if line ~= "" then lines[#lines + 1] = line end
  end
  f:close()
  available = #lines
  local request = wrk.format("GET", nil, { ["PAYMENT-SIGNATURE"] = "@@" })
  local at = request:find("@@", 1, true)
  head = request:sub(1, at - 1)
  tail = request:sub(at + 2)
  plain = wrk.format("GET")
end

function request()
  local line = lines[next_line]
  if line == nil then
    missing = missing + 1
    return plain
  end
  lines[next_line] = nil -- used: gone, whatever happens to this request
  next_line = next_line + 1
  used = used + 1
  return head .. line .. tail
end

local report = done
function done(summary, latency, requests)
  report(summary, latency, requests)
  for _, t in ipairs(threads) do
    local missing = t:get("missing")
    io.write(string.format("signed.lua: %d of %d proofs used, %d requests without one%s\n", t:get("used"),
      t:get("available"), missing, missing > 0 and " (the file ran out: they count in non2xx)" or ""))
  end
end
