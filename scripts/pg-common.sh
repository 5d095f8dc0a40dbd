# Helpers shared by scripts/pg-test-cluster and scripts/pg-auto-failover-cluster (sourced).

# The newest installed PostgreSQL's bin folder.
bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] || { echo "$(basename "$0"): PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  echo "$dir"
}

# initdb refuses to run as root, so as root the servers run as the `postgres` system user.
owner() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

# A TCP port of 127.0.0.1 free right now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The script's usage: its comment block after the shebang.
usage() { awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
