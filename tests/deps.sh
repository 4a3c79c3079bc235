#!/usr/bin/env bash
# What the tests need beyond a Rust toolchain, and its installation where this user may install.
#   tests/deps.sh check     prints one line per missing tool: what is missing and the command that installs it
#   tests/deps.sh install   installs what is missing (Debian packages with apt-get as root, Python
#                           packages with pip), then prints what is still missing
# The tests run without any of them: each part that needs a missing tool says so and is skipped.
# LEAKSIM_TEST_INSTALL=0 turns installing off.
set -uo pipefail

# Debian packages: a command that shows the package is there, and the package.
apt_needs=(
  "chromium:chromium"            # the report rendered in a headless browser (tests/charts.rs)
  "prlimit:util-linux"           # absurd inputs under a memory limit (tests/stress.rs)
  "timeout:coreutils"            # ... and a wall-clock guard
  "slurmctld:slurm-wlm"          # the Slurm recipe on a real cluster (tests/slurm.sh)
  "munged:munge"
  "/usr/bin/time:time"           # peak memory of 10^7 replications (tests/scale.sh)
  "python3:python3"              # Parquet readers and reference implementations
)
# Python packages (import name:pip name).
pip_needs=(numpy:numpy pandas:pandas pyarrow:pyarrow polars:polars duckdb:duckdb)

have_cmd() { if [[ $1 == /* ]]; then [ -x "$1" ]; else command -v "$1" >/dev/null 2>&1; fi; }
have_py() { python3 -c "import $1" >/dev/null 2>&1; }

missing_apt() {
  local e
  for e in "${apt_needs[@]}"; do have_cmd "${e%%:*}" || echo "${e#*:}"; done
  if have_cmd python3 && ! python3 -m pip --version >/dev/null 2>&1; then echo python3-pip; fi
}
missing_pip() {
  local e
  have_cmd python3 || return 0
  for e in "${pip_needs[@]}"; do have_py "${e%%:*}" || echo "${e#*:}"; done
}

report() {
  local p
  for p in $(missing_apt); do echo "missing: Debian package $p (install: apt-get install $p)"; done
  for p in $(missing_pip); do echo "missing: Python package $p (install: python3 -m pip install $p)"; done
}

install() {
  local apt pip
  mapfile -t apt < <(missing_apt)
  if [ "${#apt[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q >/dev/null && apt-get install -y -q "${apt[@]}" >/dev/null ||
        echo "deps: apt-get could not install ${apt[*]}" >&2
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${apt[@]}" >/dev/null ||
        echo "deps: apt-get could not install ${apt[*]}" >&2
    else
      echo "deps: not root: not installing Debian packages ${apt[*]}" >&2
    fi
  fi
  mapfile -t pip < <(missing_pip)
  if [ "${#pip[@]}" -gt 0 ] && python3 -m pip --version >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] || [ -n "${VIRTUAL_ENV:-}" ]; then
      python3 -m pip install --quiet --disable-pip-version-check "${pip[@]}" 2>/dev/null ||
        python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${pip[@]}" ||
        echo "deps: pip could not install ${pip[*]}" >&2
    else
      echo "deps: not root: not installing Python packages ${pip[*]}" >&2
    fi
  fi
}

case "${1:-check}" in
  check) report ;;
  install)
    if [ "${LEAKSIM_TEST_INSTALL:-1}" != 0 ]; then install; fi
    report
    ;;
  *) echo "usage: tests/deps.sh check|install" >&2; exit 2 ;;
esac
