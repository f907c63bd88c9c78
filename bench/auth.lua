-- GET with the bench caller's bearer token (from the environment, never argv).
-- The header is static, so wrk builds the request once and runs no Lua per request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
