#!/usr/bin/env bash
# ci/cluster-test.sh — carecap on a real SLURM cluster (one node, localhost).
#
# Starts the cluster (ci/slurm-setup.sh), generates the job-array scripts with
# `carecap slurm`, submits a 4-shard array and its merge, waits, and checks
# that the merged tables equal a local unsharded run byte for byte. Then the
# failure path: one shard fails, the merge job is cancelled (afterok), the
# shard is resubmitted alone, the merge is resubmitted and matches. Everything
# it started is stopped at the end. In CI (CI set) it fails if the cluster
# cannot start; without root it skips with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
if [ "$(id -u)" != 0 ]; then
  if [ -n "${CI:-}" ]; then echo "cluster test: CI must run as root to start SLURM" >&2; exit 1; fi
  echo "cluster test skipped: starting SLURM needs root"; exit 0
fi
work=$(mktemp -d "$here/output/cluster-test.XXXXXX")
cleanup() { bash ci/slurm-teardown.sh --purge > /dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
bash ci/slurm-setup.sh
cargo build --release -q
bin="$here/target/release/carecap"
rel=${work#"$here"/}
scenario=scenarios/validation/erlang-b.toml

"$bin" run "$scenario" --reps 8 --no-charts --out "$rel/local" > /dev/null
compare_tables() {
  for f in replications.csv summary.csv by_hour.csv; do
    cmp "$rel/local/$f" "$1/$f" || { echo "cluster test: $f differs from the local run" >&2; exit 1; }
  done
}
submit() {  # prints "ARRAY MERGE" job ids
  local out
  out=$(bash "$1/submit.sh")
  echo "$out" | awk '{print $3, $6}'
}

# 1. The happy path.
"$bin" slurm "$scenario" --shards 4 --reps 8 --cpus-per-task 1 --mem 500M --time 00:10:00 --out "$rel/cluster" > /dev/null
read -r array merge < <(CARECAP="$bin" submit "$rel/cluster")
bash ci/slurm-wait.sh "$array" 300
bash ci/slurm-wait.sh "$merge" 300
compare_tables "$rel/cluster"
echo "cluster test: 4 shards on SLURM merged identically to a local run"

# 2. A shard fails: the merge is cancelled; rerun the shard, then the merge.
"$bin" slurm "$scenario" --shards 4 --reps 8 --cpus-per-task 1 --mem 500M --time 00:10:00 --out "$rel/failing" > /dev/null
cat > "$work/flaky" <<FLAKY
#!/usr/bin/env bash
[ "\${SLURM_ARRAY_TASK_ID:-}" = 2 ] && { echo "shard 2 fails on purpose" >&2; exit 3; }
exec "$bin" "\$@"
FLAKY
chmod +x "$work/flaky"
read -r array merge < <(CARECAP="$work/flaky" submit "$rel/failing")
if bash ci/slurm-wait.sh "$array" 300; then echo "cluster test: the failing shard did not fail" >&2; exit 1; fi
for _ in $(seq 1 60); do
  state=$(scontrol -o show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 || true)
  [ -z "$(squeue -h -j "$merge" -o %i 2>/dev/null)" ] && break
  sleep 0.5
done
state=$(scontrol -o show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 || true)
[ "$state" != "JobState=COMPLETED" ] || { echo "cluster test: merge ran despite a failed shard" >&2; exit 1; }
[ ! -e "$rel/failing/summary.csv" ] || { echo "cluster test: results written despite a failed shard" >&2; exit 1; }
"$bin" status "$rel/failing" | grep -q -- "--shard 2/4" || { echo "cluster test: status does not name shard 2" >&2; exit 1; }
rerun=$(CARECAP="$bin" sbatch --parsable --array=2 "$rel/failing/run.sbatch"); rerun=${rerun%%;*}
bash ci/slurm-wait.sh "$rerun" 300
merge2=$(CARECAP="$bin" sbatch --parsable "$rel/failing/merge.sbatch"); merge2=${merge2%%;*}
bash ci/slurm-wait.sh "$merge2" 300
compare_tables "$rel/failing"
echo "cluster test: failed shard resubmitted alone, merge matches the local run"
