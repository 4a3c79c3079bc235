#!/usr/bin/env bash
# Reproduces every figure README.md and scenarios/README.md quote about the shipped deals.
# Usage: examples/story-figures.sh [OUT_DIR]   (from the repository root; a few minutes on 2 cores)
# Staff access and private leaks come from reach.csv and, like control cost, cover each file's
# horizon (two years for the Project Texas files); P(->CN) and records are each file's first year.
# Each section prints its figures; the READMEs name the section ("story-figures.sh, section N").
# Seeds and replication counts are explicit: the same build prints the same figures.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-output/story}
BIN=target/release/leaksim
SEED=20220617
[ -x "$BIN" ] || cargo build --release
mkdir -p "$OUT"
S=$(pwd)/scenarios
# value of METRIC in a summary.csv, reach.csv row or compare.csv row
col() { awk -F, -v k="$2" -v c="$3" '$1 == k { print $c; exit }' "$1"; }
# a probability as a percentage with two decimals
pct() { awk -v x="$1" 'BEGIN { printf "%.2f%%", 100 * x }'; }

echo "== section 1: the shipped deals (compare, 4000 replications)"
"$BIN" compare scenarios/*.toml --baseline status-quo-2021 --reps 4000 --seed $SEED \
    --no-charts -q --out "$OUT" --name deals
printf '%-24s %9s %22s %12s %14s %11s %13s %13s\n' deal "P(->CN)" "95% CI" records \
    "staff access" "private P" "private recs" "control cost"
for d in status-quo-2021 trusted-partner-2020 project-texas-2022 project-texas-audited divestiture; do
    f="$OUT/deals/$d"
    printf '%-24s %9s %22s %12.0f %14.0f %11s %13.0f %13.0f\n' "$d" \
        "$(pct "$(col "$f/summary.csv" reached 2)")" \
        "[$(pct "$(col "$f/summary.csv" reached 4)"), $(pct "$(col "$f/summary.csv" reached 5)")]" \
        "$(col "$f/summary.csv" reached_records 2)" \
        "$(awk -F, '$1 == "access:CN" && $2 == "protected" { print $6 }' "$f/reach.csv")" \
        "$(pct "$(awk -F, '$1 == "private" && $2 == "protected" { print $3 }' "$f/reach.csv")")" \
        "$(awk -F, '$1 == "private" && $2 == "protected" { print $6 }' "$f/reach.csv")" \
        "$(col "$f/summary.csv" control_cost 2)"
done
for d in project-texas-2022 project-texas-audited; do
    m="$OUT/deals/$d/summary.csv"
    echo "$d once migrated (second year): reached.once_migrated $(pct "$(col "$m" reached.once_migrated 2)")" \
        "[$(pct "$(col "$m" reached.once_migrated 4)"), $(pct "$(col "$m" reached.once_migrated 5)")]"
done

echo "== section 2: the route tables (closed form, no simulation)"
"$BIN" validate scenarios/project_texas_2022.toml | grep -E "channel|review|note:"
"$BIN" validate scenarios/project_texas_audited.toml | grep -E "channel |review  .*oracle|expected events"

echo "== section 3: Oracle's gatekeeper once migrated (deletion day 0, paired, 4000 replications)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '[scenario]\nextends = "%s/project_texas_2022.toml"\nname = "texas-no-team"\n[perimeter.oracle.gatekeeper]\nremove = true\n' "$S" >"$T/no_team.toml"
"$BIN" compare scenarios/project_texas_2022.toml "$T/no_team.toml" --baseline project-texas-2022 \
    --set inputs.legacy_deletion_day=0 --reps 4000 --seed $SEED --no-charts -q \
    --out "$OUT" --name gatekeeper | grep -E "^(scenario|[a-z])|reached |legit_blocked|compelled"

echo "== section 4: what the audited deal's gain comes from (paired, each control off, 4000 replications)"
for c in audit:detect_probability code_review:catch_probability third_party_audit:detect_probability; do
    t=${c%%:*}
    printf '[scenario]\nextends = "%s/project_texas_audited.toml"\nname = "audited-without-%s"\n[perimeter.oracle.%s]\n%s = 0\n' \
        "$S" "${t//_/-}" "$t" "${c#*:}" >"$T/no_$t.toml"
done
"$BIN" compare scenarios/project_texas_audited.toml scenarios/project_texas_2022.toml "$T"/no_*audit*.toml \
    "$T/no_code_review.toml" --baseline project-texas-audited --reps 4000 --seed $SEED --no-charts -q \
    --out "$OUT" --name audited | grep -E "^(scenario|[a-z])|reached |records_leaked"
for d in project-texas-audited project-texas-2022 audited-without-audit audited-without-code-review audited-without-third-party-audit; do
    echo "$d: once migrated $(col "$OUT/audited/$d/summary.csv" reached.once_migrated 2)," \
        "private P(protected) $(awk -F, '$1 == "private" && $2 == "protected" { print $3 }' "$OUT/audited/$d/reach.csv")," \
        "detected $(col "$OUT/audited/$d/summary.csv" detected 2)," \
        "stopped_code_review $(col "$OUT/audited/$d/summary.csv" stopped_code_review 2)"
done

echo "== section 5: the legacy deletion day (sweep, 2000 replications)"
"$BIN" sweep scenarios/project_texas_2022.toml --vary inputs.legacy_deletion_day=0,30,60,120,240,365 \
    --reps 2000 --seed $SEED --no-charts -q --out "$OUT" --name deletion-day | grep -vE "^ *$"

echo "== section 6: the tornado of Project Texas (README example, 2000 replications)"
"$BIN" tornado scenarios/project_texas_2022.toml --reps 2000 --seed $SEED --no-charts -q --out "$OUT"

echo "== section 7: Oracle's team size (README sweep example, 2000 replications)"
"$BIN" sweep scenarios/project_texas_2022.toml --vary perimeter.oracle.gatekeeper.team_size=25..150:25 \
    --reps 2000 --seed $SEED --no-charts -q --out "$OUT" --name team-size
