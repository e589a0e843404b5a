#!/usr/bin/env bash
# Brings up the local OpenStack test lab on 127.0.0.1 (see README.md): one MariaDB, cloud "lab"
# (Keystone + RegionOne and RegionTwo) and cloud "lab2" (own Keystone + RegionOne). Each region runs
# neutron-server, cinder-api and nova-api only: no agents, no broker, no backends.
# Idempotent: services already healthy are left alone, dead ones are restarted.
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

# Trap 1: "python3" on PATH may be an interpreter that cannot import the Debian OpenStack libraries.
PY=/usr/bin/python3

PACKAGES=(python3-keystone python3-neutron python3-cinder python3-nova python3-pymysql python3-yaml
  uwsgi-core uwsgi-plugin-python3 mariadb-server)

# ---- Topology --------------------------------------------------------------------------------------
DB_PORT=3316
DB_SOCKET=$LAB_DIR/mysql.sock
DB_USER=lab
DB_PASSWORD=lab-db-secret
declare -A KEYSTONE_PORT=([lab]=5000 [lab2]=5100)
declare -A ADMIN_PASSWORD=([lab]=lab-admin-secret [lab2]=lab2-admin-secret)
# cloud region neutron-port cinder-port nova-port public-cidr physical-network
REGIONS=(
  "lab  RegionOne 9696 8776 8774 172.24.4.0/24 extnet"
  "lab  RegionTwo 9706 8786 8784 172.24.5.0/24 extnet2"
  "lab2 RegionOne 9716 8796 8794 172.24.6.0/24 extnet"
)

log() { printf '[%(%T)T] %s\n' -1 "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

# db_url NAME: SQLAlchemy URL of one lab database.
db_url() { echo "mysql+pymysql://$DB_USER:$DB_PASSWORD@127.0.0.1:$DB_PORT/$1?charset=utf8"; }

# db_name SERVICE CLOUD [REGION]: e.g. neutron_lab_regiontwo.
db_name() { local n="${*}"; n=${n// /_}; echo "${n,,}"; }

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

# ---- Process handling ------------------------------------------------------------------------------
# start_service NAME CMD...: runs CMD detached in its own process group, output appended to its log.
# setsid does not fork here (the backgrounded child is no group leader), so $! is the group id.
start_service() {
  local name=$1
  shift
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$PID_DIR/$name.pid"
}

# py_entry MODULE:FUNC PROG ARGS...: trap 2, Debian's python3-* packages ship no service executables
# (they live in the *-common packages, with /etc side effects), so run entry points as modules.
py_entry() {
  local entry=$1
  shift
  "$PY" -c 'import importlib, sys
mod, func = sys.argv.pop(1).split(":")
sys.exit(getattr(importlib.import_module(mod), func)())' "$entry" "$@"
}

# run_parallel NAME=FUNC... : runs the shell functions concurrently (output to logs/NAME.log) and
# fails with the tail of the first failing one's log.
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
      tail -n 25 "$LOG_DIR/${names[$i]}.log" >&2
      failed=1
    fi
  done
  ((failed == 0)) || die "initialisation failed"
}

# ---- MariaDB ---------------------------------------------------------------------------------------
sql() { mariadb --no-defaults --socket="$DB_SOCKET" -u root "$@"; }

start_mariadb() {
  if [[ ! -d $DB_DATADIR/mysql ]]; then
    mariadb-install-db --no-defaults --datadir="$DB_DATADIR" --user=root --skip-test-db \
      --auth-root-authentication-method=socket >"$LOG_DIR/mariadb-install.log" 2>&1 ||
      { tail -n 20 "$LOG_DIR/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  fi
  # Private server: no system config (--no-defaults), no binary log; durability is not needed in a
  # throw-away lab, so skip the per-commit flush and the doublewrite buffer (faster schema syncs).
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

create_databases() {
  local stmts="CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL ON *.* TO '$DB_USER'@'127.0.0.1';" cloud region db
  for cloud in "${!KEYSTONE_PORT[@]}"; do
    stmts+="CREATE DATABASE IF NOT EXISTS $(db_name keystone "$cloud");"
  done
  for_each_region list_region_dbs
  for db in "${REGION_DBS[@]}"; do
    stmts+="CREATE DATABASE IF NOT EXISTS $db;"
  done
  sql -e "$stmts"
}

REGION_DBS=()
list_region_dbs() {
  local cloud=$1 region=$2
  REGION_DBS+=("$(db_name neutron "$cloud" "$region")" "$(db_name cinder "$cloud" "$region")"
    "$(db_name nova_api "$cloud" "$region")" "$(db_name nova_cell0 "$cloud" "$region")")
}

# for_each_region FUNC: calls FUNC cloud region neutron-port cinder-port nova-port cidr physnet.
for_each_region() {
  local row
  for row in "${REGIONS[@]}"; do
    # shellcheck disable=SC2086 # the row is a whitespace-separated record
    "$1" $row
  done
}

# ---- Configuration files ---------------------------------------------------------------------------
# Services authenticate tokens as the cloud's admin (a lab needs no per-service users).
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
EOF
}

write_keystone_conf() {
  local cloud=$1 dir=$STATE_DIR/keystone-$cloud
  mkdir -p "$dir"
  # Trap 6: the default bcrypt cost makes every token issue take 200-300 ms; 4 rounds is the minimum.
  cat >"$ETC_DIR/keystone-$cloud.conf" <<EOF
[DEFAULT]
log_file = $LOG_DIR/keystone-$cloud.log
[database]
connection = $(db_url "$(db_name keystone "$cloud")")
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

write_region_confs() {
  local cloud=$1 region=$2 neutron_port=$3 cinder_port=$4 nova_port=$5 physnet=$7
  local suffix=$cloud-$region
  mkdir -p "$STATE_DIR"/{neutron,cinder,nova}-"$suffix"

  # Neutron: ML2 without mechanism drivers (no agents), fake broker, no DHCP/Nova notifications.
  # rpc_state_report_workers = 0: no agent ever reports state, spare a process.
  cat >"$ETC_DIR/neutron-$suffix.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $neutron_port
log_file = $LOG_DIR/neutron-$suffix.log
state_path = $STATE_DIR/neutron-$suffix
api_paste_config = $LAB_SRC/paste/neutron.ini
auth_strategy = keystone
core_plugin = ml2
service_plugins = router
allow_overlapping_ips = true
api_workers = 2
rpc_workers = 1
rpc_state_report_workers = 0
transport_url = fake://
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
dhcp_agent_notification = false
[database]
connection = $(db_url "$(db_name neutron "$cloud" "$region")")
$(authtoken_section "$cloud" "$region")
[oslo_concurrency]
lock_path = $STATE_DIR/neutron-$suffix/lock
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

  # Cinder: the API only (no scheduler/volume service: volumes stay "creating").
  cat >"$ETC_DIR/cinder-$suffix.conf" <<EOF
[DEFAULT]
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $cinder_port
osapi_volume_workers = 1
log_file = $LOG_DIR/cinder-$suffix.log
state_path = $STATE_DIR/cinder-$suffix
api_paste_config = $LAB_SRC/paste/cinder.ini
auth_strategy = keystone
transport_url = fake://
[database]
connection = $(db_url "$(db_name cinder "$cloud" "$region")")
$(authtoken_section "$cloud" "$region")
[oslo_concurrency]
lock_path = $STATE_DIR/cinder-$suffix/lock
EOF

  # Nova: the compute API only, with its API database and cell0 (enough for quota sets, flavors...).
  # [keystone] is what Nova uses to verify project ids in quota calls: it needs the identity endpoint
  # of this region in the catalog.
  cat >"$ETC_DIR/nova-$suffix.conf" <<EOF
[DEFAULT]
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = $nova_port
osapi_compute_workers = 1
log_file = $LOG_DIR/nova-$suffix.log
state_path = $STATE_DIR/nova-$suffix
transport_url = fake://
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $LAB_SRC/paste/nova.ini
[api_database]
connection = $(db_url "$(db_name nova_api "$cloud" "$region")")
[database]
connection = $(db_url "$(db_name nova_cell0 "$cloud" "$region")")
$(authtoken_section "$cloud" "$region")
[keystone]
region_name = $region
valid_interfaces = public
[oslo_concurrency]
lock_path = $STATE_DIR/nova-$suffix/lock
EOF
}

write_clouds_yaml() {
  local row cloud region
  {
    echo "clouds:"
    for row in "${REGIONS[@]}"; do
      read -r cloud region _ <<<"$row"
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
    done
  } >"$CLOUDS_YAML"
}

write_configs() {
  local cloud
  for cloud in "${!KEYSTONE_PORT[@]}"; do write_keystone_conf "$cloud"; done
  for_each_region write_region_confs
  write_clouds_yaml
}

# ---- Database initialisation (schema syncs, Keystone bootstrap) --------------------------------------
keystone_manage() { py_entry keystone.cmd.manage:main keystone-manage --config-file "$ETC_DIR/keystone-$1.conf" "${@:2}"; }

init_keystone() {
  local cloud=$1 url="http://127.0.0.1:${KEYSTONE_PORT[$1]}/v3"
  keystone_manage "$cloud" db_sync
  keystone_manage "$cloud" fernet_setup --keystone-user root --keystone-group root
  keystone_manage "$cloud" credential_setup --keystone-user root --keystone-group root
  # Creates the admin/member/reader roles, admin user/project and RegionOne's identity endpoint.
  keystone_manage "$cloud" bootstrap --bootstrap-password "${ADMIN_PASSWORD[$cloud]}" \
    --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id RegionOne --bootstrap-public-url "$url"
}

# On MariaDB Neutron's real alembic migrations work (they do not on SQLite, trap 3).
init_neutron() {
  py_entry neutron.db.migration.cli:main neutron-db-manage --config-file "$ETC_DIR/neutron-$1-$2.conf" upgrade heads
}

init_cinder() {
  py_entry cinder.cmd.manage:main cinder-manage --config-file "$ETC_DIR/cinder-$1-$2.conf" db sync
}

# Trap 7: "db sync" of the cell database run alongside the cell0 mapping fails; --local_cell syncs only
# the [database] (cell0) schema, after the mapping exists.
init_nova() {
  local conf=$ETC_DIR/nova-$1-$2.conf
  py_entry nova.cmd.manage:main nova-manage --config-file "$conf" api_db sync
  py_entry nova.cmd.manage:main nova-manage --config-file "$conf" cell_v2 map_cell0 \
    --database_connection "$(db_url "$(db_name nova_cell0 "$1" "$2")")"
  py_entry nova.cmd.manage:main nova-manage --config-file "$conf" db sync --local_cell
}

init_databases() {
  local jobs=() cloud row region
  create_databases
  for cloud in "${!KEYSTONE_PORT[@]}"; do jobs+=("init-keystone-$cloud=init_keystone $cloud"); done
  for row in "${REGIONS[@]}"; do
    read -r cloud region _ <<<"$row"
    jobs+=("init-neutron-$cloud-$region=init_neutron $cloud $region"
      "init-cinder-$cloud-$region=init_cinder $cloud $region"
      "init-nova-$cloud-$region=init_nova $cloud $region")
  done
  run_parallel "${jobs[@]}"
}

# Catalog (both block storage service types: the CLI wants volumev3, gophercloud block-storage) and the
# external "public" network of each region. Needs the services running.
register_region() {
  local cloud=$1 region=$2 neutron_port=$3 cinder_port=$4 nova_port=$5
  "$PY" "$LAB_SRC/labctl.py" register "$cloud-$region" \
    "identity=http://127.0.0.1:${KEYSTONE_PORT[$cloud]}/v3" \
    "network=http://127.0.0.1:$neutron_port" \
    "compute=http://127.0.0.1:$nova_port/v2.1" \
    "volumev3=http://127.0.0.1:$cinder_port/v3/%(project_id)s" \
    "block-storage=http://127.0.0.1:$cinder_port/v3/%(project_id)s"
}

create_public_network() {
  "$PY" "$LAB_SRC/labctl.py" public-network "$1-$2" "$7" "$6"
}

# ---- Cache of initialised databases ------------------------------------------------------------------
# Keyed by the installed package versions and the lab's own files: any change re-initialises.
cache_key() {
  {
    dpkg-query -W -f='${Package}=${Version}\n'
    cat "$LAB_SRC"/*.sh "$LAB_SRC"/*.py "$LAB_SRC"/paste/*.ini
  } | sha256sum | cut -c1-16
}

# A logical dump, taken while everything runs (--single-transaction gives a consistent snapshot),
# plus Keystone's fernet/credential keys.
save_cache() {
  local dest=$LAB_CACHE/$CACHE_KEY tmp
  mkdir -p "$LAB_CACHE"
  tmp=$(mktemp -d "$LAB_CACHE/.new.XXXXXX")
  mariadb-dump --no-defaults --socket="$DB_SOCKET" -u root --single-transaction --skip-lock-tables \
    --databases $(sql -N -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'keystone\_%' OR schema_name LIKE 'neutron\_%' OR schema_name LIKE 'cinder\_%' OR schema_name LIKE 'nova\_%'") \
    >"$tmp/databases.sql"
  tar -C "$STATE_DIR" -cf "$tmp/keystone-keys.tar" $(cd "$STATE_DIR" && echo keystone-*)
  rm -rf "$dest" "$LAB_CACHE"/[0-9a-f]*
  mv "$tmp" "$dest"
  log "saved initialised databases to $dest"
}

restore_cache() {
  local src=$LAB_CACHE/$CACHE_KEY
  create_databases
  sql <"$src/databases.sql"
  tar -C "$STATE_DIR" -xf "$src/keystone-keys.tar"
}

# ---- Services ----------------------------------------------------------------------------------------
# Trap 5: uwsgi's --http-socket resets connections and --http11-socket stalls 3-4 s on keep-alive;
# the HTTP router (--http) with --http-keepalive works.
start_keystone() {
  local cloud=$1
  start_service "keystone-$cloud" uwsgi --plugin python3,http --http "127.0.0.1:${KEYSTONE_PORT[$cloud]}" \
    --http-keepalive --master --processes 2 --threads 1 --buffer-size 32768 --die-on-term --need-app \
    --disable-logging --wsgi-file /usr/bin/keystone-wsgi-public \
    --env "OS_KEYSTONE_CONFIG_FILES=$ETC_DIR/keystone-$cloud.conf"
}

start_region() {
  local suffix=$1-$2 name
  name=neutron-$suffix
  service_running "$name" || start_service "$name" py_entry neutron.cmd.eventlet.server:main neutron-server --config-file "$ETC_DIR/$name.conf"
  name=cinder-$suffix
  service_running "$name" || start_service "$name" py_entry cinder.cmd.api:main cinder-api --config-file "$ETC_DIR/$name.conf"
  name=nova-$suffix
  service_running "$name" || start_service "$name" py_entry nova.cmd.api:main nova-api --config-file "$ETC_DIR/$name.conf"
}

start_missing_services() {
  local cloud
  for cloud in "${!KEYSTONE_PORT[@]}"; do
    service_running "keystone-$cloud" || start_keystone "$cloud"
  done
  for_each_region start_region
}

wait_healthy() {
  "$PY" "$LAB_SRC/labctl.py" wait --timeout "$START_TIMEOUT" --log-dir "$LOG_DIR"
}

# ---- Main ------------------------------------------------------------------------------------------
main() {
  local t0=$SECONDS fresh=none
  ensure_packages
  mkdir -p "$PID_DIR" "$LOG_DIR" "$ETC_DIR" "$STATE_DIR"
  export OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML

  if [[ ! -e $INIT_MARKER ]]; then
    # A previous run died half-way (or this is a fresh state dir): start over from empty databases.
    stop_all
    rm -rf "$DB_DATADIR" "$STATE_DIR"
    mkdir -p "$STATE_DIR"
    CACHE_KEY=$(cache_key)
    if [[ -f $LAB_CACHE/$CACHE_KEY/databases.sql ]]; then fresh=cache; else fresh=scratch; fi
  fi
  write_configs

  if ! service_running mariadb; then
    log "starting MariaDB"
    start_mariadb
  fi
  wait_mariadb

  case $fresh in
    cache) log "restoring initialised databases from $LAB_CACHE/$CACHE_KEY"; restore_cache ;;
    scratch) log "initialising databases (no cache yet)"; init_databases ;;
  esac

  start_missing_services
  if [[ $fresh == scratch ]]; then
    log "registering the service catalog"
    for_each_region register_region
  fi
  log "waiting for all services to answer"
  wait_healthy
  if [[ $fresh == scratch ]]; then
    log "creating the external networks"
    for_each_region create_public_network
    save_cache
  fi
  touch "$INIT_MARKER"

  log "lab healthy after $((SECONDS - t0)) s; clouds: lab-RegionOne lab-RegionTwo lab2-RegionOne"
  echo "export OS_CLIENT_CONFIG_FILE=$CLOUDS_YAML"
}

main "$@"
