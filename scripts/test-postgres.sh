#!/usr/bin/env bash
# Run a command (the test suite) against a throwaway PostgreSQL cluster, then remove it.
# The server refuses to run as root, so as root the cluster belongs to the 'nobody' user.
set -euo pipefail

for tool in initdb pg_ctl; do
  if ! command -v "$tool" >/dev/null; then
    for dir in /usr/lib/postgresql/*/bin; do PATH="$PATH:$dir"; done
  fi
  command -v "$tool" >/dev/null || { echo "PostgreSQL server binaries ($tool) not found." >&2; exit 1; }
done

workdir=$(mktemp -d /tmp/safeguards-pg.XXXXXX)
chmod 755 "$workdir"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown nobody "$workdir"
  as_owner=(runuser -u nobody --)
fi

cleanup() {
  "${as_owner[@]}" pg_ctl -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

"${as_owner[@]}" initdb -D "$workdir/data" -U safeguards -A trust --no-instructions >"$workdir/initdb.log" 2>&1 \
  || { cat "$workdir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" pg_ctl -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-c listen_addresses='' -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$workdir/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://safeguards@/postgres?host=$workdir"
echo "PostgreSQL $(postgres --version | awk '{print $3}') running in $workdir"
"$@"
