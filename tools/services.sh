# Shared by tools/postgres/run.sh and tools/redis/run.sh (sourced): installing a Debian package
# when missing, the unprivileged user the services run as, a fresh state directory and a free
# loopback port.

# apt_install WHAT PACKAGE...: installs Debian's packages as root, or says what is missing.
apt_install() {
  what=$1; shift
  [ "$(id -u)" = 0 ] || { echo "$what: Debian's $* is missing; install it (apt-get install $*)" >&2; exit 1; }
  echo "$what: installing Debian's $*" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# service_user DIR: sets RUN (the prefix running a command as doku-pg when root, created when
# missing; empty otherwise) and makes DIR afresh, owned by that user.
service_user() {
  RUN=""
  if [ "$(id -u)" = 0 ]; then
    id doku-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin doku-pg
    RUN="runuser -u doku-pg --"
  fi
  rm -rf "$1"
  mkdir -p "$1"
  [ -z "$RUN" ] || chown doku-pg "$1"
}

# free_port: a loopback port nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
