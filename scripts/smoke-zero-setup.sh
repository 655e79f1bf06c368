#!/usr/bin/env bash
# Starts the built service with no DATABASE_URL (so on an embedded PostgreSQL), creates and reads
# a todo over HTTP, stops it with SIGTERM and checks that it exited 0 and stopped its database.
# It starts through `npm run start:prod`, as the README does, and signals npm, as a process
# manager would: npm must pass the signal on, not leave the service running without it.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d "${TMPDIR:-/tmp}/todo-smoke-XXXXXX")
chmod 755 "$data_dir"
port=${SMOKE_PORT:-3917}
log="$data_dir/service.log"
trap 'pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; rm -rf "$data_dir"' EXIT

unset DATABASE_URL
DATA_DIR="$data_dir" PORT="$port" npm run --silent start:prod >"$log" 2>&1 &
pid=$!

for _ in $(seq 1 120); do
  grep -q 'Listening on' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "smoke: the service died during start-up"; exit 1; }
  sleep 0.5
done
grep -q 'embedded PostgreSQL' "$log" || { cat "$log"; echo "smoke: the log does not name the embedded database"; exit 1; }

created=$(curl -sf -X POST "http://127.0.0.1:$port/todos" -H 'Content-Type: application/json' -d '{"title":"smoke test"}')
id=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).id)' "$created")
read=$(curl -sf "http://127.0.0.1:$port/todos/$id")
node -e '
const todo = JSON.parse(process.argv[1]);
if (todo.title !== "smoke test" || todo.version !== 1) { console.error("smoke: unexpected todo", todo); process.exit(1); }
' "$read"
echo "smoke: created and read todo $id"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
if [ "$status" -ne 0 ]; then cat "$log"; echo "smoke: exit status $status after SIGTERM"; exit 1; fi
if [ -f "$data_dir/postgres/postmaster.pid" ]; then
  cat "$log"; echo "smoke: the embedded PostgreSQL is still running"; exit 1
fi
if curl -s -o /dev/null "http://127.0.0.1:$port/health/live"; then
  cat "$log"; echo "smoke: the service still answers after npm exited"; exit 1
fi
echo "smoke: stopped cleanly (exit 0, embedded PostgreSQL stopped)"
