#!/usr/bin/env bash
# Variance reduction of the conditional Monte Carlo estimate on each shipped scenario:
# var(reached) / var(reached_cmc) per replication, for the headline and each named window.
# Usage: examples/rare-vrf.sh [REPS] (default 20000); needs a release build (cargo build --release).
set -euo pipefail
reps="${1:-20000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${CARGO_TARGET_DIR:-$root/target}/release/leaksim"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
printf '%-28s %-28s %10s %10s %8s\n' scenario probability plain cmc VRF
for f in "$root"/scenarios/*.toml; do
    "$bin" run "$f" --reps "$reps" --no-charts -q --out "$out" >/dev/null
    dir="$(ls -td "$out"/*/ | head -1)"
    awk -F, -v name="$(basename "$dir")" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        {
            for (c in col) if (c == "reached" || c ~ /^reached\./) {
                k = c; sub(/^reached/, "reached_cmc", k)
                a = $col[c]; b = $col[k]
                sa[c] += a; qa[c] += a * a; sb[c] += b; qb[c] += b * b
            }
            n++
        }
        END {
            for (c in sa) {
                va = (qa[c] - sa[c] * sa[c] / n) / (n - 1)
                vb = (qb[c] - sb[c] * sb[c] / n) / (n - 1)
                vrf = vb > 0 ? sprintf("%.1f", va / vb) : "-"
                printf "%-28s %-28s %9.3f%% %9.3f%% %8s\n", name, c, 100 * sa[c] / n, 100 * sb[c] / n, vrf
            }
        }' "$dir/replications.csv"
    rm -rf "$dir"
done
