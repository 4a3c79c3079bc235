#!/usr/bin/env bash
# The system tests that run outside `cargo test`, on the release binary:
#   tests/parquet_readers.sh  pandas, polars and DuckDB read the Parquet rows (CSV values)
#   tests/slurm.sh            the Slurm recipe on a real single-node cluster, merged = one run
#   tests/scale.sh            10^7 replications under 1 GiB of memory
#   tests/disk.sh             a small disk: refused at once, or nothing left behind when it fills
# They need python3 with pandas and pyarrow, Debian's slurm-wlm, munge and time, and root;
# `.ci/run` installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/leaksim
bash tests/parquet_readers.sh "$bin"
bash tests/slurm.sh "$bin"
bash tests/scale.sh "$bin"
bash tests/disk.sh "$bin"
