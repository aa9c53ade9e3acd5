#!/usr/bin/env bash
# Run every benchmark against one throwaway data folder filled once with the large data set;
# print the figures and keep the raw output in bench/results/<time>/ (git-ignored).
# Usage: bash bench/run_all.sh [script.py ...]   (default: all of them, in the order below)
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
DEPLOYMENTS=${BENCH_DEPLOYMENTS:-1000}
ASSESSMENTS=${BENCH_ASSESSMENTS:-10000}
EVENTS=${BENCH_EVENTS:-1000000}
export BENCH_DEPLOYMENTS=$DEPLOYMENTS BENCH_ASSESSMENTS=$ASSESSMENTS BENCH_EVENTS=$EVENTS
SCRIPTS=("$@")
if [ ${#SCRIPTS[@]} -eq 0 ]; then
  SCRIPTS=(verify_audit.py lists.py category_page.py category_save.py report_pdf.py
           frozen_pdf.py pdf_memory.py overview_rps.py overview_during_pdf.py followup.py
           my_work.py requests.py read_pages.py)
fi

RESULTS="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/safeguards-bench-XXXXXX")
trap 'rm -rf "$DATA_DIR"' EXIT
export SAFEGUARDS_DATA_DIR="$DATA_DIR" DJANGO_SETTINGS_MODULE=bench.settings PYTHONPATH="$PWD"
START=$SECONDS

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "python: $($PY -c 'import platform; print(platform.python_version())'), sqlite: $($PY -c 'import sqlite3; print(sqlite3.sqlite_version)')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULTS/machine.txt"

echo "== preparing $DATA_DIR: migrate, then $DEPLOYMENTS deployments, $ASSESSMENTS assessments, $EVENTS events"
$PY manage.py migrate --noinput -v0 || exit 1
GEN_START=$SECONDS
$PY manage.py generate_load_data --office load-test --deployments "$DEPLOYMENTS" \
  --assessments "$ASSESSMENTS" --events "$EVENTS" 2>&1 | tee "$RESULTS/generate_load_data.txt" || exit 1
echo "generate_load_data: $((SECONDS - GEN_START)) s wall clock" | tee -a "$RESULTS/generate_load_data.txt"
# The million events went in as one transaction: fold the write-ahead log into the database now,
# or the first benchmark that writes (every request saves its session) pays for the checkpoint.
$PY -c "import django; django.setup(); from django.db import connection
if connection.vendor == 'sqlite': connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')" || exit 1

MISSED=()
FAILED=()
for script in "${SCRIPTS[@]}"; do
  name=${script%.py}
  echo
  $PY "bench/$script" 2>&1 | tee "$RESULTS/$name.txt"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 3 ]; then MISSED+=("$name"); elif [ "$status" -ne 0 ]; then FAILED+=("$name"); fi
done

echo
echo "== all benchmarks: $((SECONDS - START)) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw output: $RESULTS/"
if [ ${#MISSED[@]} -gt 0 ]; then
  echo "targets missed in: ${MISSED[*]}"
  grep -h "MISSED" "$RESULTS"/*.txt | sed 's/^ */  /'
fi
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "FAILED to run: ${FAILED[*]} (see their output above)"
  exit 1
fi
exit 0
