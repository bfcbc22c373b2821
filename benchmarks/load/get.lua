-- Plain GET of the URL given to wrk (challenge path, unprotected routes).
dofile(os.getenv("BENCH_LOAD_DIR") .. "/report.lua")
