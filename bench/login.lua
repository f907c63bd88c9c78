-- POST /api/v1/auth/login with the bench login user's JSON credentials.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format(
  "{\"email\":\"%s\",\"password\":\"%s\"}",
  os.getenv("BENCH_LOGIN_EMAIL"), os.getenv("BENCH_LOGIN_PASSWORD"))
