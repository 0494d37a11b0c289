-- POSTs for wrk, each with a fresh Idempotency-Key, spread over many callers and targets.
--   wrk -s scripts/wrk/post.lua URL -- redeem DIR   (residents' tokens × community offers)
--   wrk -s scripts/wrk/post.lua URL -- credit DIR   (the admin crediting residents' accounts)
-- DIR holds what `mini-program-mock bench-cast` wrote: tokens.txt, offers.txt, accounts.txt,
-- admin.token.
local threads, counter = {}, 0

local function lines(path)
  local t = {}
  for l in io.lines(path) do if l ~= "" then t[#t + 1] = l end end
  return t
end

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  op, dir = args[1], args[2]
  run = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))
  math.randomseed(os.time() + id * 7919)
  if op == "redeem" then
    tokens, offers = lines(dir .. "/tokens.txt"), lines(dir .. "/offers.txt")
  else
    admin, accounts = lines(dir .. "/admin.token")[1], lines(dir .. "/accounts.txt")
  end
end

function request()
  counter = counter + 1
  local key = run .. "-" .. id .. "-" .. counter
  if op == "redeem" then
    local offer = offers[math.random(#offers)]
    return wrk.format("POST", "/api/v1/offers/" .. offer .. "/redemptions", {
      ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
      ["Idempotency-Key"] = key,
    })
  end
  local body = '{"account_id":"' .. accounts[math.random(#accounts)] .. '","amount":1,"reason":"bench"}'
  return wrk.format("POST", "/api/v1/points/adjustments", {
    ["Authorization"] = "Bearer " .. admin,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key,
  }, body)
end

-- Any answer but 201 is counted and the first few printed: a benchmark of refusals is no benchmark.
local shown = 0
function response(status, headers, body)
  if status ~= 201 and shown < 3 then
    shown = shown + 1
    io.stderr:write("unexpected " .. status .. ": " .. body .. "\n")
  end
end
