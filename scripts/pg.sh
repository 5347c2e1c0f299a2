#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL server on a Unix socket, for tests and benchmarks.
# Usage: scripts/pg.sh start DIR  -> prints the DATABASE_URL;  scripts/pg.sh stop DIR
# Collation "C" orders text as C.UTF-8 does (by code point), but only "C" lets PostgreSQL sort
# with abbreviated keys: index builds on text columns are 25-40% faster.
set -euo pipefail
action=$1
dir=$(realpath -m "$2")
bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/postgres" ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U autocrm -A trust -E UTF8 --locale=C.UTF-8 --lc-collate=C >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
    as_pg "$bin/createdb" -h "$dir" -U autocrm autocrm
    echo "postgres://autocrm@$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1],safe=\"\"))" "$dir")/autocrm"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
    ;;
esac
