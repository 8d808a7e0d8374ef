#!/usr/bin/env bash
# Start a single-node SLURM cluster on localhost for CI (Debian 12, no systemd as PID 1), with
# accounting (MariaDB + slurmdbd, so sacct works as on a real cluster) and one stand-in GPU GRES
# on the node (so `--gpus=1` from the `gpu=1` rules reaches sbatch and is scheduled; no real device).
# Adapted from the tested recipe in shared/notes/slurm-recipe.md. The PIDs of the daemons this
# script starts are written to $SLURM_CI_PIDS (default /tmp/dnazoo-slurm-ci.pids);
# scripts/ci/slurm-down.sh stops exactly those.
set -euo pipefail
PIDS="${SLURM_CI_PIDS:-/tmp/dnazoo-slurm-ci.pids}"
CLUSTER=ci PARTITION=main DBPASS=slurmdbpass
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
: > "$PIDS"
wait_for() {  # wait_for <seconds> <cmd...>
  local n=$(( $1 * 4 )); shift
  for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  echo "slurm-up: timeout waiting for: $*" >&2; return 1
}
record() { [ -s "$1" ] && cat "$1" >> "$PIDS"; }

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends slurm-wlm munge slurmdbd mariadb-server >/dev/null
echo "slurm-up: packages installed"

$SUDO install -d -o munge -g munge -m 0755 /run/munge
$SUDO install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
[ -s /etc/munge/munge.key ] || $SUDO runuser -u munge -- /usr/sbin/mungekey -c
$SUDO runuser -u munge -- /usr/sbin/munged
wait_for 10 sh -c 'munge -n | unmunge'
record /run/munge/munged.pid

HW=$(slurmd -C | head -n1 | tr ' ' '\n' | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')
$SUDO install -d -m 0755 /etc/slurm
$SUDO tee /etc/slurm/slurm.conf >/dev/null <<CONF
ClusterName=${CLUSTER}
SlurmctldHost=localhost
AuthType=auth/munge
SlurmUser=slurm
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=500
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
AccountingStorageTRES=gres/gpu
GresTypes=gpu
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=10
Waittime=0
NodeName=localhost NodeAddr=127.0.0.1 ${HW} Gres=gpu:1 State=UNKNOWN
PartitionName=${PARTITION} Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# A stand-in GPU: slurmd drops a file-less gpu GRES ("Removing file-less GPU"), so /dev/null plays
# the device file. Jobs get gres/gpu=1 and CUDA_VISIBLE_DEVICES=0; TensorFlow finds no GPU and runs on CPU.
echo "NodeName=localhost Name=gpu File=/dev/null" | $SUDO tee /etc/slurm/gres.conf >/dev/null
$SUDO install -d -o slurm -g slurm -m 0755 /var/lib/slurm /var/lib/slurm/slurmctld /var/log/slurm
$SUDO install -d -m 0755 /var/lib/slurm/slurmd

$SUDO install -d -o mysql -g root -m 0755 /run/mysqld
$SUDO sh -c 'nohup /usr/sbin/mariadbd --user=mysql --pid-file=/run/mysqld/mysqld.pid \
     --socket=/run/mysqld/mysqld.sock >/var/log/mariadbd-ci.log 2>&1 &'
wait_for 60 $SUDO mariadb-admin --socket=/run/mysqld/mysqld.sock ping
record /run/mysqld/mysqld.pid
$SUDO mariadb <<SQL
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '${DBPASS}';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
FLUSH PRIVILEGES;
SQL
$SUDO tee /etc/slurm/slurmdbd.conf >/dev/null <<CONF
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=slurm
LogFile=/var/log/slurm/slurmdbd.log
PidFile=/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StoragePort=3306
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=${DBPASS}
CONF
$SUDO chown slurm:slurm /etc/slurm/slurmdbd.conf
$SUDO chmod 0600 /etc/slurm/slurmdbd.conf
$SUDO /usr/sbin/slurmdbd
wait_for 60 sacctmgr -n list cluster
record /run/slurmdbd.pid
sacctmgr -n list cluster format=cluster | grep -qw "$CLUSTER" || $SUDO sacctmgr -i add cluster "$CLUSTER" >/dev/null

$SUDO /usr/sbin/slurmctld
wait_for 60 scontrol ping
record /run/slurmctld.pid
$SUDO /usr/sbin/slurmd -N localhost
wait_for 60 sh -c "sinfo -h -N -o '%T' | grep -qE '^idle'"
record /run/slurmd.pid
sinfo -N -o '%N %T %c %m %G'

jid=$(sbatch --parsable -p "$PARTITION" --gpus=1 --mem=100 -t 2 -o /tmp/slurm-smoke-%j.out --wrap 'srun -n1 hostname')
wait_for 60 sh -c "sacct -n -X -P -j $jid -o State | grep -qx COMPLETED"
echo "slurm-up: smoke job $jid with --gpus=1 COMPLETED; daemons: $(tr '\n' ' ' < "$PIDS")"
