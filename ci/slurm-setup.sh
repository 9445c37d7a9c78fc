#!/usr/bin/env bash
# ci/slurm-setup.sh — install and start a one-node SLURM cluster on localhost
# for carecap's cluster test (ci/cluster-test.sh). Adapted for this project
# from the tested recipe in the shared notes (slurm-local): no accounting.
#
# Debian bookworm (SLURM 22.05 from Debian's own packages), run as root, no
# systemd needed, no cgroups. Idempotent: a second run changes nothing and
# starts nothing that is already up. Every daemon it starts gets a PID file
# under $SLURM_LOCAL_DIR/run/, which teardown.sh uses to stop exactly those.
#
# Environment (all optional):
#   SLURM_LOCAL_DIR         state, spool, logs, PID files   [/tmp/carecap-slurm]
#   SLURM_LOCAL_CPUS        CPUs the node offers             [nproc]
#   SLURM_LOCAL_FORCE       1 = overwrite an /etc/slurm/slurm.conf not written
#                           by this script                                   [0]
#
# After it returns 0: `sinfo` shows partition "debug" with node "localhost"
# idle, and `sbatch --array=0-3 --wait job.sh` runs.
set -euo pipefail

DIR=${SLURM_LOCAL_DIR:-/tmp/carecap-slurm}
CPUS=${SLURM_LOCAL_CPUS:-$(nproc)}
ACCOUNTING=0
FORCE=${SLURM_LOCAL_FORCE:-0}
MARKER="# managed by carecap ci/slurm-setup.sh"
CONF=/etc/slurm/slurm.conf
RUN="$DIR/run"
LOG="$DIR/log"

t_start=$EPOCHREALTIME
say() { printf '[slurm %6.1fs] %s\n' "$(awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')" "$*"; }
die() { say "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

# PID in file $1 is alive (and, if $2 is given, its command name starts with $2).
alive() {
  local f=$1 want=${2:-} p comm
  [ -s "$f" ] || return 1
  p=$(cat "$f"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 1
  [ -z "$want" ] && return 0
  comm=$(cat "/proc/$p/comm" 2>/dev/null || true)
  [[ $comm == "$want"* ]]
}

wait_pidfile() {  # the daemons fork and write their PID file a moment later
  for _ in $(seq 1 100); do alive "$1" "$2" && return 0; sleep 0.1; done
  return 1
}

# ---------------------------------------------------------------- 1. packages
pkgs=(slurm-wlm munge)
bins=(sbatch squeue sinfo scontrol sacct slurmctld slurmd munged mungekey)
if [ "$ACCOUNTING" = 1 ]; then
  pkgs+=(slurmdbd mariadb-server); bins+=(slurmdbd mariadbd mariadb-install-db)
fi
missing=0
for b in "${bins[@]}"; do command -v "$b" >/dev/null 2>&1 || missing=1; done
if [ "$missing" = 1 ]; then
  say "installing ${pkgs[*]} from Debian"
  # The packages' postinst scripts would start munge/slurmd/slurmctld/mariadb
  # through /etc/init.d. Block that for the install (only if no policy exists),
  # so that every daemon that runs is one this script started and can stop.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d; own_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${pkgs[@]}" >"/tmp/carecap-slurm-apt.log" 2>&1; then
    apt-get update -q >>"/tmp/carecap-slurm-apt.log" 2>&1
    apt-get install -y -q --no-install-recommends "${pkgs[@]}" >>"/tmp/carecap-slurm-apt.log" 2>&1 \
      || { [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d; die "apt-get install failed, see /tmp/carecap-slurm-apt.log"; }
  fi
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  say "installed: $(dpkg-query -W -f='${Version}' slurmctld) (slurm), $(dpkg-query -W -f='${Version}' munge) (munge)"
else
  say "packages already installed"
fi

# ---------------------------------------------------------------- 2. dirs
mkdir -p "$DIR/ctld" "$DIR/spool" "$LOG" "$RUN"
chown slurm:slurm "$DIR" "$DIR/ctld"
chmod 755 "$DIR"
if [ "$ACCOUNTING" = 1 ]; then   # slurm and mysql both write PID files and logs here
  chown slurm:mysql "$LOG" "$RUN"; chmod 775 "$LOG" "$RUN"
else
  chown slurm:slurm "$LOG" "$RUN"; chmod 755 "$LOG" "$RUN"
fi

# ---------------------------------------------------------------- 3. slurm.conf
mem_mb=$(awk '/MemTotal/ {printf "%d", $2/1024*0.9}' /proc/meminfo)
new_conf=$(mktemp)
cat >"$new_conf" <<EOF
$MARKER
# Single-node cluster on localhost for CI. No cgroups, no systemd.
ClusterName=localcluster
SlurmctldHost=localhost
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# default batch_sched_delay=3 s holds each wave of a job array back ~3 s
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
EOF
if [ "$ACCOUNTING" = 1 ]; then
  cat >>"$new_conf" <<EOF
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
EOF
else
  cat >>"$new_conf" <<EOF
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
EOF
fi
cat >>"$new_conf" <<EOF
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

conf_changed=0
if [ -e "$CONF" ] && ! grep -qF "$MARKER" "$CONF" && [ "$FORCE" != 1 ]; then
  rm -f "$new_conf"
  die "$CONF exists and was not written by this script (set SLURM_LOCAL_FORCE=1 to replace it)"
fi
if ! cmp -s "$new_conf" "$CONF"; then
  install -m 644 "$new_conf" "$CONF"; conf_changed=1
  say "wrote $CONF"
fi
rm -f "$new_conf"

# ---------------------------------------------------------------- 4. munge
if [ ! -s /etc/munge/munge.key ]; then
  runuser -u munge -- mungekey --create
  say "created /etc/munge/munge.key"
fi
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  if alive "$RUN/munged.pid" munged; then
    say "munged already running (ours, pid $(cat "$RUN/munged.pid"))"
  else
    say "munged already running (not started by this script; left alone)"
  fi
else
  install -d -o munge -g munge -m 755 /run/munge
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null || die "munged did not come up (see /var/log/munge/munged.log)"
  cp /run/munge/munged.pid "$RUN/munged.pid"
  say "started munged (pid $(cat "$RUN/munged.pid"))"
fi

# ---------------------------------------------------------------- 6. slurmctld, slurmd
stop_pidfile() {  # stop the daemon whose PID is in $1 (used only to apply a changed config)
  local f=$1 p
  alive "$f" || return 0
  p=$(cat "$f"); kill "$p"
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
}
if [ "$conf_changed" = 1 ]; then
  stop_pidfile "$RUN/slurmd.pid"; stop_pidfile "$RUN/slurmctld.pid"
fi
if ! alive "$RUN/slurmctld.pid" slurmctld; then
  /usr/sbin/slurmctld
  wait_pidfile "$RUN/slurmctld.pid" slurmctld || die "slurmctld did not start ($LOG/slurmctld.log)"
  say "started slurmctld (pid $(cat "$RUN/slurmctld.pid"))"
fi
if ! alive "$RUN/slurmd.pid" slurmd; then
  /usr/sbin/slurmd -N localhost
  wait_pidfile "$RUN/slurmd.pid" slurmd || die "slurmd did not start ($LOG/slurmd.log)"
  say "started slurmd (pid $(cat "$RUN/slurmd.pid"))"
fi

# ---------------------------------------------------------------- 7. wait for the node
state=""
for _ in $(seq 1 150); do
  state=$(sinfo -h -n localhost -o '%T' 2>/dev/null || true)
  case $state in
    idle*|mixed*|allocated*) break ;;
    down*|drain*) scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
case $state in
  idle*|mixed*|allocated*) ;;
  *) tail -n 20 "$LOG/slurmctld.log" "$LOG/slurmd.log" >&2 || true
     die "node localhost not ready (state: '${state:-none}')" ;;
esac
alive "$RUN/slurmctld.pid" slurmctld || die "slurmctld is not running ($LOG/slurmctld.log)"
alive "$RUN/slurmd.pid" slurmd || die "slurmd is not running ($LOG/slurmd.log)"
say "ready: partition debug, node localhost ($CPUS CPUs) $state; accounting=$ACCOUNTING; state dir $DIR"
