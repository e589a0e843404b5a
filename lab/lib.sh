# Shared by up.sh and down.sh: where the lab lives and how its processes are tracked.
# Every service runs in its own process group (started with setsid) whose id is the PID recorded
# in $PID_DIR/<name>.pid; we only ever signal those groups, never processes found by name.

LAB_DIR=$(realpath -m "${LAB_DIR:-/var/tmp/wom-lab}")
PID_DIR=$LAB_DIR/pids
LOG_DIR=$LAB_DIR/logs

# group_is_ours PGID: true if a process of that group still carries our state dir on its command line
# (every service gets a config/data path under $LAB_DIR). Guards against recycled PIDs, e.g. after a
# reboot left stale pid files behind.
group_is_ours() {
  local pgid=$1 pid
  for pid in $(ps -eo pid=,pgid= | awk -v g="$pgid" '$2 == g { print $1 }'); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$LAB_DIR/"; then
      return 0
    fi
  done
  return 1
}

# service_running NAME: its recorded process group is alive and ours.
service_running() {
  local pidfile=$PID_DIR/$1.pid
  [[ -s $pidfile ]] && group_is_ours "$(<"$pidfile")"
}

# stop_service NAME: SIGTERM the recorded process group, wait up to 15 s, then SIGKILL what is left.
# Once the group is known to be ours, wait for every member to be gone: exiting processes lose their
# command line before they disappear.
stop_service() {
  local name=$1 pidfile=$PID_DIR/$1.pid pgid i
  [[ -s $pidfile ]] || return 0
  pgid=$(<"$pidfile")
  if group_is_ours "$pgid"; then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 -- "-$pgid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 -- "-$pgid" 2>/dev/null; then
      echo "$name: still running after 15 s, sending SIGKILL" >&2
      kill -KILL -- "-$pgid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        kill -0 -- "-$pgid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  fi
  rm -f "$pidfile"
}

# stop_all: API services first (in parallel), MariaDB last so they do not log lost connections.
stop_all() {
  local pidfile name
  for pidfile in "$PID_DIR"/*.pid; do
    [[ -e $pidfile ]] || continue
    name=$(basename "$pidfile" .pid)
    [[ $name == mariadb ]] || stop_service "$name" &
  done
  wait
  stop_service mariadb
}
