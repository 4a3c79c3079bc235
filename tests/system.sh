#!/usr/bin/env bash
# The system tests that run outside `cargo test`, on the release binary, each part on its own:
#   tests/parquet_readers.sh  pandas, polars and DuckDB read the Parquet rows (CSV values)
#   tests/slurm.sh            the Slurm recipe on a real single-node cluster, merged = one run
#   tests/scale.sh            10^7 replications under 1 GiB of memory
#   tests/disk.sh             a small disk: refused at once, or nothing left behind when it fills
# A part whose tools are missing prints `SKIPPED: ...` with the command that installs them and
# exits 77; a failing part does not stop the others. Prints one line per part, then
# `system: N passed, N failed, N skipped`; exits 1 when a part failed.
# `tests/all.sh` runs this after `cargo test`, installing what the parts need when it can.
set -uo pipefail
cd "$(dirname "$0")/.."
target=$(cargo metadata --no-deps --format-version 1 2>/dev/null |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="${target:-target}/release/leaksim"
cargo build --release --quiet || { echo "system: the release build failed"; echo "system: 0 passed, 1 failed, 0 skipped"; exit 1; }
parts=(parquet_readers slurm scale disk)
passed=0 failed=0 skipped=0
log=$(mktemp /tmp/leaksim-system.XXXXXX)
trap 'rm -f "$log"' EXIT
summary=()
for part in "${parts[@]}"; do
  bash "tests/$part.sh" "$bin" >"$log" 2>&1
  rc=$?
  cat "$log"
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1)); summary+=("  $part: passed")
  elif [ "$rc" -eq 77 ]; then
    skipped=$((skipped + 1)); summary+=("  $part: skipped")
  else
    failed=$((failed + 1)); summary+=("  $part: FAILED (exit $rc)")
  fi
done
printf '%s\n' "${summary[@]}"
echo "system: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
