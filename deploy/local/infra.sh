#!/usr/bin/env bash
# Local real infrastructure for Countersign: a single-node KRaft Kafka broker and
# FerretDB (MongoDB wire protocol) on PostgreSQL (Debian's, installed with apt-get when
# missing) or on SQLite. No Docker: Kafka's jars come from Maven Central via kafka/pom.xml,
# FerretDB is a small Go program (ferretdb/) that embeds it.
#
#   infra.sh up       fetch/build/install if needed, start all, wait until ready
#   infra.sh down     stop both (SIGTERM, then SIGKILL after a grace period)
#   infra.sh status   exit 0 only if both are running and answer a real request
#   infra.sh reset    down, then delete data and logs (keeps the build cache)
#   infra.sh stop kafka|ferretdb   stop one of them, keeping its data (outage tests); `up` starts it again
#
# `up` prints the connection settings as KEY=VALUE lines on stdout (all progress goes
# to stderr), so `set -a; eval "$(deploy/local/infra.sh up)"; set +a` exports them.
#
# Environment (all optional):
#   COUNTERSIGN_KAFKA_PORT             broker listener (19092)
#   COUNTERSIGN_KAFKA_CONTROLLER_PORT  KRaft controller listener (broker port + 1)
#   COUNTERSIGN_FERRET_PORT            FerretDB listener (27018, not 27017: no clash with a real mongod)
#   COUNTERSIGN_FERRET_BACKEND         postgresql (default: faster, see README) or sqlite
#   COUNTERSIGN_PG_PORT                PostgreSQL listener for FerretDB's backend (54329)
#   COUNTERSIGN_PG_BIN                 PostgreSQL's bin dir (newest /usr/lib/postgresql/*/bin)
#   COUNTERSIGN_INFRA_SERVICES         what up/down/status/reset manage ("kafka ferretdb");
#                                      "ferretdb" alone tests a FerretDB on other ports
#   COUNTERSIGN_INFRA_DIR              runtime dir: data, logs, pid files (deploy/local/.run)
#   COUNTERSIGN_INFRA_CACHE            jars and built binary (deploy/local/.cache)
#   COUNTERSIGN_INFRA_TIMEOUT          seconds to wait for readiness (120)
#   COUNTERSIGN_KAFKA_HEAP             JVM heap flags ("-Xms128m -Xmx512m")
#   COUNTERSIGN_INFRA_NODE             node binary for the probes; "" = no-Node fallbacks
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUN_DIR=${COUNTERSIGN_INFRA_DIR:-$HERE/.run}
CACHE_DIR=${COUNTERSIGN_INFRA_CACHE:-$HERE/.cache}
KAFKA_PORT=${COUNTERSIGN_KAFKA_PORT:-19092}
KAFKA_CTRL_PORT=${COUNTERSIGN_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}
FERRET_PORT=${COUNTERSIGN_FERRET_PORT:-27018}
FERRET_BACKEND=${COUNTERSIGN_FERRET_BACKEND:-postgresql}
PG_PORT=${COUNTERSIGN_PG_PORT:-54329}
SERVICES=" ${COUNTERSIGN_INFRA_SERVICES:-kafka ferretdb} "
case $FERRET_BACKEND in postgresql | sqlite) ;; *) echo "COUNTERSIGN_FERRET_BACKEND: postgresql or sqlite (got \"$FERRET_BACKEND\")" >&2; exit 2 ;; esac
TIMEOUT=${COUNTERSIGN_INFRA_TIMEOUT:-120}
KAFKA_HEAP=${COUNTERSIGN_KAFKA_HEAP:--Xms128m -Xmx512m}
HOST=127.0.0.1
# Fixed KRaft cluster id (base64url of 16 bytes "countersign-loca"): the data dir is
# formatted once and reused, so the id only has to be stable, not random.
KAFKA_CLUSTER_ID=Y291bnRlcnNpZ24tbG9jYQ

LOG_DIR=$RUN_DIR/logs
KAFKA_LOG4J=(-Dlog4j.configuration="file:$HERE/kafka/log4j.properties" -Dcountersign.kafka.log="$LOG_DIR/kafka.log")
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
# Node runs probe.mjs. Prefer the repo's pinned one, else PATH's. Without Node the
# probes fall back to Kafka's own CLI (slower) and a bare TCP connect for FerretDB.
if [[ -z ${COUNTERSIGN_INFRA_NODE+set} ]]; then
  NODE=$REPO/node_modules/.bin/node
  [[ -x $NODE ]] || NODE=$(command -v node || true)
else NODE=$COUNTERSIGN_INFRA_NODE; fi

say() { echo "[infra] $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# --- helpers ----------------------------------------------------------------------

# Short content hash of files (plus extra strings) -> cache key; changes rebuild.
cache_key() { { cat "$@"; echo "${EXTRA_KEY:-}"; } | sha256sum | cut -c1-16; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

# pid from $RUN_DIR/<name>.pid if that process is alive AND is ours (the command line
# matches), so a stale pid file whose pid got reused is not mistaken for the service.
running_pid() {
  local f=$RUN_DIR/$1.pid pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  if [[ -n $pid ]] && ps -p "$pid" -o args= 2>/dev/null | grep -q -- "$2"; then echo "$pid"; return 0; fi
  rm -f "$f"; return 1
}
kafka_pid() { running_pid kafka 'kafka\.Kafka'; }
ferret_pid() { running_pid ferretdb 'ferretdb-local'; }

show_log_tail() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || continue
    say "---- last 30 lines of $f ----"; tail -n 30 "$f" >&2
  done
}

# --- artifacts (cached) -----------------------------------------------------------

kafka_libs() {
  local key dir
  key=$(cache_key "$HERE/kafka/pom.xml")
  dir=$CACHE_DIR/kafka/$key
  if [[ ! -f $dir/.complete ]]; then
    say "kafka: fetching jars from Maven Central (cache key $key)..."
    rm -rf "$dir" && mkdir -p "$dir" "$LOG_DIR"
    if ! mvn -B -q -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$dir/libs" >"$LOG_DIR/build-kafka.log" 2>&1; then
      show_log_tail "$LOG_DIR/build-kafka.log"; die "kafka: mvn copy-dependencies failed"
    fi
    touch "$dir/.complete"
    find "$CACHE_DIR/kafka" -mindepth 1 -maxdepth 1 ! -name "$key" -exec rm -rf {} +  # old keys
  fi
  echo "$dir/libs"
}

ferret_bin() {
  local key dir
  key=$(EXTRA_KEY="$(go version) both-backends" cache_key "$HERE"/ferretdb/{main.go,go.mod,go.sum})
  dir=$CACHE_DIR/ferretdb/$key
  if [[ ! -x $dir/ferretdb-local ]]; then
    say "ferretdb: building (cache key $key; 1-2 min cold: modernc.org/sqlite is large)..."
    rm -rf "$dir" && mkdir -p "$dir" "$LOG_DIR"
    # -buildvcs=false: don't stamp the repo's git state (and don't fail without git).
    # Both backends (PostgreSQL and SQLite): COUNTERSIGN_FERRET_BACKEND picks one at start.
    if ! (cd "$HERE/ferretdb" && go build -trimpath -buildvcs=false \
          -o "$dir/ferretdb-local.tmp" .) >"$LOG_DIR/build-ferretdb.log" 2>&1; then
      show_log_tail "$LOG_DIR/build-ferretdb.log"; die "ferretdb: go build failed"
    fi
    mv "$dir/ferretdb-local.tmp" "$dir/ferretdb-local"
    find "$CACHE_DIR/ferretdb" -mindepth 1 -maxdepth 1 ! -name "$key" -exec rm -rf {} +
  fi
  echo "$dir/ferretdb-local"
}

# --- PostgreSQL (FerretDB's backend) ------------------------------------------------

PG_DATA=$RUN_DIR/postgres-data
PG_DB=ferretdb
# FerretDB v1 holds a pooled connection per replace until its update command ends, so its pool
# (50 by default) bounds the replaces in flight: 100, as its SQLite backend has, and room in
# max_connections for it and for psql.
PG_POOL=100

pg_bin() {
  local dir=${COUNTERSIGN_PG_BIN:-}
  if [[ -z $dir ]]; then dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true); fi
  if [[ -z $dir || ! -x $dir/initdb ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      say "postgresql: not installed; apt-get install postgresql (Debian's)..."
      mkdir -p "$LOG_DIR"
      { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; } \
        >"$LOG_DIR/install-postgresql.log" 2>&1 || { show_log_tail "$LOG_DIR/install-postgresql.log"; die "postgresql: apt-get install failed"; }
      dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    else
      die "postgresql: no /usr/lib/postgresql/*/bin/initdb; install it (apt-get install postgresql), set COUNTERSIGN_PG_BIN, or COUNTERSIGN_FERRET_BACKEND=sqlite"
    fi
  fi
  echo "$dir"
}

# PostgreSQL refuses to run as root: as root, its files belong to (and it runs as) the
# postgres user that Debian's package creates.
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_running() { [[ -f $PG_DATA/postmaster.pid ]] && as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; }

start_pg() {
  mkdir -p "$PG_DATA" "$LOG_DIR"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DATA" && chmod 700 "$PG_DATA"
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    say "postgresql: initdb in $PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$LOG_DIR/initdb.log" 2>&1 \
      || { show_log_tail "$LOG_DIR/initdb.log"; die "postgresql: initdb failed"; }
  fi
  rotate "$LOG_DIR/postgresql.log"
  touch "$LOG_DIR/postgresql.log"; [[ $(id -u) -eq 0 ]] && chown postgres: "$LOG_DIR/postgresql.log"
  say "postgresql: starting on $HOST:$PG_PORT"
  # TCP on 127.0.0.1 only (trust: local development), no Unix socket to collide with a system one.
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOG_DIR/postgresql.log" -w -t "$TIMEOUT" \
    -o "-p $PG_PORT -c listen_addresses=$HOST -c unix_socket_directories= -c max_connections=$((PG_POOL + 50))" start >/dev/null 9>&- \
    || { show_log_tail "$LOG_DIR/postgresql.log"; die "postgresql: start failed"; }
  if [[ -z $(as_pg "$PG_BIN/psql" -h "$HOST" -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") ]]; then
    as_pg "$PG_BIN/createdb" -h "$HOST" -p "$PG_PORT" -U postgres "$PG_DB" || die "postgresql: createdb $PG_DB failed"
  fi
  say "postgresql ready"
}

stop_pg() {
  PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)}
  if [[ -z $PG_BIN ]] || ! pg_running; then say "postgresql: not running"; return 0; fi
  say "postgresql: stopping"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
}

# --- readiness probes -------------------------------------------------------------

kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  if [[ -n $NODE ]]; then
    "$NODE" "$HERE/probe.mjs" kafka "$HOST:$KAFKA_PORT" 2>/dev/null
  else  # no Node: the broker's own CLI (a JVM start per try, so slower)
    "$JAVA" -cp "$KAFKA_LIBS/*" kafka.admin.BrokerApiVersionsCommand \
      --bootstrap-server "$HOST:$KAFKA_PORT" >/dev/null 2>&1
  fi
}

ferret_ready() {
  port_open "$FERRET_PORT" || return 1
  [[ -z $NODE ]] || "$NODE" "$HERE/probe.mjs" mongo "$HOST:$FERRET_PORT" 2>/dev/null
}

# wait_ready <name> <ready-fn> <pid-fn> <stop-fn> <log files...>
wait_ready() {
  local name=$1 ready=$2 pidfn=$3 stopfn=$4; shift 4
  local deadline=$((SECONDS + TIMEOUT))
  until "$ready"; do
    if ! "$pidfn" >/dev/null; then
      show_log_tail "$@"; die "$name exited during start-up (logs above)"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$@"; "$stopfn"
      die "$name not ready after ${TIMEOUT}s; stopped it (logs above)"
    fi
    sleep 0.5
  done
  say "$name ready"
}

# --- start / stop -----------------------------------------------------------------

# Keep the previous run's log as <file>.prev so a failure shows only this run's lines.
rotate() { local f; for f in "$@"; do [[ -f $f ]] && mv -f "$f" "$f.prev"; done; return 0; }

# Fail before starting anything if a port is held by something infra.sh didn't start.
check_port() {
  if port_open "$1"; then die "port $1 is already in use by a process infra.sh did not start (set $2)"; fi
}

start_kafka() {
  local data=$RUN_DIR/kafka-data conf=$RUN_DIR/kafka/server.properties
  mkdir -p "$data" "$RUN_DIR/kafka" "$LOG_DIR"
  rotate "$LOG_DIR/kafka.log" "$LOG_DIR/kafka.out"
  # Regenerated on every start so port overrides take effect.
  cat >"$conf" <<EOF
# Generated by deploy/local/infra.sh - edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CTRL_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CTRL_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=1
# Single node: internal topics must have RF 1 or consumer groups/transactions never work.
# One partition each: they are created lazily on first use, and 50 (the default) makes
# the first group join / transactional init take seconds on a 2-core machine.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
# Tests join groups constantly; don't wait 3 s for more members.
group.initial.rebalance.delay.ms=0
# Tests must create their topics explicitly (as production does).
auto.create.topics.enable=false
EOF
  if [[ ! -f $data/meta.properties ]]; then
    say "kafka: formatting storage in $data"
    "$JAVA" -cp "$KAFKA_LIBS/*" "${KAFKA_LOG4J[@]}" kafka.tools.StorageTool \
      format -t "$KAFKA_CLUSTER_ID" -c "$conf" --ignore-formatted >>"$LOG_DIR/kafka.out" 2>&1 \
      || { show_log_tail "$LOG_DIR/kafka.out"; die "kafka: storage format failed"; }
  fi
  say "kafka: starting on $HOST:$KAFKA_PORT (controller $KAFKA_CTRL_PORT)"
  # kafka.log: broker log via log4j (rolling). kafka.out: JVM stdout/stderr (crashes, OOM).
  # shellcheck disable=SC2086 # KAFKA_HEAP is a list of flags
  nohup "$JAVA" $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    "${KAFKA_LOG4J[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$conf" >>"$LOG_DIR/kafka.out" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN_DIR/kafka.pid"
}

start_ferret() {
  local backend=(-handler sqlite -data "$RUN_DIR/ferretdb-data")
  mkdir -p "$LOG_DIR"
  if [[ $FERRET_BACKEND == postgresql ]]; then
    backend=(-handler postgresql -postgresql-url "postgres://postgres@$HOST:$PG_PORT/$PG_DB?pool_max_conns=$PG_POOL")
  else mkdir -p "$RUN_DIR/ferretdb-data"; fi
  rotate "$LOG_DIR/ferretdb.log"
  say "ferretdb: starting on $HOST:$FERRET_PORT ($FERRET_BACKEND)"
  nohup "$FERRET_BIN" -listen "$HOST:$FERRET_PORT" "${backend[@]}" \
    >"$LOG_DIR/ferretdb.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN_DIR/ferretdb.pid"
}

# stop <name> <pid-fn> <grace seconds>
stop() {
  local name=$1 pid i
  pid=$("$2") || { say "$name: not running"; return 0; }
  say "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $3 * 2; i++)); do
    ps -p "$pid" >/dev/null 2>&1 || break
    sleep 0.5
  done
  if ps -p "$pid" >/dev/null 2>&1; then
    say "$name: still alive after $3s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while ps -p "$pid" >/dev/null 2>&1; do sleep 0.2; done
  fi
  rm -f "$RUN_DIR/$name.pid"
}
# Kafka's controlled shutdown (flush, close the metadata log) takes a few seconds.
stop_kafka() { stop kafka kafka_pid 30; }
stop_ferret() { stop ferretdb ferret_pid 10; }

print_env() {
  wants kafka && echo "COUNTERSIGN_KAFKA_BROKERS=$HOST:$KAFKA_PORT"
  wants ferretdb && echo "COUNTERSIGN_MONGO_URL=mongodb://$HOST:$FERRET_PORT/"
  return 0
}

wants() { [[ $SERVICES == *" $1 "* ]]; }

# --- commands ---------------------------------------------------------------------

cmd_up() {
  local t0=$SECONDS kafka_up=1 ferret_up=1
  wants kafka && ! kafka_pid >/dev/null && kafka_up=0
  wants ferretdb && ! ferret_pid >/dev/null && ferret_up=0
  ((kafka_up)) || { check_port "$KAFKA_PORT" COUNTERSIGN_KAFKA_PORT; check_port "$KAFKA_CTRL_PORT" COUNTERSIGN_KAFKA_CONTROLLER_PORT; }
  ((ferret_up)) || check_port "$FERRET_PORT" COUNTERSIGN_FERRET_PORT
  # Kafka first: its JVM boots while FerretDB is (maybe) being compiled.
  if wants kafka; then
    KAFKA_LIBS=$(kafka_libs)
    if ((kafka_up)); then say "kafka: already running (pid $(kafka_pid))"; else start_kafka; fi
  fi
  if wants ferretdb && ((ferret_up)); then say "ferretdb: already running (pid $(ferret_pid))"
  elif wants ferretdb; then
    if [[ $FERRET_BACKEND == postgresql ]]; then
      PG_BIN=$(pg_bin)
      if pg_running; then say "postgresql: already running"; else check_port "$PG_PORT" COUNTERSIGN_PG_PORT; start_pg; fi
    fi
    FERRET_BIN=$(ferret_bin); start_ferret
  fi
  wants kafka && wait_ready kafka kafka_ready kafka_pid stop_kafka "$LOG_DIR/kafka.log" "$LOG_DIR/kafka.out"
  wants ferretdb && wait_ready ferretdb ferret_ready ferret_pid stop_ferret "$LOG_DIR/ferretdb.log"
  say "up in $((SECONDS - t0))s; logs in $LOG_DIR"
  print_env
}

cmd_status() {
  local ok=0 pid
  KAFKA_LIBS=$CACHE_DIR/kafka/$(cache_key "$HERE/kafka/pom.xml")/libs  # only for the no-Node probe
  if ! wants kafka; then :
  elif pid=$(kafka_pid); then
    if kafka_ready; then say "kafka: ready at $HOST:$KAFKA_PORT (pid $pid)"; else say "kafka: running (pid $pid) but not answering"; ok=1; fi
  else say "kafka: stopped"; ok=1; fi
  if ! wants ferretdb; then :
  elif pid=$(ferret_pid); then
    if ferret_ready; then say "ferretdb: ready at $HOST:$FERRET_PORT (pid $pid)"; else say "ferretdb: running (pid $pid) but not answering"; ok=1; fi
  else say "ferretdb: stopped"; ok=1; fi
  say "logs: $LOG_DIR"
  ((ok == 0)) && print_env
  return $ok
}

mkdir -p "$RUN_DIR"
# Serialise concurrent invocations (e.g. parallel test projects all calling `up`).
# The services are started with `9>&-` so they don't inherit (and hold) this lock.
exec 9>"$RUN_DIR/.lock"
if command -v flock >/dev/null; then flock 9; fi

case ${1:-} in
  up) cmd_up ;;
  down) if wants ferretdb; then stop_ferret; stop_pg; fi; if wants kafka; then stop_kafka; fi ;;
  status) cmd_status ;;
  reset)
    if wants ferretdb; then stop_ferret; stop_pg; rm -rf "$RUN_DIR/ferretdb-data" "$PG_DATA"; fi
    if wants kafka; then stop_kafka; rm -rf "$RUN_DIR/kafka-data" "$RUN_DIR/kafka"; fi
    rm -rf "$LOG_DIR"; say "data and logs deleted" ;;
  stop)
    case ${2:-} in
      kafka) stop_kafka ;;
      ferretdb) stop_ferret ;;  # PostgreSQL keeps running: the outage is FerretDB's
      *) echo "usage: $0 stop kafka|ferretdb" >&2; exit 2 ;;
    esac ;;
  *) echo "usage: $0 up|down|status|reset|stop kafka|ferretdb" >&2; exit 2 ;;
esac
