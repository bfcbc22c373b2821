-- POST a fixed JSON body to measure the facilitator double on its own. The body is line 5 of a
-- ProofTemplate file (the request a facilitator gets: x402 v2 sends the same body to /verify and /settle).
-- Usage: wrk ... -s post.lua http://double/verify (or /settle) -- template.txt
dofile(os.getenv("BENCH_LOAD_DIR") .. "/report.lua")

function init(args)
  local f = assert(io.open(args[1], "r"))
  for _ = 1, 4 do f:read("*l") end
  wrk.method = "POST"
  wrk.body = f:read("*l")
  wrk.headers["Content-Type"] = "application/json"
  f:close()
end
