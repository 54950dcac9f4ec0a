#!/usr/bin/env bash
# Starts a PgBouncer in transaction pooling in front of the local PostgreSQL,
# as an operator would run it: stock settings, no ignore_startup_parameters.
# Usage: start-pgbouncer.sh <dir> <port> <pg host:port> <user> <password>
# Runs as the pgbouncer-owning user (postgres when started as root); prints the pid file.
set -euo pipefail
dir=$1 port=$2 upstream=$3 user=$4 password=$5
host=${upstream%:*} pgport=${upstream#*:}
mkdir -p "$dir"
cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=$host port=$pgport

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = md5
auth_file = $dir/users.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
printf '"%s" "%s"\n' "$user" "$password" > "$dir/users.txt"
chmod 600 "$dir/users.txt"
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$dir"
  runuser -u postgres -- pgbouncer -d "$dir/pgbouncer.ini"
else
  pgbouncer -d "$dir/pgbouncer.ini"
fi
echo "$dir/pgbouncer.pid"
