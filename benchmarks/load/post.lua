-- POST a fixed JSON body (a facilitator /verify request) to measure the facilitator double on its own.
-- Usage: wrk ... -s post.lua URL -- body.json
dofile(os.getenv("BENCH_LOAD_DIR") .. "/report.lua")

function init(args)
  local f = assert(io.open(args[1], "r"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  f:close()
end
