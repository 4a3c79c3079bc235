#!/bin/sh
# `leaksim explore` against reference implementations on the same data: SALib's Sobol indices
# and the EMA Workbench's PRIM (see tests/explore_reference.py for what is compared and the
# tolerances). Installs nothing: when a Python package is missing it says which and exits 77
# (skipped). Usage: tests/explore_reference.sh [BINARY]
set -eu
cd "$(dirname "$0")/.."
missing=""
python3 -c "import SALib.analyze.sobol" 2>/dev/null || missing="$missing SALib"
python3 -c "import ema_workbench.analysis.prim" 2>/dev/null || missing="$missing ema_workbench"
python3 -c "import pandas, numpy" 2>/dev/null || missing="$missing pandas"
if [ -n "$missing" ]; then
  echo "SKIPPED: explore reference: Python's$missing not found; install it with \`python3 -m pip install SALib ema_workbench\`"
  exit 77
fi
bin=$(realpath "${1:-target/release/leaksim}")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/abroad.toml" <<'TOML'
[scenario]
name = "abroad"
horizon_days = 365
[question]
classes = ["protected"]
recipients = ["CN"]
[[data_class]]
name = "protected"
records = 1000
weight = { dist = "uniform", min = 1, max = 2 }
[[jurisdiction]]
name = "US"
[[jurisdiction]]
name = "CN"
compelled_demands_per_year = { dist = "uniform", min = 0.2, max = 3 }
[[company]]
name = "bytedance"
subject_to = ["CN"]
[[store]]
name = "virginia"
jurisdiction = "US"
classes = ["protected"]
operator = "bytedance"
delete_on_day = { dist = "uniform", min = 30, max = 365 }
TOML
SOURCE_DATE_EPOCH=1700000000 "$bin" explore "$dir/abroad.toml" --design sobol \
  --draws 128 --reps 200 --seed 5 --discover "reached>0.5" --no-charts -q --out "$dir/out" > /dev/null
python3 -W ignore tests/explore_reference.py "$dir/out/explore" abroad 0.5
