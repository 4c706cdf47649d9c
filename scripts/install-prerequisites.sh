#!/usr/bin/env bash
# Installs what pgtop's tests and demo need from Debian's packages, when it is missing:
# PostgreSQL server binaries (initdb, postgres, pg_dump, pg_restore), PgBouncer, tmux, and Alembic with
# psycopg2 (the Alembic projects' tests).
# Packages' services are not started: the tests and the demo start their own servers.
set -euo pipefail

missing=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if ! command -v pg_dump >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_dump >/dev/null 2>&1; then
  missing+=(postgresql-client)
fi
if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
  missing+=(pgbouncer)
fi
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v alembic >/dev/null 2>&1 || missing+=(alembic)
python3 -c 'import psycopg2' >/dev/null 2>&1 || missing+=(python3-psycopg2)

if [ ${#missing[@]} -eq 0 ]; then
  echo "prerequisites: all present (PostgreSQL server, pg_dump, PgBouncer, tmux, Alembic, psycopg2)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "prerequisites: missing ${missing[*]}; run this script as root (sudo $0), or: apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "prerequisites: installing ${missing[*]}"
# Keep the packages from starting their system services (a cluster on 5432, a pooler on 6432).
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  made_policy=1
fi
trap '[ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
