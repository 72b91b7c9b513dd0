#!/usr/bin/env bash
# Stand-in for the upstream postgres image's docker-entrypoint.sh, on
# Debian's postgresql-15. Same contract:
#   env  POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
#        POSTGRES_USER (default postgres), POSTGRES_DB (default $POSTGRES_USER),
#        POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR, POSTGRES_HOST_AUTH_METHOD,
#        *_FILE variants of USER/PASSWORD/DB/INITDB_ARGS, PGDATA.
#   args first arg "postgres" (or a flag) -> initialise if needed, then exec
#        the server as the postgres user (PID 1); anything else is exec'd as is.
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR or VAR_FILE (contents of the file), not both.
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		echo >&2 "error: both $var and $fileVar are set (but are exclusive)"
		exit 1
	fi
	local val="$def"
	if [ "${!var:-}" ]; then
		val="${!var}"
	elif [ "${!fileVar:-}" ]; then
		val="$(< "${!fileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar"
}

# Prefer setpriv (no PAM, keeps PID), fall back to runuser.
as_postgres() {
	if command -v setpriv >/dev/null 2>&1; then
		exec setpriv --reuid=postgres --regid=postgres --init-groups "$@"
	fi
	exec runuser -u postgres -- "$@"
}

docker_create_db_directories() {
	local user; user="$(id -u)"
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql || :
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		if [ "$user" = '0' ]; then
			find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
		fi
		chmod 700 "$POSTGRES_INITDB_WALDIR"
	fi
	if [ "$user" = '0' ]; then
		# A fresh named volume may arrive root-owned.
		find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
	fi
}

docker_verify_minimum_env() {
	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ 'trust' != "${POSTGRES_HOST_AUTH_METHOD:-}" ]; then
		cat >&2 <<-'EOE'
			Error: Database is uninitialized and superuser password is not specified.
			       You must specify POSTGRES_PASSWORD to a non-empty value for the
			       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

			       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
			       connections without a password. This is *not* recommended.
		EOE
		exit 1
	fi
}

docker_init_database_dir() {
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		set -- --waldir "$POSTGRES_INITDB_WALDIR" "$@"
	fi
	# --pwfile reads the password from a process substitution: it never
	# appears in argv.
	# shellcheck disable=SC2086
	eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"${POSTGRES_INITDB_ARGS:-}"' "$@"'
}

pg_setup_hba_conf() {
	if [ "${1:-}" = 'postgres' ]; then
		shift
	fi
	local auth="${POSTGRES_HOST_AUTH_METHOD:-}"
	if [ -z "$auth" ]; then
		auth="$(postgres -C password_encryption "$@")"
		[ -n "$auth" ] || auth=scram-sha-256
	fi
	{
		echo
		if [ 'trust' = "$auth" ]; then
			echo '# warning trust is enabled for all connections'
		fi
		printf 'host all all all %s\n' "$auth"
	} >> "$PGDATA/pg_hba.conf"
}

# Temporary server during initialisation: unix socket only, so a TCP
# pg_isready -h 127.0.0.1 keeps failing until the real server is up.
docker_temp_server_start() {
	set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
	PGUSER="${PGUSER:-$POSTGRES_USER}" \
		pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

docker_temp_server_stop() {
	PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

docker_process_sql() {
	local query_runner=( psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc )
	if [ -n "${POSTGRES_DB:-}" ]; then
		query_runner+=( --dbname "$POSTGRES_DB" )
	fi
	PGHOST= PGHOSTADDR= "${query_runner[@]}" "$@"
}

docker_setup_db() {
	local dbAlreadyExists
	dbAlreadyExists="$(POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'EOSQL'
		SELECT 1 FROM pg_database WHERE datname = :'db' ;
	EOSQL
	)"
	if [ -z "$dbAlreadyExists" ]; then
		POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
		echo
	fi
}

docker_process_init_files() {
	local f
	echo
	for f; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					echo "$0: running $f"
					"$f"
				else
					echo "$0: sourcing $f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql)     echo "$0: running $f"; docker_process_sql -f "$f"; echo ;;
			*.sql.gz)  echo "$0: running $f"; gunzip -c "$f" | docker_process_sql; echo ;;
			*.sql.xz)  echo "$0: running $f"; xzcat "$f" | docker_process_sql; echo ;;
			*.sql.zst) echo "$0: running $f"; zstd -dc "$f" | docker_process_sql; echo ;;
			*)         echo "$0: ignoring $f" ;;
		esac
		echo
	done
}

_main() {
	# docker run image -c foo=bar  ==  docker run image postgres -c foo=bar
	if [ "${1:0:1}" = '-' ]; then
		set -- postgres "$@"
	fi

	if [ "${1:-}" != 'postgres' ]; then
		exec "$@"
	fi

	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER 'postgres'
	file_env POSTGRES_DB "$POSTGRES_USER"
	file_env POSTGRES_INITDB_ARGS
	export PGDATA="${PGDATA:-/var/lib/postgresql/data}"

	docker_create_db_directories
	if [ "$(id -u)" = '0' ]; then
		# Re-run this script as postgres; exec keeps PID 1.
		as_postgres "$BASH_SOURCE" "$@"
	fi

	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		docker_verify_minimum_env
		ls /docker-entrypoint-initdb.d/ > /dev/null
		docker_init_database_dir
		pg_setup_hba_conf "$@"
		export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
		docker_temp_server_start "${@:2}"
		docker_setup_db
		shopt -s nullglob
		docker_process_init_files /docker-entrypoint-initdb.d/*
		shopt -u nullglob
		docker_temp_server_stop
		unset PGPASSWORD
		echo
		echo 'PostgreSQL init process complete; ready for start up.'
		echo
	else
		echo
		echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
		echo
	fi

	# listen_addresses='*' is already in postgresql.conf (from the sample, as
	# upstream); the user's -c options come later on the command line and win.
	exec "$@"
}

_main "$@"
