-- GET with a unique PAYMENT-SIGNATURE per request, spliced from a template written by ProofTemplate:
-- 24 hex digits of the nonce are replaced by run salt (8) + thread (4) + counter (12), base64-encoded on
-- their own (the template keeps them 3-byte aligned). The request text is built once per thread around the
-- 16 base64 characters of the counter, which come from a table of every 3-hex-digit group, so that wrk
-- spends far less per request than the server (benchmarks/run.sh checks: the same headers sent to an
-- unprotected route go nearly as fast as one fixed header).
-- Usage: wrk ... -s paid.lua URL -- template.txt [salt] [path]   (another path gets the same headers)
dofile(os.getenv("BENCH_LOAD_DIR") .. "/report.lua")

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + b * 256 + c
    for _, v in ipairs({ math.floor(n / 262144), math.floor(n / 4096) % 64, math.floor(n / 64) % 64, n % 64 }) do
      out[#out + 1] = alphabet:sub(v + 1, v + 1)
    end
  end
  return table.concat(out)
end

local group = {} -- "abc" (three hex digits) -> its 4 base64 characters
local head, tail
local counter = 0

function init(args)
  local f = assert(io.open(args[1], "r"))
  local prefix, suffix, path = f:read("*l"), f:read("*l"), f:read("*l")
  f:close()
  local salt = tonumber(args[2] or "") or (os.time() % 2147483647)
  if args[3] and args[3] ~= "" then path = args[3] end
  local hex = "0123456789abcdef"
  for i = 0, 4095 do
    local g = hex:sub(math.floor(i / 256) + 1, math.floor(i / 256) + 1) .. hex:sub(math.floor(i / 16) % 16 + 1,
      math.floor(i / 16) % 16 + 1) .. hex:sub(i % 16 + 1, i % 16 + 1)
    group[i] = b64(g)
  end
  local fixed = b64(string.format("%08x%04x", salt % 2147483647, id % 65536))
  local request = wrk.format("GET", path, { ["PAYMENT-SIGNATURE"] = "@@" })
  local at = request:find("@@", 1, true)
  head = request:sub(1, at - 1) .. prefix .. fixed
  tail = suffix .. request:sub(at + 2)
end

function request()
  counter = counter + 1
  local c = counter
  local g4 = c % 4096; c = (c - g4) / 4096
  local g3 = c % 4096; c = (c - g3) / 4096
  local g2 = c % 4096; c = (c - g2) / 4096
  local g1 = c % 4096
  return head .. group[g1] .. group[g2] .. group[g3] .. group[g4] .. tail
end
