#!/bin/bash
# Submits a sharded leaksim run: an array of SHARDS tasks, then the merge job once every task
# has succeeded. Usage: SHARDS=100 SCENARIO=... REPS=... SEED=... ./submit.sh
# (the other settings of leaksim-array.sbatch and leaksim-merge.sbatch apply).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SHARDS=${SHARDS:-100}
array=$(sbatch --parsable --array="0-$((SHARDS - 1))" "$here/leaksim-array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" "$here/leaksim-merge.sbatch")
echo "array job $array ($SHARDS shards), merge job ${merge%%;*}"
