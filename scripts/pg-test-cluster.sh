#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (issue 14): `start DIR` makes a cluster (initdb as
# the postgres user when run as root; its files in /tmp/so-pg-test.*), starts it on a free loopback
# port and writes its URL to DIR/url; `stop DIR` stops it and removes both folders. Exit 77 (the tests' "skip") when the
# PostgreSQL server binaries are not installed (scripts/install-deps.sh installs them).
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "SKIP: PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)"
  exit 77
fi

# initdb refuses to run as root: the cluster belongs to the postgres user then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    "$0" stop "$dir" >/dev/null 2>&1 || true
    mkdir -p "$dir"
    # The cluster's files live in a folder of their own under /tmp, which the postgres user can
    # reach whatever the permissions of DIR's parents (a CI checkout may sit below a 700 folder).
    data_root="$(mktemp -d /tmp/so-pg-test.XXXXXX)"
    chmod 755 "$data_root"
    echo "$data_root" >"$dir/data_root"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data_root"; fi
    as_owner "$bin/initdb" -D "$data_root/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # A free loopback port: the first one nothing answers on.
    port=""
    for p in $(seq 55432 55631); do
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port="$p"; break; fi
    done
    [ -n "$port" ] || { echo "no free port in 55432-55631" >&2; exit 1; }
    # Loopback only, sockets in the data root, fsync off (a test cluster: speed over durability).
    as_owner "$bin/pg_ctl" -D "$data_root/data" -l "$data_root/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $data_root -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$data_root/server.log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
    echo "PostgreSQL test cluster on 127.0.0.1:$port ($data_root)"
    ;;
  stop)
    if [ -f "$dir/data_root" ]; then
      data_root="$(cat "$dir/data_root")"
      if [ -f "$data_root/data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$data_root/data" -m fast -w stop >/dev/null || true; fi
      case "$data_root" in /tmp/so-pg-test.*) rm -rf "$data_root" ;; esac
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
