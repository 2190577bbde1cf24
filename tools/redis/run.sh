#!/bin/sh
# tools/redis/run.sh COMMAND...: runs COMMAND next to a throwaway Redis server, with
# DOKU_TEST_REDIS_URL naming it, and stops it afterwards, whatever COMMAND did. The server
# listens on 127.0.0.1 on a free port, keeps nothing on disk (build/redis holds its pid and
# log) and runs as an unprivileged user (doku-pg, created when missing, when run as root).
# Debian's redis-server package is installed when missing (as root; its own service is not
# started), so a fresh machine needs nothing by hand.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$ROOT/build/redis
. "$ROOT/tools/services.sh"

if ! command -v redis-server >/dev/null; then
  # policy-rc.d 101: the package must not start (or leave running) a server of its own.
  had_policy=0; [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  if [ $had_policy = 0 ] && [ "$(id -u)" = 0 ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi
  apt_install redis redis-server
  [ $had_policy = 1 ] || rm -f /usr/sbin/policy-rc.d
fi

service_user "$DIR"
PORT=$(free_port)
$RUN redis-server --bind 127.0.0.1 --port "$PORT" --save "" --appendonly no --dir "$DIR" \
  --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --protected-mode yes

stop() {
  if [ -s "$DIR/redis.pid" ]; then kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true; fi
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -e "$DIR/redis.pid" ] || break; sleep 0.2; done
  rm -rf "$DIR"
}
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2).close()" 2>/dev/null && break
  sleep 0.1
done
echo "redis: $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$PORT" >&2

DOKU_TEST_REDIS_URL="redis://127.0.0.1:$PORT/0"
export DOKU_TEST_REDIS_URL
status=0
"$@" || status=$?
exit $status
