#!/usr/bin/env bash
# Regenerates every image in docs/img/ from the shipped scenarios with the commands the README
# names beside them, printing each command. Usage: examples/regenerate-docs-img.sh [OUT]
# (OUT: a scratch folder, default a temporary one). Takes a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-$(mktemp -d)}
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/leaksim
run() {
    echo "+ leaksim $*"
    "$BIN" "$@" --quiet --out "$OUT"
}
run compare scenarios/*.toml --baseline status-quo-2021 --reps 3000
run sweep scenarios/project_texas_2022.toml --vary perimeter.oracle.gatekeeper.team_size=25..150:25 \
    --reps 2000 --seed 20220617
run tornado scenarios/project_texas_2022.toml --reps 2000 --seed 20220617
mkdir -p docs/img
for f in reach compare exceedance; do cp "$OUT/compare/$f.png" docs/img/; done
for f in paths timeline; do cp "$OUT/compare/project-texas-2022/$f.png" docs/img/; done
cp "$OUT/project-texas-2022-sweep-perimeter.oracle.gatekeeper.team_size/sweep.png" docs/img/sweep.png
cp "$OUT/project-texas-2022-tornado/tornado.png" docs/img/tornado.png
echo "docs/img regenerated from $OUT"
