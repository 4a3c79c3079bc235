#!/usr/bin/env bash
# 10^7 replications of scenarios/divestiture.toml, charts and report included, must peak under
# 1 GiB of resident memory: rows go to disk as they are produced and the analyses hold one column
# at a time. Prints the time and peak memory (GNU time). Usage: tests/scale.sh [BINARY] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/leaksim}")
reps=${2:-10000000}
limit_kib=$((1024 * 1024))
[ -x /usr/bin/time ] || { echo "SKIPPED: scale: /usr/bin/time (GNU time) not found; install it with \`apt-get install time\`"; exit 77; }
work=$(mktemp -d /tmp/leaksim-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -f '%e %M' -o "$work/time" \
  "$bin" run scenarios/divestiture.toml --reps "$reps" --quiet --out "$work/out" >/dev/null
read -r secs peak <"$work/time"
rows=$(($(wc -l <"$work/out/divestiture/replications.csv") - 1))
[ "$rows" -eq "$reps" ] || { echo "scale test: $rows rows, not $reps" >&2; exit 1; }
[ -f "$work/out/divestiture/report.html" ] || { echo "scale test: no report" >&2; exit 1; }
echo "scale test: $reps replications in $secs s, peak memory $((peak / 1024)) MiB (limit $((limit_kib / 1024)) MiB)"
[ "$peak" -lt "$limit_kib" ] || { echo "scale test: over the memory limit" >&2; exit 1; }
