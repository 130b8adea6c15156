#!/usr/bin/env bash
# One command: install dependencies, build, solve the bundled demo week and print the summary
# (forecast mode, then driver mode onto examples/demo_drivers.csv), then start the service on port 8000 (Ctrl-C stops it; set DEMO_NO_SERVE=1 to skip it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
mkdir -p out
./build/shift-optimizer solve examples/demo_week.csv --seed 42 --time-limit 30 \
  --out out/demo_plan.json --roster out/demo_roster.csv --tours-csv out/demo_tours.csv --xlsx out/demo_roster.xlsx
echo "plan: out/demo_plan.json  roster: out/demo_roster.csv  tours: out/demo_tours.csv  workbook: out/demo_roster.xlsx"
# Driver mode: the same week onto the bundled pool of named drivers (examples/demo_drivers.csv).
./build/shift-optimizer solve examples/demo_week.csv --drivers examples/demo_drivers.csv --seed 42 --time-limit 30 \
  --out out/demo_plan_drivers.json --xlsx out/demo_roster_drivers.xlsx
echo "driver mode: out/demo_plan_drivers.json  workbook: out/demo_roster_drivers.xlsx"
if [ -z "${DEMO_NO_SERVE:-}" ]; then
  echo "starting the service on http://0.0.0.0:${PORT:-8000} (smoke checks: see README, Operations)"
  exec ./build/shift-optimizer serve --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}"
fi
