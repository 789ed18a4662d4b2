#!/usr/bin/env bash
# ctest driver of the browser test: starts `belofte serve` on a free loopback port over a fresh
# SQLite file with an admin token, then runs status_page.test.mjs against it (which creates a
# product and an order that waits through the API, and drives headless Chromium over its page).
# Usage: run_status_page.sh BELOFTE_BINARY. Exit 77 (skipped) when playwright-core is not
# installed (scripts/install-deps.sh does that) or there is no chromium. Loopback only; every
# wait is bounded.
set -euo pipefail

binary="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "skipped: tests/browser/node_modules/playwright-core is missing (run scripts/install-deps.sh)" >&2
  exit 77
fi
if [ ! -x "${BELOFTE_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "skipped: no chromium at ${BELOFTE_CHROMIUM:-/usr/bin/chromium}" >&2
  exit 77
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/belofte-browser-XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

token="blft_browser-test-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
# A free port: bind 0, read it, release it (as tests/support/test_server.h does).
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')"
url="http://127.0.0.1:$port"

BELOFTE_ADMIN_TOKEN="$token" "$binary" serve --db "$work/shop.db" --listen "127.0.0.1:$port" \
  --public-url "$url" >"$work/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 100); do  # up to 10 s
  if node -e "fetch('$url/healthz',{signal:AbortSignal.timeout(1000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    ready=1
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "the server did not come up on $url" >&2
  cat "$work/server.log" >&2
  exit 1
fi

status=0
timeout 180 node "$here/status_page.test.mjs" --api "$url" --token "$token" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit "$status"
