#!/usr/bin/env bash
# Writes one run's rows as Parquet and as CSV, then has pandas (and polars and DuckDB, where
# installed) read the Parquet files and compare them with the CSV files (parquet_readers.py).
# Usage: tests/parquet_readers.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/leaksim}")
command -v python3 >/dev/null || { echo "SKIPPED: parquet readers: python3 not found; install it with \`apt-get install python3 python3-pip\`"; exit 77; }
for module in numpy pandas pyarrow; do
  python3 -c "import $module" 2>/dev/null ||
    { echo "SKIPPED: parquet readers: Python's $module not found; install it with \`python3 -m pip install numpy pandas pyarrow polars duckdb\`"; exit 77; }
done
work=$(mktemp -d /tmp/leaksim-parquet.XXXXXX)
trap 'rm -rf "$work"' EXIT
for format in parquet csv; do
  flag=()
  [ "$format" = parquet ] && flag=(--parquet)
  "$bin" run scenarios/status_quo_2021.toml --reps 3000 --seed 3 --quiet --no-charts \
    --out "$work/$format" "${flag[@]}" >/dev/null
done
python3 tests/parquet_readers.py "$work/parquet/status-quo-2021" "$work/csv/status-quo-2021"
