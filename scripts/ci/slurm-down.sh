#!/usr/bin/env bash
# Stop the daemons scripts/ci/slurm-up.sh started, by the PIDs it recorded (nothing else).
PIDS="${SLURM_CI_PIDS:-/tmp/dnazoo-slurm-ci.pids}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
[ -s "$PIDS" ] || exit 0
for pid in $(tac "$PIDS"); do  # reverse start order: slurmd, slurmctld, slurmdbd, mariadbd, munged
  [ -d "/proc/$pid" ] || continue
  $SUDO kill "$pid"
  for _ in $(seq 1 60); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
  [ -d "/proc/$pid" ] && $SUDO kill -9 "$pid"
done
# stale pid files break later dpkg operations (slurmctld's prerm runs scancel)
$SUDO rm -f /run/slurmd.pid /run/slurmctld.pid /run/slurmdbd.pid
rm -f "$PIDS"
echo "slurm-down: stopped"
