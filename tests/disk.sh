#!/usr/bin/env bash
# A small disk: on a 4 MiB tmpfs, a run whose rows cannot fit is refused at once (exit 2, nothing
# written); a run that fits the first estimate but fills the disk later fails with nothing left
# behind (no result folder, no spool, no staging folder); a traced run whose trace cannot fit is
# refused at once; the earlier result folder survives all three.
# Needs root (mount). Usage: tests/disk.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/leaksim}")
work=$(mktemp -d /tmp/leaksim-disk.XXXXXX)
cleanup() {
  umount "$work/small" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/small"
if ! mount -t tmpfs -o size=4m tmpfs "$work/small" 2>"$work/mount.err"; then
  echo "SKIPPED: disk: cannot mount a tmpfs here (needs root): $(head -c 200 "$work/mount.err")"
  exit 77
fi
fail() { echo "disk test: $*" >&2; exit 1; }
out="$work/small/out"
texas=scenarios/project_texas_2022.toml

# A run that fits, kept to check that the failures below leave it as it was.
"$bin" run "$texas" --reps 300 --no-charts --quiet --out "$out" >/dev/null
before=$(cd "$out" && find . -type f -exec sha256sum {} + | sort)

# Refused before it starts: the row spool alone is over 4 MiB.
set +e
"$bin" run "$texas" --reps 50000 --quiet --out "$out" 2>"$work/err" >/dev/null
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "a run too large for the disk exited $rc, not 2: $(cat "$work/err")"
grep -q "of disk under $out" "$work/err" || fail "no disk message: $(cat "$work/err")"

# Fits the lower bound, then fills the disk (paths, charts): an error and nothing left over.
set +e
"$bin" run "$texas" --reps 6000 --quiet --out "$out" 2>"$work/err" >/dev/null
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a run that fills the disk succeeded"
grep -q "No space left on device" "$work/err" || fail "unexpected error: $(cat "$work/err")"
after=$(cd "$out" && find . -type f -exec sha256sum {} + | sort)
[ "$before" = "$after" ] || fail "the earlier result folder changed"
leftovers=$(find "$out" -mindepth 1 -maxdepth 1 -name '.*')
[ -z "$leftovers" ] || fail "left behind: $leftovers"
# A traced run whose trace cannot fit (about a million events, 16 bytes each at least) is refused
# at once, though its rows would fit.
set +e
"$bin" run "$texas" --reps 2 --trace-replication 0 --no-charts --quiet --out "$out" \
  --set actor.tiktok-us-staff.requests_per_person_per_day=0.5 2>"$work/err" >/dev/null
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "a trace too large for the disk exited $rc, not 2: $(cat "$work/err")"
grep -q "of disk under $out" "$work/err" || fail "no disk message for the trace: $(cat "$work/err")"
after=$(cd "$out" && find . -type f -exec sha256sum {} + | sort)
[ "$before" = "$after" ] || fail "the earlier result folder changed after the refused trace"

echo "disk test: refused at once when too large (rows or trace); a full disk leaves nothing behind"
