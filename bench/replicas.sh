#!/usr/bin/env bash
# Throughput with 1 and 2 replicas on one PostgreSQL database (issue 14; README "Running more than
# one replica"): RUNS runs, the runbook's canary and the reference week alternating, posted at once
# to POST /api/v1/runs round-robin over the replicas (MAX_CONCURRENT_RUNS=1 each); the clock stops
# when the last one is COMPLETED. Writes its section at the end of bench/RESULTS.md (after the
# marker so-bench keeps).
#
#   bench/replicas.sh [BUILD_DIR=build] [RUNS=40]
#
# Needs curl, the PostgreSQL server (scripts/pg-test-cluster.sh) and ../shared/data/reference.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
runs="${2:-40}"
bin="$build/shift-optimizer"
reference="$root/../shared/data/reference/forecast_input.csv"
[ -x "$bin" ] || { echo "build the binary first: $bin" >&2; exit 2; }
[ -f "$reference" ] || { echo "SKIP: $reference not found" >&2; exit 77; }

work="$(mktemp -d)"
chmod 755 "$work"  # the cluster runs as the postgres user
cluster="$work/pg"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  "$root/scripts/pg-test-cluster.sh" stop "$cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$root/scripts/pg-test-cluster.sh" start "$cluster" >/dev/null
admin_url="$(cat "$cluster/url")"
canary='{"tours":[{"id":"T1","day":"Mon","start_time":"06:00","end_time":"10:30"}],"seed":42,"time_limit_seconds":30}'

# One measurement: $1 replicas on a fresh database; prints "wall_s per-replica-counts".
measure() {
  local n="$1" db="bench_$1_$RANDOM" ports=() i
  psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
  local url="${admin_url%/*}/$db"
  pids=()
  for i in $(seq 1 "$n"); do
    local port=$((18400 + 10 * n + i))
    DATABASE_URL="$url" REPLICA_ID="R$i" MAX_CONCURRENT_RUNS=1 MAX_QUEUED_RUNS=1000 LOG_LEVEL=info \
      "$bin" serve --host 127.0.0.1 --port "$port" >"$work/replica-$n-$i.log" 2>&1 &
    pids+=($!)
    ports+=("$port")
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/api/v1/readyz" >/dev/null && break; sleep 0.1; done
  done
  local t0 t1 k=0
  t0=$(date +%s.%N)
  for i in $(seq 1 "$runs"); do
    local port="${ports[$((k % n))]}"
    k=$((k + 1))
    if [ $((i % 2)) -eq 1 ]; then
      curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/runs" -H 'Content-Type: application/json' -d "$canary"
    else
      curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/runs" -H 'Content-Type: text/csv' --data-binary "@$reference"
    fi
  done
  while :; do
    local done_count
    done_count=$(psql "$url" -tAc "SELECT COUNT(*) FROM runs WHERE status IN ('COMPLETED','FAILED','CANCELLED')")
    [ "$done_count" -ge "$runs" ] && break
    sleep 0.05
  done
  t1=$(date +%s.%N)
  local failed per=""
  failed=$(psql "$url" -tAc "SELECT COUNT(*) FROM runs WHERE status <> 'COMPLETED'")
  for i in $(seq 1 "$n"); do per="$per R$i=$(grep -c 'run started' "$work/replica-$n-$i.log" || true)"; done
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $failed$per"
}

results=()
for n in 1 2; do
  read -r wall failed per <<<"$(measure "$n")"
  rpm=$(awk -v r="$runs" -v w="$wall" 'BEGIN { printf "%.1f", r * 60 / w }')
  printf '%s replica(s): %d runs in %.1f s = %.0f runs/min (not completed: %s; started per replica:%s)\n' \
    "$n" "$runs" "$wall" "$rpm" "$failed" "$per"
  results+=("| $n | $runs | $(printf '%.1f' "$wall") | $(printf '%.0f' "$rpm") | $failed |$per |")
done

out="$root/bench/RESULTS.md"
marker='<!-- sections below: other benchmark scripts (so-bench keeps them) -->'
section="$marker

## Replicas on one PostgreSQL store (bench/replicas.sh)

Command: \`bench/replicas.sh build $runs\`  
Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)  
Build: $(git -C "$root" rev-parse --short=12 HEAD)

$runs runs (the runbook's canary and the reference week, alternating) posted at once through
\`POST /api/v1/runs\`, round-robin over the replicas, each with \`MAX_CONCURRENT_RUNS=1\`, one
PostgreSQL 15 database (a local throwaway cluster, fsync off); the clock stops when the last run is
COMPLETED in the store. The database, the replicas and this script share the machine's cores, so a
second replica on the same 2-core machine cannot double the throughput; on separate nodes it adds a
whole replica's worth.

| replicas | runs | wall s | runs/min | not completed | runs started per replica |
|---:|---:|---:|---:|---:|---|
$(printf '%s\n' "${results[@]}")
"
if grep -qF "$marker" "$out"; then
  head -n "$(($(grep -nF "$marker" "$out" | head -n 1 | cut -d: -f1) - 1))" "$out" >"$work/results.md"
else
  cp "$out" "$work/results.md"
  echo >>"$work/results.md"
fi
printf '%s' "$section" >>"$work/results.md"
cp "$work/results.md" "$out"
echo "written to $out"
