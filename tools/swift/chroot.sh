#!/usr/bin/env bash
# Debian's own Swift toolchain (package `swiftlang`, Debian trixie) in a chroot under build/,
# for the Swift tests on a Debian machine whose release has no Swift (bookworm).
#
#   tools/swift/chroot.sh ensure      make the chroot once (about 1 minute, 2.6 GB), reuse it after
#   tools/swift/chroot.sh run CMD...  run CMD inside it, in the current directory, with the repo
#                                     bound at the same path, in a mount namespace of its own (so no
#                                     mount outlives the command, even when it is killed)
#
# Exit 3 from `ensure` means no chroot can be made here (not root, no debootstrap and no apt-get
# to install it): the caller says so and skips. Everything comes from Debian's archive.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CHROOT="$ROOT/build/swift-root"
SUITE=trixie
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# What a ready chroot holds; a different stamp (a changed package list) makes it anew.
# swiftlang depends on gcc, which only recommends libc6-dev: the C headers the Clang importer
# reads. ca-certificates: a client for DOKU's https URLs needs the system's roots.
PACKAGES=(swiftlang libc6-dev ca-certificates)
STAMP="debootstrap minbase $SUITE; ${PACKAGES[*]}"

cannot() { echo "swift chroot: $*" >&2; exit 3; }

# Root, and namespaces that may mount (not so in an unprivileged container): else exit 3.
can_run() {
  [ "$(id -u)" = 0 ] || cannot "needs root (debootstrap, chroot and mounts)"
  command -v unshare >/dev/null 2>&1 || cannot "needs unshare (util-linux)"
  unshare --mount --propagation private --pid --fork -- true 2>/dev/null \
    || cannot "cannot make mount and PID namespaces here (a container without those rights?)"
}

ensure() {
  can_run
  if [ -f "$CHROOT/.doku-swift-ready" ] && [ "$(cat "$CHROOT/.doku-swift-ready")" = "$STAMP" ]; then
    return 0
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || cannot "needs debootstrap, and there is no apt-get to install it"
    echo "swift chroot: installing debootstrap from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  # Twice at most: a download cut short by the mirror should not fail the whole test run.
  local try
  for try in 1 2; do
    if make_root "$CHROOT.partial"; then
      mv "$CHROOT.partial" "$CHROOT"
      echo "swift chroot: ready, $(in_root "$CHROOT" / swift --version 2>/dev/null | head -1)"
      return 0
    fi
    echo "swift chroot: attempt $try failed" >&2
    tail -20 "$CHROOT.partial.log" >&2
  done
  rm -rf "$CHROOT.partial" "$CHROOT.partial.log"
  exit 1
}

# make_root DIR: debootstrap DIR and install the packages into it; the stamp is written last.
make_root() {
  local partial="$1"
  rm -rf "$partial" "$CHROOT"
  mkdir -p "$(dirname "$partial")"
  echo "swift chroot: debootstrap $SUITE into $partial (under a minute)"
  debootstrap --variant=minbase "$SUITE" "$partial" "$MIRROR" >"$partial.log" 2>&1 || return 1
  cp /etc/resolv.conf "$partial/etc/resolv.conf" || return 1
  echo "swift chroot: apt-get install ${PACKAGES[*]} inside it (about 1 minute, 2.4 GB more)"
  in_root "$partial" / apt-get update -qq >>"$partial.log" 2>&1 || return 1
  in_root "$partial" / apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >>"$partial.log" 2>&1 || return 1
  in_root "$partial" / apt-get clean || return 1
  echo "$STAMP" >"$partial/.doku-swift-ready" || return 1
  rm -f "$partial.log"
}

# in_root DIR CWD CMD...: CMD inside DIR, with /proc, /dev, a fresh /tmp and the repo mounted, in
# mount and PID namespaces of its own: when it ends or is killed, every process it started (a
# test's emulator, a hung test) and every mount goes with it, and no mount is ever visible
# outside (so removing the chroot cannot reach into the repo). A clean environment plus DOKU_*
# and TERM.
in_root() {
  local dir="$1" cwd="$2"
  shift 2
  local -a keep=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
  local v
  for v in $(compgen -e | grep -E '^(DOKU_[A-Z0-9_]+|TERM)$'); do
    keep+=("$v=${!v}")
  done
  ${IN_ROOT_EXEC:+exec} unshare --mount --propagation private --pid --fork --kill-child -- /bin/bash -euc '
    dir="$1"; cwd="$2"; root="$3"; shift 3
    mount -t proc proc "$dir/proc"
    mount --rbind /dev "$dir/dev"
    mount -t tmpfs tmpfs "$dir/tmp"
    mkdir -p "$dir$root"
    mount --bind "$root" "$dir$root"
    exec chroot "$dir" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
  ' _ "$dir" "$cwd" "$ROOT" /usr/bin/env -i "${keep[@]}" "$@"
}

case "${1:-}" in
  ensure) ensure ;;
  run)
    shift
    [ -f "$CHROOT/.doku-swift-ready" ] || { echo "swift chroot: not made yet (tools/swift/chroot.sh ensure)" >&2; exit 2; }
    can_run
    # unshare ignores SIGTERM and SIGINT while it waits, and the namespace's first process
    # ignores what it has no handler for: on any signal to this script, SIGKILL unshare, whose
    # --kill-child then ends the whole namespace.
    IN_ROOT_EXEC=1 in_root "$CHROOT" "$PWD" "$@" &
    child=$!
    trap 'kill -KILL "$child" 2>/dev/null; exit 143' TERM
    trap 'kill -KILL "$child" 2>/dev/null; exit 130' INT
    trap 'kill -KILL "$child" 2>/dev/null; exit 129' HUP
    wait "$child"
    ;;
  *) echo "usage: $0 ensure | run CMD..." >&2; exit 2 ;;
esac
