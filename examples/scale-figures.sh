#!/usr/bin/env bash
# Measures the figures of README.md's "Large runs" table: time and peak memory of one run of
# 10^6 and of 10^7 replications of scenarios/divestiture.toml (charts and report included), and of
# the same 10^7 as 4 shards run one after the other on this machine, then merged.
# Usage: examples/scale-figures.sh [BINARY]   (needs GNU time and bc: apt-get install time bc)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/leaksim}")
work=$(mktemp -d "${TMPDIR:-/tmp}/leaksim-figures.XXXXXX")
trap 'rm -rf "$work"' EXIT
scenario=scenarios/divestiture.toml
# The date in provenance.toml and report.html, fixed so that the merged folder can equal the run's.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
measure() { # label, command...: prints "label | seconds | peak MiB"
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
  read -r secs kib <"$work/time"
  printf '| %s | %s s | %s MiB |\n' "$label" "$secs" "$((kib / 1024))"
  echo "$secs" >"$work/last"
}
echo "| $(nproc) cores | time | peak memory |"
echo "| --- | --- | --- |"
measure "run, 10^6 replications" "$bin" run "$scenario" --reps 1000000 --quiet --out "$work/one6"
measure "run, 10^7 replications" "$bin" run "$scenario" --reps 10000000 --quiet --out "$work/one7"
one=$(cat "$work/last")
total=0
for k in 0 1 2 3; do
  measure "shard $k/4 of 10^7" "$bin" run "$scenario" --reps 10000000 --shard "$k/4" --quiet --out "$work/shards/task-$k"
  total=$(echo "$total + $(cat "$work/last")" | bc -l)
done
measure "merge of the 4 shards" "$bin" merge "$work"/shards/task-*/divestiture --quiet --out "$work/merged"
merge=$(cat "$work/last")
diff -r "$work/one7/divestiture" "$work/merged/divestiture" >/dev/null &&
  same="the merged folder equals the single run's" || same="THE MERGED FOLDER DIFFERS"
printf '\nshards %.1f s + merge %.1f s = %.1f s against %.1f s in one run (%.2fx); %s.\n' \
  "$total" "$merge" "$(echo "$total + $merge" | bc -l)" "$one" "$(echo "($total + $merge) / $one" | bc -l)" "$same"
