#!/usr/bin/env bash
# Installs (from Debian packages, when missing) and starts the database servers the tests run against:
# PostgreSQL 15 and MariaDB, each in a throw-away data directory, listening on loopback only.
# Source it: it exports SLUICE_TEST_POSTGRES and SLUICE_TEST_MYSQL (ADO.NET connection strings)
# and defines stop_test_services.
set -euo pipefail

SERVICES_DIR="${SLUICE_SERVICES_DIR:-/tmp/sluice-test-services}"
PG_PORT="${SLUICE_PG_PORT:-55432}"
MY_PORT="${SLUICE_MY_PORT:-53306}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local need=()
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
  if [ ${#need[@]} -gt 0 ]; then
    echo "test-services: installing ${need[*]} from Debian" >&2
    as_root apt-get update -qq
    # The packages' own init scripts would start servers on the default ports; we run our own instances.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

start_postgres() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local data="$SERVICES_DIR/pg"
  as_root rm -rf "$data"; mkdir -p "$data"; as_root chown postgres:postgres "$data"
  as_root runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  as_root runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $data -c max_connections=300 -c fsync=on -c shared_buffers=256MB" start >/dev/null
  export SLUICE_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=100"
  export SLUICE_PG_BIN="$bin" SLUICE_PG_DATA="$data"
}

start_mariadb() {
  local data="$SERVICES_DIR/mariadb"
  as_root rm -rf "$data"; mkdir -p "$data"; as_root chown mysql:mysql "$data" 2>/dev/null || true
  as_root mariadb-install-db --user=mysql --datadir="$data" --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null 2>&1
  as_root mariadbd --user=mysql --datadir="$data" --bind-address=127.0.0.1 --port="$MY_PORT" \
    --socket="$data/mysqld.sock" --pid-file="$data/mysqld.pid" --max-connections=500 \
    --log-error="$data/server.log" --skip-name-resolve >/dev/null 2>&1 &
  for _ in $(seq 1 60); do
    mariadb --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -uroot -e 'select 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb --protocol=tcp -h 127.0.0.1 -P "$MY_PORT" -uroot -e 'select 1' >/dev/null \
    || { echo "test-services: MariaDB did not start; log follows" >&2; cat "$data/server.log" >&2; return 1; }
  export SLUICE_TEST_MYSQL="Server=127.0.0.1;Port=$MY_PORT;User ID=root;Database=mysql;Maximum Pool Size=100"
  export SLUICE_MY_DATA="$data"
}

# Stops the servers of this services folder, also when they were started by an earlier shell (sourcing twice must not
# wipe the data directory of a server that is still running).
stop_test_services() {
  local pg="${SLUICE_PG_DATA:-$SERVICES_DIR/pg}" my="${SLUICE_MY_DATA:-$SERVICES_DIR/mariadb}" pid
  if [ -f "$pg/postmaster.pid" ]; then
    pid=$(head -1 "$pg/postmaster.pid")
    as_root kill -INT "$pid" 2>/dev/null && while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  if [ -f "$my/mysqld.pid" ]; then
    pid=$(cat "$my/mysqld.pid")
    as_root kill "$pid" 2>/dev/null && while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  return 0
}

install_missing
mkdir -p "$SERVICES_DIR"
stop_test_services
start_postgres
start_mariadb
echo "test-services: PostgreSQL on 127.0.0.1:$PG_PORT, MariaDB on 127.0.0.1:$MY_PORT" >&2
set +e +u +o pipefail
