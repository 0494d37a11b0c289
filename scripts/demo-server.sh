# Sourced by the contract scripts: builds and starts `canglong serve --demo` (on SQLite in $work,
# or on DEMO_DATABASE_URL), with the fake WeChat (mini-program-mock) as its WeChat, and sets
# $base. The caller's EXIT trap stops both (kill $(jobs -p)).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
cargo build -q --bin canglong --bin mini-program-mock
wechat_port=$(free_port)
target/debug/mini-program-mock fake-wechat --bind "127.0.0.1:$wechat_port" >"$work/wechat.log" 2>&1 &
port=$(free_port)
base="http://127.0.0.1:$port"
CANGLONG_ENV=dev CANGLONG_JWT_SECRET=contract-secret-contract-secret-contract \
CANGLONG_BIND="127.0.0.1:$port" CANGLONG_DATABASE_URL="${DEMO_DATABASE_URL:-sqlite://$work/demo.db}" \
CANGLONG_WECHAT_API_BASE="http://127.0.0.1:$wechat_port" CANGLONG_WECHAT_APPID=wx-demo \
CANGLONG_WECHAT_SECRET=wx-demo CANGLONG_AUTH_RATE_LIMIT=1000000 CANGLONG_ACCOUNT_RATE_LIMIT=1000000 CANGLONG_LOG=warn \
  target/debug/canglong serve --demo >"$work/server.log" 2>&1 &
for _ in $(seq 100); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.2; done
curl -fs "$base/readyz" >/dev/null || { cat "$work/server.log"; exit 1; }
