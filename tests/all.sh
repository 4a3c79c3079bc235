#!/usr/bin/env bash
# The test command (README.md; `.ci/run` calls it): every test of leaksim.
#   1. installs what the tests need where this user may (root: apt-get and pip; see tests/deps.sh;
#      LEAKSIM_TEST_INSTALL=0 never installs);
#   2. `cargo test --release --no-fail-fast`: every test file runs even when one fails;
#   3. `tests/system.sh`: the tests outside cargo test, each part on its own;
#   4. prints what was skipped (what is missing, and the command that installs it), then
#      `tests: N passed, N failed, N skipped`. Exits 1 when anything failed; skips are not failures.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tests/deps.sh install >/dev/null
target=$(cargo metadata --no-deps --format-version 1 2>/dev/null |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
target=${target:-target}
mkdir -p "$target/tmp"
rm -f "$target/tmp/skipped.txt"
log=$(mktemp /tmp/leaksim-tests.XXXXXX)
trap 'rm -f "$log"' EXIT

cargo test --release --no-fail-fast 2>&1 | tee "$log"
cargo_rc=${PIPESTATUS[0]}
read -r c_passed c_failed < <(sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$log" |
  awk '{p += $1; f += $2} END {print p + 0, f + 0}')
# A test binary that did not build or crashed reports no result line: count it as a failure.
if [ "$cargo_rc" -ne 0 ] && [ "$c_failed" -eq 0 ]; then c_failed=1; fi

bash tests/system.sh 2>&1 | tee "$log"
read -r s_passed s_failed s_skipped < <(sed -n 's/^system: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$log")
s_passed=${s_passed:-0} s_failed=${s_failed:-1} s_skipped=${s_skipped:-0}

echo
echo "== what was skipped =="
skips=$( { cat "$target/tmp/skipped.txt" 2>/dev/null; grep -h '^SKIPPED:' "$log"; } | sort -u)
if [ -n "$skips" ]; then echo "$skips"; else echo "nothing"; fi
c_skipped=$(cat "$target/tmp/skipped.txt" 2>/dev/null | sort -u | grep -c . || true)
[ "$cargo_rc" -eq 0 ] || echo "cargo test failed (exit $cargo_rc): see the FAILED lines above"
[ "$s_failed" -eq 0 ] || echo "system tests failed: see the lines above"
echo "tests: $((c_passed - c_skipped + s_passed)) passed, $((c_failed + s_failed)) failed, $((c_skipped + s_skipped)) skipped"
[ "$cargo_rc" -eq 0 ] && [ "$s_failed" -eq 0 ]
