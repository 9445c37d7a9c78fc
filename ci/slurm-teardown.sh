#!/usr/bin/env bash
# ci/slurm-teardown.sh — stop the daemons that ci/slurm-setup.sh started, by their PID files.
#
# Only PIDs recorded under $SLURM_LOCAL_DIR/run/ are signalled, and only if the
# process there still has the expected command name (so a stale file whose PID
# was reused by another program is ignored). A munged that setup.sh found
# already running has no PID file there and is left alone.
#
#   teardown.sh           stop daemons, keep state and logs
#   teardown.sh --purge   also delete $SLURM_LOCAL_DIR and the config files
#                         setup.sh wrote (packages stay installed)
set -uo pipefail

DIR=${SLURM_LOCAL_DIR:-/tmp/carecap-slurm}
RUN="$DIR/run"
MARKER="# managed by carecap ci/slurm-setup.sh"
PURGE=0
[ "${1:-}" = "--purge" ] && PURGE=1

stopped=0
signal() {  # signal <pidfile-name> <expected comm prefix>: TERM it, remember pid
  local f="$RUN/$1" want=$2 p comm
  [ -s "$f" ] || return 0
  p=$(cat "$f")
  if [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; then
    echo "$want: not running (stale $f)"; rm -f "$f"; return 0
  fi
  comm=$(cat "/proc/$p/comm" 2>/dev/null || true)
  if [[ $comm != "$want"* ]]; then
    echo "$want: pid $p is '$comm', not ours; left alone"; rm -f "$f"; return 0
  fi
  kill -TERM "$p" && pending+=("$p:$want:$f")
}
wait_all() {  # wait up to 15 s for every signalled pid, then KILL what is left
  local e p want f
  for _ in $(seq 1 150); do
    local any=0
    for e in "${pending[@]}"; do kill -0 "${e%%:*}" 2>/dev/null && any=1; done
    [ "$any" = 0 ] && break
    sleep 0.1
  done
  for e in "${pending[@]}"; do
    IFS=: read -r p want f <<<"$e"
    if kill -0 "$p" 2>/dev/null; then
      echo "$want: pid $p ignored TERM for 15 s, sending KILL"; kill -KILL "$p" 2>/dev/null || true
    fi
    echo "$want: stopped pid $p"; rm -f "$f"; stopped=$((stopped + 1))
  done
  pending=()
}

# Two phases: the SLURM daemons first (slurmctld may still report to slurmdbd
# and needs munge for that), then accounting, database and authentication.
pending=()
signal slurmd.pid    slurmd
signal slurmctld.pid slurmctld
wait_all
signal slurmdbd.pid  slurmdbd
signal mariadbd.pid  mariadbd
signal munged.pid    munged
wait_all

# Job steps that outlived slurmd (proctrack/linuxproc has no cgroup to sweep):
# only slurmstepd processes whose parent chain we cannot see are reported, not killed.
left=$(ps -eo pid=,comm= | awk '$2 ~ /^(slurmstepd|slurmctld|slurmd|slurmdbd)$/ {print $1"("$2")"}')
[ -n "$left" ] && echo "note: still running (not started from these PID files): $left"

if [ "$PURGE" = 1 ]; then
  for f in /etc/slurm/slurm.conf /etc/slurm/slurmdbd.conf; do
    [ -e "$f" ] && grep -qF "$MARKER" "$f" && rm -f "$f" && echo "removed $f"
  done
  case $DIR in
    /|"") echo "refusing to delete '$DIR'" ;;
    *) rm -rf -- "$DIR" && echo "removed $DIR" ;;
  esac
fi
echo "teardown: stopped $stopped daemon(s)"
