#!/usr/bin/env bash
# Instructions the server executes per request (valgrind's callgrind counts them; the count does
# not depend on what else the machine is doing), for /healthz and the read path as the demo
# coordinator, N requests each over one keep-alive connection, SQLite, a fresh demo database.
# Usage: benches/instructions_per_request.sh target/release/rbm [other/rbm ...]   (N=200)
set -euo pipefail
n=${N:-200}
for rbm in "$@"; do
  p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  dir=$(mktemp -d)
  (cd "$dir" && exec valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$dir/cg.%p" \
     "$rbm" --database "$dir/rbm.db" --demo serve --bind "127.0.0.1:$p" --workers 1 >"$dir/log" 2>&1) &
  pid=$!
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  token=$(curl -sf -X POST "http://127.0.0.1:$p/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"coordinator@rbm.example","password":"demo-coordinator-2025"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  for path in /healthz /api/v1/projects/KAZ-HUB/results "/api/v1/projects/KAZ-HUB/progress?period=2013"; do
    url="http://127.0.0.1:$p$path"
    curl -sf -H "Authorization: Bearer $token" "$url" "$url" >/dev/null   # warm-up: caches, prepared statements
    # callgrind takes a command when the server's threads next run: a second's pause each.
    callgrind_control -i on "$pid" >/dev/null; sleep 1; callgrind_control -z "$pid" >/dev/null; sleep 1
    python3 - "$url" "$token" "$n" <<'PY'
import http.client, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1]); c = http.client.HTTPConnection(u.hostname, u.port)
for _ in range(int(sys.argv[3])):
    c.request("GET", u.path + ("?" + u.query if u.query else ""), headers={"Authorization": "Bearer " + sys.argv[2]})
    r = c.getresponse(); r.read(); assert r.status == 200, r.status
PY
    sleep 1; callgrind_control -d "$pid" >/dev/null; sleep 1; callgrind_control -i off "$pid" >/dev/null
    total=$(awk '/^(totals|summary):/ {print $2; exit}' "$(ls -t "$dir"/cg.* | head -1)")
    printf '%-24s %-48s %10d instructions/request\n' "$(basename "$rbm")" "$path" "$((total / n))"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
done
