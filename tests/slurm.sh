#!/usr/bin/env bash
# The Slurm recipe of docs/cluster.md, run for real: brings up a single-node cluster on this
# machine (munged, slurmctld, slurmd on localhost, every key, socket, state and log in a private
# folder), submits examples/slurm/leaksim-array.sbatch as a 4-task array and
# examples/slurm/leaksim-merge.sbatch with --dependency=afterok on it, and checks that the merged
# folder holds the bytes of one `leaksim run`; then the same scripts as a 3-task sharded sweep
# (COMMAND=sweep), whose merge must hold the bytes of one `leaksim sweep`. The daemons are stopped by their PIDs and the
# folder removed whatever happens.
#
# Needs Debian's slurm-wlm and munge, and root (SlurmUser=root). Usage: tests/slurm.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
bin=$(realpath "${1:-target/release/leaksim}")
for tool in munged mungekey slurmctld slurmd sbatch scontrol sinfo; do
  command -v "$tool" >/dev/null ||
    { echo "SKIPPED: slurm: $tool not found; install it with \`apt-get install slurm-wlm munge\`"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIPPED: slurm: needs root (SlurmUser=root); run tests/slurm.sh as root"; exit 77; }

work=$(mktemp -d /tmp/leaksim-slurm.XXXXXX)
# munged refuses a socket folder that is not world-executable.
chmod 755 "$work"
mkdir -p "$work"/{munge,state,spool,jobs}
chmod 755 "$work/munge"

stop() {
  status=$?
  for d in slurmd slurmctld munged; do
    if [ -s "$work/$d.pid" ]; then
      pid=$(cat "$work/$d.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  if [ "$status" -ne 0 ]; then
    echo "slurm test failed (exit $status); logs:" >&2
    for f in "$work"/*.log "$work"/jobs/*.out; do
      [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap stop EXIT INT TERM

host=$(hostname -s)
socket="$work/munge/munge.socket"
mungekey --create --keyfile="$work/munge/munge.key" --force
chmod 600 "$work/munge/munge.key"
munged --force --socket="$socket" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ctld_port=$(free_port)
slurmd_port=$(free_port)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=leaksim-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { echo "slurm test: node $host is '$state', not idle" >&2; exit 1; }

# The recipe: 4 shards of one run, then the merge once all have succeeded.
scenario="$repo/scenarios/project_texas_2022.toml"
export LEAKSIM="$bin" SCENARIO="$scenario" REPS=2000 SEED=7 SHARDS_DIR="$work/shards" OUT="$work/merged"
export SOURCE_DATE_EPOCH=1700000000
cd "$work/jobs"
# Submits the array (the environment says what it runs) as tasks 0..$1-1 and the dependent
# merge, and waits for the merge to complete.
submit_and_wait() {
  local array merge job state
  array=$(sbatch --parsable --array="0-$(($1 - 1))" --cpus-per-task=1 "$repo/examples/slurm/leaksim-array.sbatch")
  array=${array%%;*}
  merge=$(sbatch --parsable --dependency="afterok:$array" "$repo/examples/slurm/leaksim-merge.sbatch")
  merge=${merge%%;*}
  echo "slurm test: array job $array, merge job $merge"
  for _ in $(seq 600); do
    job=$(scontrol show job "$merge" 2>/dev/null || true)
    state=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$job" | head -n 1)
    if grep -q 'Reason=DependencyNeverSatisfied' <<<"$job"; then
      echo "slurm test: a shard task failed, so the merge job never runs" >&2
      exit 1
    fi
    case "$state" in
      COMPLETED) break ;;
      FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE)
        echo "slurm test: merge job $state" >&2; exit 1 ;;
    esac
    sleep 0.2
  done
  [ "$state" = COMPLETED ] || { echo "slurm test: merge job still '$state'" >&2; exit 1; }
}
submit_and_wait 4
for t in 0 1 2 3; do
  [ -f "$work/shards/task-$t/project-texas-2022/manifest.toml" ] || { echo "slurm test: no shard $t" >&2; exit 1; }
done

# One run of the whole, and the merged folder must match it byte for byte.
"$bin" run "$scenario" --reps 2000 --seed 7 --out "$work/one" --quiet >/dev/null
diff -r "$work/one/project-texas-2022" "$work/merged/project-texas-2022"
[ -f "$work/merged/project-texas-2022/report.html" ]
echo "slurm test: 4-task array and dependent merge give the bytes of one run ($(ls "$work/merged/project-texas-2022" | wc -l) files)"

# A sharded sweep through the same scripts: 3 tasks of `leaksim sweep --shard`, then the merge.
vary="--vary perimeter.oracle.gatekeeper.team_size=10,300"
export COMMAND=sweep RUN_ARGS="$vary" REPS=600 SHARDS_DIR="$work/sweep-shards" OUT="$work/sweep-merged"
submit_and_wait 3
# The options in the array task's order: provenance.toml records the command.
# shellcheck disable=SC2086
"$bin" sweep "$scenario" --reps 600 --seed 7 $vary --out "$work/sweep-one" --quiet >/dev/null
sweep_dir=project-texas-2022-sweep-perimeter.oracle.gatekeeper.team_size
diff -r "$work/sweep-one/$sweep_dir" "$work/sweep-merged/$sweep_dir"
echo "slurm test: 3-task sweep array and dependent merge give the bytes of one sweep"
