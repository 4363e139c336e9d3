# Shared settings of the portal's scripts; sourced, never run.
# Every value can be overridden from the environment (see README, "Configuration").

SCMS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCMS_VAR="${SCMS_VAR:-$SCMS_ROOT/var}"
SCMS_VENV="${SCMS_VENV:-$SCMS_ROOT/.venv}"
SCMS_PYTHON="${SCMS_PYTHON:-python3}"
SCMS_HOST=127.0.0.1

SCMS_PG_PORT="${SCMS_PG_PORT:-15432}"
SCMS_REDIS_PORT="${SCMS_REDIS_PORT:-16379}"
SCMS_SOLR_PORT="${SCMS_SOLR_PORT:-18983}"
SCMS_CKAN_PORT="${SCMS_CKAN_PORT:-5000}"
# the demo's replay server of recorded feeds (ckanext.smartcityms.demo.replay)
SCMS_REPLAY_PORT="${SCMS_REPLAY_PORT:-18099}"
# the guarded proxy ckanext-xloader downloads through (development.ini: ckan.download_proxy)
SCMS_OUTBOUND_PORT="${SCMS_OUTBOUND_PORT:-18098}"
SCMS_SOLR_HEAP="${SCMS_SOLR_HEAP:-1g}"
# standalone: one Solr node on SCMS_SOLR_PORT. cloud: SolrCloud, ZooKeeper on SCMS_ZK_PORT and
# two nodes on SCMS_SOLR_PORT+1 and +2, behind nginx on SCMS_SOLR_PORT (CKAN's URL is the same).
SCMS_SOLR_MODE="${SCMS_SOLR_MODE:-standalone}"
SCMS_ZK_PORT="${SCMS_ZK_PORT:-$((SCMS_SOLR_PORT + 3))}"
# the demo's web server (bin/portal): gunicorn workers and their request timeout in seconds
SCMS_WEB_WORKERS="${SCMS_WEB_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
SCMS_WEB_TIMEOUT="${SCMS_WEB_TIMEOUT:-120}"
SCMS_PG_BIN="${SCMS_PG_BIN:-/usr/lib/postgresql/15/bin}"

# Local-only credentials: every service listens on 127.0.0.1 alone.
SCMS_DB_USER="${SCMS_DB_USER:-ckan_default}"
SCMS_DB_PASSWORD="${SCMS_DB_PASSWORD:-ckan_default}"
SCMS_DS_USER="${SCMS_DS_USER:-datastore_default}"
SCMS_DS_PASSWORD="${SCMS_DS_PASSWORD:-datastore_default}"

SCMS_RUN="$SCMS_VAR/run"
SCMS_LOG="$SCMS_VAR/log"

scms_say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
scms_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Points CKAN (for the "dev" or "test" site) at our services. CKAN reads
# these variables over the values in its ini file.
scms_site_env() {
  local site="$1" db ds redis_db core ini
  case "$site" in
    dev)  db=ckan_default; ds=datastore_default; redis_db=0; core=ckan; ini="$SCMS_ROOT/development.ini" ;;
    test) db=ckan_test;    ds=datastore_test;    redis_db=1; core=ckan_test; ini="$SCMS_ROOT/test.ini" ;;
    bench) db=ckan_bench;  ds=datastore_bench;   redis_db=2; core=ckan_bench; ini="$SCMS_ROOT/bench.ini" ;;
    # A second CKAN with stock plugins only: the federated consumer the interoperability tests harvest us with.
    stock) db=ckan_stock;  ds=datastore_stock;   redis_db=3; core=ckan_stock; ini="$SCMS_ROOT/tests/stock_ckan/stock.ini" ;;
    # The fresh site the backup test restores a backup of the test site into (tests/test_backup.py).
    restore) db=ckan_restore; ds=datastore_restore; redis_db=4; core=ckan_restore; ini="$SCMS_ROOT/test.ini" ;;
    *) scms_die "unknown site '$site' (dev, test, bench, stock or restore)" ;;
  esac
  local pg="$SCMS_HOST:$SCMS_PG_PORT"
  export CKAN_INI="$ini"
  export CKAN_SQLALCHEMY_URL="postgresql://$SCMS_DB_USER:$SCMS_DB_PASSWORD@$pg/$db"
  export CKAN_DATASTORE_WRITE_URL="postgresql://$SCMS_DB_USER:$SCMS_DB_PASSWORD@$pg/$ds"
  export CKAN_DATASTORE_READ_URL="postgresql://$SCMS_DS_USER:$SCMS_DS_PASSWORD@$pg/$ds"
  export CKAN_SOLR_URL="http://$SCMS_HOST:$SCMS_SOLR_PORT/solr/$core"
  scms_redis_password
  export CKAN_REDIS_URL="redis://:$SCMS_REDIS_PASSWORD@$SCMS_HOST:$SCMS_REDIS_PORT/$redis_db"
  export CKAN_STORAGE_PATH="$SCMS_VAR/storage/$site"
  export CKAN_SMARTCITYMS_OUTBOUND_PROXY="http://$SCMS_HOST:$SCMS_OUTBOUND_PORT"  # read by development.ini (CKAN interpolates CKAN_* variables)
  export CKAN_SMARTCITYMS_REPLAY_PORT="$SCMS_REPLAY_PORT"  # development.ini: the one internal address the demo may reach
  if [ "$site" = dev ]; then
    export CKAN_SITE_URL="${CKAN_SITE_URL:-http://$SCMS_HOST:$SCMS_CKAN_PORT}"
  fi
  mkdir -p "$CKAN_STORAGE_PATH"
  SCMS_DATABASES="$db $ds"
}

# Redis asks every client for a password, as in production (README, "Production
# notes"): SCMS_REDIS_PASSWORD, or one generated once into var/redis_password.
scms_redis_password() {
  if [ -z "${SCMS_REDIS_PASSWORD:-}" ]; then
    [ -s "$SCMS_VAR/redis_password" ] || { mkdir -p "$SCMS_VAR"; ( umask 077; python3 -c 'import secrets; print(secrets.token_hex(24))' > "$SCMS_VAR/redis_password" ); }
    SCMS_REDIS_PASSWORD="$(cat "$SCMS_VAR/redis_password")"
  fi
  [[ "$SCMS_REDIS_PASSWORD" =~ ^[A-Za-z0-9_.~-]+$ ]] || scms_die "SCMS_REDIS_PASSWORD may only hold letters, digits and _ . ~ - (it goes into a URL)"
}

# The demo's SECRET_KEY, generated once into var/secret_key (development.ini reads it).
scms_dev_secret() {
  [ -s "$SCMS_VAR/secret_key" ] || { mkdir -p "$SCMS_VAR"; ( umask 077; "$SCMS_VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$SCMS_VAR/secret_key" ); }
  export CKAN_SMARTCITYMS_SECRET_KEY="$(cat "$SCMS_VAR/secret_key")"
}

# --- helpers for the scripts that start processes ---------------------------

port_open() { (exec 3<>"/dev/tcp/$SCMS_HOST/$1") 2>/dev/null; }

port_owner() {
  command -v ss >/dev/null && ss -ltnpH "sport = :$1" 2>/dev/null | sed 's/.*users://' | head -1
}

refuse_taken_port() {  # service port variable
  if port_open "$2"; then
    scms_die "$1 cannot start: port $2 on $SCMS_HOST is already taken by another program $(port_owner "$2").
       Stop that program or choose another port, e.g. $3=$(( $2 + 1 )) make demo"
  fi
}

wait_for() {  # description seconds command...
  local what="$1" secs="$2"; shift 2
  for _ in $(seq "$((secs * 4))"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  scms_die "$what did not come up within ${secs}s; see the log under $SCMS_LOG"
}

pid_alive() {  # pidfile pattern-in-cmdline
  [ -s "$1" ] || return 1
  local pid; pid="$(cat "$1")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$2"
}

stop_pidfile() {  # description pidfile pattern-in-cmdline
  if pid_alive "$2" "$3"; then
    scms_say "Stopping $1"
    kill "$(cat "$2")"
    for _ in $(seq 120); do pid_alive "$2" "$3" || break; sleep 0.25; done
    pid_alive "$2" "$3" && kill -9 "$(cat "$2")"
  fi
  rm -f "$2"
}
