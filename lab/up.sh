#!/usr/bin/env bash
# Brings up the local OpenStack test lab on 127.0.0.1 (see README.md): one MariaDB, cloud "lab"
# (Keystone + RegionOne and RegionTwo) and cloud "lab2" (own Keystone + RegionOne). Each region runs
# neutron-server, cinder-api and nova-api only: no agents, no message broker, no backends.
# Idempotent: services already running are left alone, dead ones are restarted.
set -euo pipefail

LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$LAB_SRC/lib.sh"
LAB_CACHE=${LAB_CACHE:-/var/cache/wom-lab}
ETC_DIR=$LAB_DIR/etc
STATE_DIR=$LAB_DIR/state
DB_DATADIR=$LAB_DIR/mysql
INIT_MARKER=$LAB_DIR/initialized
CLOUDS_YAML=$LAB_DIR/clouds.yaml
START_TIMEOUT=${LAB_START_TIMEOUT:-180}

# Trap: "python3" on PATH may be an interpreter that cannot import the Debian OpenStack libraries.
PY=/usr/bin/python3

PACKAGES=(python3-keystone python3-neutron python3-cinder python3-nova python3-pymysql python3-yaml
  uwsgi-core uwsgi-plugin-python3 mariadb-server mariadb-client procps)

# ---- Topology --------------------------------------------------------------------------------------
DB_PORT=3316
DB_SOCKET=$LAB_DIR/mysql.sock
DB_USER=lab
DB_PASSWORD=lab-db-secret
# Processes of each Neutron API (uwsgi, one thread each): one per core of the 2-core machines the lab is sized for.
NEUTRON_API_PROCESSES=${LAB_NEUTRON_API_PROCESSES:-2}
declare -A KEYSTONE_PORT=([lab]=5000 [lab2]=5100)
declare -A ADMIN_PASSWORD=([lab]=lab-admin-secret [lab2]=lab2-admin-secret)
# cloud region neutron-port cinder-port nova-port public-cidr physical-network volume-types
# Each region offers its own volume types, as clouds do: the source region's are not the destinations'
# (a migration maps them, examples/migrate-tenant shows how).
REGIONS=(
  "lab  RegionOne 9696 8776 8774 172.24.4.0/24 extnet  hdd,ssd"
  "lab  RegionTwo 9706 8786 8784 172.24.5.0/24 extnet2 standard,performance"
  "lab2 RegionOne 9716 8796 8794 172.24.6.0/24 extnet  standard,performance"
)
# Neutron pages every list at pagination_max_limit objects (links rel=next) whether the client asks for a
# limit or not. The second cloud pages at 7, so that every read of it (a source tenant, a destination
# scan) must follow the links: TestLabPaging proves the engine does. Not on cloud "lab": the benchmark
# counts calls there. -1: no paging.
declare -A NEUTRON_PAGE_LIMIT=([lab2-RegionOne]=7)

log() { printf '[%(%T)T] %s\n' -1 "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

# for_each_region FUNC [CLOUD]: calls FUNC cloud region neutron-port cinder-port nova-port cidr physnet
# volume-types
# for every region (of CLOUD only, if given).
for_each_region() {
  local row
  for row in "${REGIONS[@]}"; do
    [[ -z ${2:-} || $row == "$2 "* ]] || continue
    # shellcheck disable=SC2086 # the row is a whitespace-separated record
    "$1" $row
  done
}

# db_name WORDS...: one database per service per region/cloud, e.g. "neutron lab RegionTwo" ->
# neutron_lab_regiontwo.
db_name() { local n="$*"; n=${n// /_}; echo "${n,,}"; }
db_url() { echo "mysql+pymysql://$DB_USER:$DB_PASSWORD@127.0.0.1:$DB_PORT/$(db_name "$@")?charset=utf8"; }

# ---- Packages --------------------------------------------------------------------------------------
ensure_packages() {
  local p missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# ---- Processes -------------------------------------------------------------------------------------
# start_service NAME CMD...: runs CMD detached in its own process group, output appended to its log.
# setsid does not fork here (a background child is no group leader), so $! is the process group id.
# 9>&- : services must not inherit the lock of up.sh (see main).
start_service() {
  local name=$1
  shift
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_DIR/$name.pid"
}

# pyrun MODULE:FUNC PROG ARGS...: an OpenStack entry point (see pyrun.py for why).
pyrun() { "$PY" "$LAB_SRC/pyrun.py" "$@"; }

# run_parallel NAME=COMMAND... : runs the commands (shell functions, args split on blanks) concurrently,
# output to logs/NAME.log; on failure shows the tail of each failing log and exits.
run_parallel() {
  local spec name pids=() names=() i failed=0
  for spec in "$@"; do
    name=${spec%%=*}
    ${spec#*=} >"$LOG_DIR/$name.log" 2>&1 &
    pids+=($!) names+=("$name")
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      log "${names[$i]} failed; tail of $LOG_DIR/${names[$i]}.log:" >&2
      tail -n 30 "$LOG_DIR/${names[$i]}.log" >&2
      failed=1
    fi
  done
  ((failed == 0)) || die "initialisation failed"
}

wait_healthy() {
  "$PY" "$LAB_SRC/labctl.py" wait --timeout "$START_TIMEOUT" || die "the lab did not become healthy"
}

# ---- MariaDB ---------------------------------------------------------------------------------------
sql() { mariadb --no-defaults --socket="$DB_SOCKET" -u root "$@"; }

# A private server: no system config (--no-defaults), no binary log. Durability does not matter in a
# throw-away lab, so no flush per commit and no doublewrite buffer (faster schema migrations).
start_mariadb() {
  if [[ ! -d $DB_DATADIR/mysql ]]; then
    mariadb-install-db --no-defaults --datadir="$DB_DATADIR" --user=root --skip-test-db \
      --auth-root-authentication-method=socket >"$LOG_DIR/mariadb-install.log" 2>&1 ||
      { tail -n 20 "$LOG_DIR/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  fi
  start_service mariadb mariadbd --no-defaults --datadir="$DB_DATADIR" --socket="$DB_SOCKET" \
    --pid-file="$LAB_DIR/mysql.pid" --port="$DB_PORT" --bind-address=127.0.0.1 --user=root \
    --skip-log-bin --skip-name-resolve --max-connections=1000 --log-error="$LOG_DIR/mariadb.log" \
    --innodb-buffer-pool-size=256M --innodb-log-file-size=32M --innodb-flush-log-at-trx-commit=0 \
    --innodb-doublewrite=0 --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
}

wait_mariadb() {
  local i
  for ((i = 0; i < 300; i++)); do
    mariadb-admin --no-defaults --socket="$DB_SOCKET" -u root ping >/dev/null 2>&1 && return
    service_running mariadb || break
    sleep 0.1
  done
  tail -n 20 "$LOG_DIR/mariadb.log" >&2
  die "MariaDB did not start"
}

list_databases() {
  local cloud=$1 region=$2 svc
  for svc in neutron cinder nova_api nova_cell0; do db_name "$svc" "$cloud" "$region"; done
}

create_databases() {
  local cloud db stmts="CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL ON *.* TO '$DB_USER'@'127.0.0.1';"
  for db in $(for cloud in "${!KEYSTONE_PORT[@]}"; do db_name keystone "$cloud"; done) \
    $(for_each_region list_databases); do
    stmts+="CREATE DATABASE $db;"
  done
  sql -e "$stmts"
}

# ---- Configuration files ---------------------------------------------------------------------------
# The services validate tokens as the cloud's admin: a lab needs no per-service users.
# interface = public: keystonemiddleware looks for an "internal" identity endpoint by default.
authtoken_section() {
  local cloud=$1 region=$2 url="http://127.0.0.1:${KEYSTONE_PORT[$1]}/v3"
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = $url
auth_url = $url
auth_type = password
username = admin
password = ${ADMIN_PASSWORD[$cloud]}
project_name = admin
user_domain_name = Default
project_domain_name = Default
region_name = $region
interface = public
EOF
}

# Trap: the default bcrypt cost makes every token issue take 200-300 ms; 4 rounds is the minimum
# (and must be set before bootstrap hashes the admin password).
write_keystone_conf() {
  local cloud=$1 dir=$STATE_DIR/keystone-$1
  mkdir -p "$dir"
  cat >"$ETC_DIR/keystone-$cloud.conf" <<EOF
[DEFAULT]
log_file = $LOG_DIR/keystone-$cloud.log
[database]
connection = $(db_url keystone "$cloud")
retry_interval = 1
[token]
provider = fernet
[fernet_tokens]
key_repository = $dir/fernet-keys
[fernet_receipts]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
[identity]
password_hash_rounds = 4
EOF
}

# Neutron: ML2 without mechanism drivers (so no agents), fake broker, no DHCP/Nova notifications.
# The API runs under uwsgi (start_neutron); api_workers is not read there, but says how many
# processes serve it (the benchmark reports it).
write_neutron_conf() {
  local cloud=$1 region=$2 port=$3 physnet=$4 name=neutron-$1-$2
  mkdir -p "$STATE_DIR/$name"
  cat >"$ETC_DIR/$name.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
log_file = $LOG_DIR/$name.log
state_path = $STATE_DIR/$name
api_paste_config = $LAB_SRC/paste/neutron.ini
auth_strategy = keystone
core_plugin = ml2
service_plugins = router
allow_overlapping_ips = true
api_workers = $NEUTRON_API_PROCESSES
pagination_max_limit = ${NEUTRON_PAGE_LIMIT[$cloud-$region]:--1}
transport_url = fake://
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
dhcp_agent_notification = false
[database]
connection = $(db_url neutron "$cloud" "$region")
retry_interval = 1
$(authtoken_section "$cloud" "$region")
[oslo_concurrency]
lock_path = $STATE_DIR/$name/lock
[ml2]
type_drivers = local,flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers =
extension_drivers = port_security,dns
[ml2_type_flat]
flat_networks = $physnet
[ml2_type_vxlan]
vni_ranges = 1:10000
EOF
}

# Cinder: the API only (no scheduler or volume service: volumes stay "creating").
write_cinder_conf() {
  local cloud=$1 region=$2 port=$3 name=cinder-$1-$2
  mkdir -p "$STATE_DIR/$name"
  cat >"$ETC_DIR/$name.conf" <<EOF
[DEFAULT]
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $port
osapi_volume_workers = 1
log_file = $LOG_DIR/$name.log
state_path = $STATE_DIR/$name
api_paste_config = $LAB_SRC/paste/cinder.ini
auth_strategy = keystone
transport_url = fake://
[database]
connection = $(db_url cinder "$cloud" "$region")
retry_interval = 1
$(authtoken_section "$cloud" "$region")
[oslo_concurrency]
lock_path = $STATE_DIR/$name/lock
EOF
}

# Nova: the compute API with its API database and cell0 only (enough for quota sets and flavors).
# [keystone] is how Nova verifies project ids in quota calls: it needs this region's identity endpoint.
write_nova_conf() {
  local cloud=$1 region=$2 port=$3 name=nova-$1-$2
  mkdir -p "$STATE_DIR/$name"
  cat >"$ETC_DIR/$name.conf" <<EOF
[DEFAULT]
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = $port
osapi_compute_workers = 1
log_file = $LOG_DIR/$name.log
state_path = $STATE_DIR/$name
transport_url = fake://
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $LAB_SRC/paste/nova.ini
[api_database]
connection = $(db_url nova_api "$cloud" "$region")
[database]
connection = $(db_url nova_cell0 "$cloud" "$region")
retry_interval = 1
$(authtoken_section "$cloud" "$region")
[keystone]
region_name = $region
valid_interfaces = public
[oslo_concurrency]
lock_path = $STATE_DIR/$name/lock
EOF
}

write_region_confs() {
  local cloud=$1 region=$2
  write_neutron_conf "$cloud" "$region" "$3" "$7"
  write_cinder_conf "$cloud" "$region" "$4"
  write_nova_conf "$cloud" "$region" "$5"
}

clouds_yaml_entry() {
  local cloud=$1 region=$2
  cat <<EOF
  $cloud-$region:
    auth:
      auth_url: http://127.0.0.1:${KEYSTONE_PORT[$cloud]}/v3
      username: admin
      password: ${ADMIN_PASSWORD[$cloud]}
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $region
    identity_api_version: 3
    interface: public
EOF
}

write_configs() {
  local cloud
  for cloud in "${!KEYSTONE_PORT[@]}"; do write_keystone_conf "$cloud"; done
  for_each_region write_region_confs
  { echo "clouds:"; for_each_region clouds_yaml_entry; } >"$CLOUDS_YAML"
}

# ---- Services --------------------------------------------------------------------------------------
# Trap: uwsgi's --http-socket resets connections and --http11-socket stalls 3-4 s on keep-alive;
# the HTTP router (--http) with --http-keepalive works.
start_keystone() {
  local cloud=$1
  start_service "keystone-$cloud" uwsgi --plugin python3,http --http "127.0.0.1:${KEYSTONE_PORT[$cloud]}" \
    --http-keepalive --master --processes 2 --threads 1 --buffer-size 32768 --die-on-term --need-app \
    --disable-logging --wsgi-file /usr/bin/keystone-wsgi-public \
    --env "OS_KEYSTONE_CONFIG_FILES=$ETC_DIR/keystone-$cloud.conf"
}

# Neutron's API as Debian 12 runs it (package neutron-api; neutron-server is only a transitional
# package there): the WSGI application under uwsgi, synchronous processes of one thread each (as
# DevStack and Neutron's uwsgi guide configure them), thunder-lock so that only an idle process
# accepts the next request. No neutron-rpc-server: no agent would talk to it. Each request is logged
# as "neutron-api request: PID START_MS DURATION_MS PROJECT "METHOD URI PROTO" STATUS" (the
# benchmark reads these lines; neutron_wsgi.py supplies the token's project).
start_neutron() {
  local name=neutron-$1-$2 port
  port=$(sed -n 's/^bind_port = //p' "$ETC_DIR/$name.conf")
  # --http-timeout: uwsgi's router drops a request after 60 s by default (the client sees the
  # connection closed without an answer); a large bulk create on a loaded 2-core lab can take longer.
  start_service "$name" uwsgi --plugin python3,http --http "127.0.0.1:$port" --http-keepalive --http-timeout 300 \
    --master --processes "$NEUTRON_API_PROCESSES" --threads 1 --enable-threads --thunder-lock \
    --lazy-apps --buffer-size 65535 --die-on-term --need-app \
    --wsgi-file "$LAB_SRC/neutron_wsgi.py" --pyargv "--config-file $ETC_DIR/$name.conf" \
    --log-format 'neutron-api request: %(pid) %(tmsecs) %(msecs) %(project) "%(method) %(uri) %(proto)" %(status)'
}

start_cinder() {
  start_service "cinder-$1-$2" "$PY" "$LAB_SRC/pyrun.py" cinder.cmd.api:main cinder-api \
    --config-file "$ETC_DIR/cinder-$1-$2.conf"
}

start_nova() {
  start_service "nova-$1-$2" "$PY" "$LAB_SRC/pyrun.py" nova.cmd.api:main nova-api \
    --config-file "$ETC_DIR/nova-$1-$2.conf"
}

# start_missing_services: (re)starts whatever is not running, e.g. after down.sh or a crash.
# No need to wait for MariaDB first: it answers in well under a second, the services take seconds to
# import their code, and retry_interval = 1 covers a late database anyway.
start_region_if_stopped() {
  local svc
  for svc in neutron cinder nova; do
    service_running "$svc-$1-$2" || "start_$svc" "$1" "$2"
  done
}

start_missing_services() {
  local cloud
  service_running mariadb || start_mariadb
  for cloud in "${!KEYSTONE_PORT[@]}"; do
    service_running "keystone-$cloud" || start_keystone "$cloud"
  done
  for_each_region start_region_if_stopped
}

# ---- Initialisation from empty databases -------------------------------------------------------------
# Each job initialises one service's database and starts it, so that services boot while the other
# schemas are still being built (everything is CPU-bound on 2 cores: overlap is what saves time).

keystone_manage() { pyrun keystone.cmd.manage:main keystone-manage --config-file "$ETC_DIR/keystone-$1.conf" "${@:2}"; }

# Fernet and credential keys are 32 random bytes, urlsafe-base64: what "keystone-manage fernet_setup"
# and "credential_setup" write, without two more Python start-ups per cloud.
make_key_repository() {
  local dir=$1 i
  mkdir -p "$dir"
  for i in 0 1; do
    head -c 32 /dev/urandom | base64 | tr '+/' '-_' >"$dir/$i"
  done
  chmod -R go-rwx "$dir"
}

# Bootstrap creates the admin, member and reader roles, the admin user and project, and the identity
# endpoint of RegionOne; register_catalog adds the rest once Keystone answers.
setup_keystone() {
  local cloud=$1
  keystone_manage "$cloud" db_sync
  make_key_repository "$STATE_DIR/keystone-$cloud/fernet-keys"
  make_key_repository "$STATE_DIR/keystone-$cloud/credential-keys"
  keystone_manage "$cloud" bootstrap --bootstrap-password "${ADMIN_PASSWORD[$cloud]}" \
    --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
    --bootstrap-public-url "http://127.0.0.1:${KEYSTONE_PORT[$cloud]}/v3"
  start_keystone "$cloud"
  for_each_region register_catalog "$cloud"
}

# Both block storage service types: the openstack CLI looks for volumev3, gophercloud for block-storage.
# Every region also gets an identity endpoint (Nova's quota API and the CLI look it up in their region).
register_catalog() {
  local cloud=$1 region=$2 neutron_port=$3 cinder_port=$4 nova_port=$5
  "$PY" "$LAB_SRC/labctl.py" register "$cloud-$region" \
    "identity=http://127.0.0.1:${KEYSTONE_PORT[$cloud]}/v3" \
    "network=http://127.0.0.1:$neutron_port" \
    "compute=http://127.0.0.1:$nova_port/v2.1" \
    "volumev3=http://127.0.0.1:$cinder_port/v3/%(project_id)s" \
    "block-storage=http://127.0.0.1:$cinder_port/v3/%(project_id)s"
}

# On MariaDB Neutron's real alembic migrations work (on SQLite they do not).
setup_neutron() {
  pyrun neutron.db.migration.cli:main neutron-db-manage --config-file "$ETC_DIR/neutron-$1-$2.conf" upgrade heads
  start_neutron "$1" "$2"
}

setup_cinder() {
  pyrun cinder.cmd.manage:main cinder-manage --config-file "$ETC_DIR/cinder-$1-$2.conf" db sync
  start_cinder "$1" "$2"
}

setup_nova() {
  "$PY" "$LAB_SRC/nova_db_init.py" "$ETC_DIR/nova-$1-$2.conf" "$(db_url nova_cell0 "$1" "$2")"
  start_nova "$1" "$2"
}

# What the region's operator offers every tenant: the external network "public" (flat,
# router:external, not shared) with a DHCP-less subnet, so routers can get gateways, and the region's
# volume types.
create_catalogue() {
  "$PY" "$LAB_SRC/labctl.py" public-network "$1-$2" "$7" "$6"
  # shellcheck disable=SC2046 # the comma-separated list becomes arguments
  "$PY" "$LAB_SRC/labctl.py" volume-types "$1-$2" $(tr , ' ' <<<"$8")
}

setup_jobs() {
  local cloud=$1 region=$2 svc
  for svc in neutron cinder nova; do
    echo "init-$svc-$cloud-$region=setup_$svc $cloud $region"
  done
}

catalogue_jobs() { echo "init-catalogue-$1-$2=create_catalogue $*"; }

init_from_scratch() {
  local cloud jobs=()
  start_mariadb
  wait_mariadb
  create_databases
  for cloud in "${!KEYSTONE_PORT[@]}"; do jobs+=("init-keystone-$cloud=setup_keystone $cloud"); done
  mapfile -t -O ${#jobs[@]} jobs < <(for_each_region setup_jobs)
  run_parallel "${jobs[@]}"
  log "waiting for all services to answer"
  wait_healthy
  log "creating the external networks and volume types"
  mapfile -t jobs < <(for_each_region catalogue_jobs)
  run_parallel "${jobs[@]}"
  save_cache
}

# ---- Cache of initialised databases ------------------------------------------------------------------
# Keyed by the versions of the packages that shape the databases (OpenStack, Python, MariaDB, uwsgi)
# and the lab's own files: any change re-initialises. Unrelated package changes keep the cache.
cache_key() {
  {
    dpkg-query -W -f='${Package}=${Version}\n' 'python3*' 'libpython3*' 'mariadb*' 'uwsgi*'
    cat "$LAB_SRC"/*.sh "$LAB_SRC"/*.py "$LAB_SRC"/paste/*.ini
  } | sha256sum | cut -c1-16
}

# A copy of MariaDB's data dir (restoring it is instant; replaying a dump takes 3-4 s of DDL) plus
# Keystone's keys. The copy needs a cleanly shut down server: stop it, copy, restart; the services
# reconnect by themselves (oslo.db pings pooled connections before use).
save_cache() {
  local dest=$LAB_CACHE/$CACHE_KEY tmp
  mkdir -p "$LAB_CACHE"
  tmp=$(mktemp -d "$LAB_CACHE/.new.XXXXXX")
  stop_service mariadb
  cp -a "$DB_DATADIR" "$tmp/mysql"
  start_mariadb
  wait_mariadb
  cp -a "$STATE_DIR"/keystone-* "$tmp/"
  rm -rf "$LAB_CACHE"/[0-9a-f]*
  mv "$tmp" "$dest"
  log "saved the initialised databases to $dest"
}

restore_cache() {
  local src=$LAB_CACHE/$CACHE_KEY
  cp -a "$src/mysql" "$DB_DATADIR"
  cp -a "$src"/keystone-* "$STATE_DIR/"
}

# ---- Main --------------------------------------------------------------------------------------------
# reset_state: a previous run died half-way, or the state dir is new: start from nothing.
reset_state() {
  stop_all
  rm -rf "$DB_DATADIR" "$STATE_DIR" "$LOG_DIR" "$PID_DIR"
}

main() {
  local t0=$SECONDS
  # One up.sh/down.sh at a time (e.g. several test runners calling up.sh at once).
  mkdir -p "$(dirname "$LAB_DIR")"
  exec 9>"$LAB_DIR.lock"
  flock 9
  ensure_packages
  export OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML
  [[ -e $INIT_MARKER ]] || reset_state
  mkdir -p "$PID_DIR" "$LOG_DIR" "$ETC_DIR" "$STATE_DIR"
  write_configs

  if [[ -e $INIT_MARKER ]]; then
    start_missing_services
  else
    CACHE_KEY=$(cache_key)
    if [[ -d $LAB_CACHE/$CACHE_KEY ]]; then
      log "restoring the initialised databases from $LAB_CACHE/$CACHE_KEY"
      restore_cache
      start_missing_services
    else
      log "initialising the databases (no cache yet)"
      init_from_scratch
    fi
  fi
  log "waiting for all services to answer"
  wait_healthy
  touch "$INIT_MARKER"

  log "lab healthy after $((SECONDS - t0)) s: clouds lab-RegionOne, lab-RegionTwo, lab2-RegionOne"
  echo "export OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML"
}

main "$@"
