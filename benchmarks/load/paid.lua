-- GET with a unique PAYMENT-SIGNATURE per request, spliced from a template written by ProofTemplate:
-- 24 hex digits of the nonce are replaced by run salt + thread + counter, base64-encoded on their own
-- (the template keeps them 3-byte aligned). Usage: wrk ... -s paid.lua URL -- template.txt [salt] [path]
-- A path other than the template's sends the same unique headers to it (an unprotected route ignores them).
dofile(os.getenv("BENCH_LOAD_DIR") .. "/report.lua")

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local alphabet = {}
do
  local s = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  for i = 1, 64 do alphabet[i - 1] = s:sub(i, i) end
end

local function b64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + b * 256 + c
    out[#out + 1] = alphabet[math.floor(n / 262144)] .. alphabet[math.floor(n / 4096) % 64]
        .. alphabet[math.floor(n / 64) % 64] .. alphabet[n % 64]
  end
  return table.concat(out)
end

local prefix, suffix, path, salt
local counter = 0

function init(args)
  local f = assert(io.open(args[1], "r"))
  prefix = f:read("*l")
  suffix = f:read("*l")
  path = f:read("*l")
  f:close()
  salt = tonumber(args[2] or "") or (os.time() % 2147483647)
  if args[3] and args[3] ~= "" then path = args[3] end
end

function request()
  counter = counter + 1
  local hex = string.format("%08x%04x%012x", salt % 2147483647, id % 65536, counter)
  return wrk.format("GET", path, { ["PAYMENT-SIGNATURE"] = prefix .. b64(hex) .. suffix })
end
