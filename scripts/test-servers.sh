#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers on 127.0.0.1 for the tests that need them (the Cluster test, the PostgreSQL
# provider tests). Installs postgresql and redis-server from Debian when missing.
#
#   eval "$(scripts/test-servers.sh start)"   starts both on free ports, waits until they accept connections, and prints
#                                            the export lines for JAKAMO_TEST_POSTGRES, JAKAMO_TEST_REDIS and
#                                            JAKAMO_TEST_SERVERS (the servers' folder); everything else goes to stderr.
#   scripts/test-servers.sh stop [folder]    stops both and removes their folder (default: $JAKAMO_TEST_SERVERS).
#
# Both keep everything in one temp folder and nothing on disk that outlives it: PostgreSQL runs without fsync, Redis
# without persistence. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user the package creates.
set -euo pipefail

pg_user="jakamo_test"
pg_password="jakamo-test-password"

say() { echo "test-servers: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Runs a PostgreSQL binary as the server's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] && echo "$bin"
}

install_missing() {
  local packages=()
  pg_bin >/dev/null || packages+=(postgresql)
  command -v redis-server >/dev/null || packages+=(redis-server)
  [ ${#packages[@]} -eq 0 ] && return
  say "installing ${packages[*]} through apt..."
  as_root apt-get update -qq >&2
  # The packages' own services are not wanted (the tests start their own servers); a container without an init system
  # cannot start them anyway, which invoke-rc.d reports without failing the install.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}

# A port on 127.0.0.1 that nothing listens on now (bash's /dev/tcp: a refused connection means free).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  say "no free port found"
  return 1
}

start_postgres() {
  local dir=$1 bin port
  bin=$(pg_bin)
  mkdir -p "$dir/pg"
  printf '%s\n' "$pg_password" >"$dir/pg.password"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir/pg" "$dir/pg.password"; fi
  as_owner "$bin/initdb" -D "$dir/pg/data" -U "$pg_user" --pwfile="$dir/pg.password" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  for _ in 1 2 3; do
    port=$(free_port)
    # -k: the Unix socket goes into the folder, so /var/run/postgresql need not exist or be writable.
    if as_owner "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null; then
      echo "$port" >"$dir/pg.port"
      return
    fi
    say "PostgreSQL did not start on port $port; trying another"
  done
  say "PostgreSQL did not start. Its log:"
  cat "$dir/pg/server.log" >&2 || true
  return 1
}

start_redis() {
  local dir=$1 port
  for _ in 1 2 3; do
    port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
      --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2 || { say "redis-server failed to start"; cat "$dir/redis.log" >&2 || true; return 1; }
    for _ in $(seq 1 100); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then
        echo "$port" >"$dir/redis.port"
        return
      fi
      sleep 0.05
    done
    say "Redis did not answer on port $port; trying another"
    stop_redis "$dir"
  done
  say "Redis did not start. Its log:"
  cat "$dir/redis.log" >&2 || true
  return 1
}

stop_redis() {
  local dir=$1 pid
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$dir/redis.pid"
}

stop_postgres() {
  local dir=$1
  [ -f "$dir/pg/data/postmaster.pid" ] || return 0
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
}

stop() {
  local dir=${1:-${JAKAMO_TEST_SERVERS:-}}
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  stop_redis "$dir"
  stop_postgres "$dir"
  rm -rf "$dir"
}

start() {
  install_missing
  dir=$(mktemp -d "${TMPDIR:-/tmp}/jakamo-test-servers.XXXXXX")
  chmod 755 "$dir"
  # Whatever started is stopped again if the rest fails (set -e exits the script).
  trap 'stop "$dir"' EXIT
  start_postgres "$dir"
  start_redis "$dir"
  trap - EXIT
  local pg_port redis_port
  pg_port=$(cat "$dir/pg.port")
  redis_port=$(cat "$dir/redis.port")
  say "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port ($dir)"
  echo "export JAKAMO_TEST_SERVERS='$dir'"
  echo "export JAKAMO_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Database=postgres;Username=$pg_user;Password=$pg_password'"
  echo "export JAKAMO_TEST_REDIS='127.0.0.1:$redis_port'"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop [folder]" >&2; exit 2 ;;
esac
