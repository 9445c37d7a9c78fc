#!/usr/bin/env bash
# ci/slurm-wait.sh JOBID [TIMEOUT_S] — wait for a job or a whole job array to end,
# polling every 0.5 s, and exit with the highest exit code of its tasks
# (1 for a task that ended without one: CANCELLED, TIMEOUT, NODE_FAIL, ...;
# 124 on timeout). A faster stand-in for `sbatch --wait`, whose client polls
# after 2 s, 10 s, 42 s, 74 s, ... (sleep x4 up to 32 s), so a 3 s array
# returns after 10 s and an 11 s one after 42 s.
# Needs the job record to still be in slurmctld (MinJobAge, 300 s in setup.sh).
set -uo pipefail
id=${1:?usage: slurm-wait.sh JOBID [TIMEOUT_S]}
timeout=${2:-600}
end=$((SECONDS + timeout))
while [ -n "$(squeue -h -j "$id" -o '%i' 2>/dev/null)" ]; do
  if [ "$SECONDS" -ge "$end" ]; then echo "slurm-wait: timeout after ${timeout}s waiting for $id" >&2; exit 124; fi
  sleep 0.5
done
out=$(scontrol -o show job "$id" 2>/dev/null) || { echo "slurm-wait: job $id unknown (purged?)" >&2; exit 1; }
echo "$out" | awk '
  {
    state = ""; code = 0
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^JobState=/) { split($i, a, "="); state = a[2] }
      if ($i ~ /^ExitCode=/) { split($i, a, "[=:]"); code = a[2] + 0 }
    }
    if (state != "COMPLETED" && code == 0) code = 1
    if (code > max) max = code
  }
  END { exit max + 0 }'
