#!/usr/bin/env bash
# The read path's throughput against /healthz, in one run per binary: GET /projects/{p}/results
# and GET /projects/{p}/progress?period=... as the demo coordinator, with wrk (2 threads, 32
# connections), on SQLite and (with RBM_TEST_POSTGRES_URL) PostgreSQL, over a fresh demo database.
# Usage: benches/read_path.sh target/release/rbm [older/release/rbm ...]   (DURATION=10s)
set -euo pipefail
duration=${DURATION:-10s}
pg=${RBM_TEST_POSTGRES_URL:-}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
measure() { # binary database-url label
  local rbm=$1 url=$2 label=$3 p dir
  p=$(port); dir=$(mktemp -d)
  local demo=(); if "$rbm" --help 2>/dev/null | grep -q -- '--demo'; then demo=(--demo); fi
  (cd "$dir" && exec "$rbm" --database "$url" "${demo[@]}" serve --bind "127.0.0.1:$p" >"$dir/log" 2>&1) &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  local token
  token=$(curl -sf -X POST "http://127.0.0.1:$p/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"coordinator@rbm.example","password":"demo-coordinator-2025"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  for path in /healthz /api/v1/projects/KAZ-HUB/results "/api/v1/projects/KAZ-HUB/progress?period=2013"; do
    local out
    out=$(wrk -t2 -c32 -d"$duration" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$p$path")
    printf '%-10s %-48s %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$label" "$path" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
      "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk '/Non-2xx/ {print $NF}' <<<"$out" | grep . || echo 0)"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
for rbm in "$@"; do
  name=$("$rbm" --version 2>/dev/null | awk '{print $2}' || echo "?")
  measure "$rbm" "$(mktemp -d)/rbm.db" "$name/sqlite"
  if [ -n "$pg" ]; then
    db="rbm_bench_$$"
    psql "$pg" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db" >/dev/null
    measure "$rbm" "${pg%/*}/$db" "$name/pg"
    psql "$pg" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
  fi
done
