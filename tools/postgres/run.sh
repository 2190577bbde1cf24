#!/bin/sh
# tools/postgres/run.sh COMMAND...: runs COMMAND next to a throwaway PostgreSQL cluster, with
# DOKU_TEST_POSTGRES_URL naming it, and stops and deletes the cluster afterwards, whatever
# COMMAND did. The cluster lives in build/postgres, listens on 127.0.0.1 on a free port (TLS
# offered, with a throwaway CA that PGSSLROOTCERT names) and
# runs as an unprivileged user (doku-pg, created when missing, when run as root). Debian's
# postgresql package is installed when missing (as root; without creating or starting its own
# cluster), so a fresh machine needs nothing by hand.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$ROOT/build/postgres
. "$ROOT/tools/services.sh"

server_bin() {
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

BIN=$(server_bin || true)
if [ -z "$BIN" ]; then
  # The package would otherwise create and start a cluster of its own, left running.
  if [ "$(id -u)" = 0 ] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
  apt_install postgres postgresql
  BIN=$(server_bin)
fi

service_user "$DIR"
# TLS as production would have it: a throwaway CA and a server certificate for 127.0.0.1 and
# localhost. PGSSLROOTCERT (libpq's variable, which the store reads too) makes every client
# verify the server against that CA.
command -v openssl >/dev/null || apt_install postgres openssl
TLS=$DIR/tls
mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=doku-checkout test CA" \
  -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
  -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$TLS/server.ext"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial -days 2 \
  -extfile "$TLS/server.ext" -out "$TLS/server.pem" 2>/dev/null
chmod 600 "$TLS/server.key"
[ -z "$RUN" ] || chown doku-pg "$TLS/server.key" "$TLS/server.pem"
PORT=$(free_port)
started=$(date +%s)
$RUN "$BIN/initdb" --pgdata="$DIR/data" --username=doku --auth=trust --encoding=UTF8 --no-sync >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; exit 1; }

stop() {
  $RUN "$BIN/pg_ctl" --pgdata="$DIR/data" --mode=fast --wait stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
trap 'exit 130' INT TERM

# fsync off: a test cluster, thrown away after the run; every test still commits as usual.
$RUN "$BIN/pg_ctl" --pgdata="$DIR/data" --log="$DIR/server.log" --wait \
  --options="-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR/data -c fsync=off -c max_connections=200 -c ssl=on -c ssl_cert_file=$TLS/server.pem -c ssl_key_file=$TLS/server.key" \
  start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
echo "postgres: $("$BIN/postgres" --version) on 127.0.0.1:$PORT (ready in $(( $(date +%s) - started )) s)" >&2

DOKU_TEST_POSTGRES_URL="postgres://doku@127.0.0.1:$PORT/postgres"
PGSSLROOTCERT=$TLS/ca.pem
export DOKU_TEST_POSTGRES_URL PGSSLROOTCERT
status=0
"$@" || status=$?
exit $status
