#!/bin/sh
# Stand-in for the upstream redis image's docker-entrypoint.sh, on Debian's
# redis-server 7.0. Same contract: first arg "redis-server", a flag, or a
# *.conf file -> run redis-server (as the redis user when started as root);
# anything else is exec'd as is.
set -e

# docker run redis -f      == docker run redis redis-server -f
# docker run redis my.conf == docker run redis redis-server my.conf
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ]; then
	shift
	# Upstream's redis is built with protected-mode off and binds all
	# interfaces. Reproduce that by putting defaults BEFORE the user's
	# options (redis applies options in order, so the user's still win).
	# With a config file, it must come first and its settings are the
	# user's choice, exactly as upstream.
	if [ "${1%.conf}" != "${1:-}" ] && [ -n "${1:-}" ]; then
		conf="$1"; shift
		set -- redis-server "$conf" "$@"
	else
		set -- redis-server --bind '*' '-::*' --protected-mode no "$@"
	fi
	if [ "$(id -u)" = '0' ]; then
		# A fresh volume may arrive root-owned.
		find . \! -user redis -exec chown redis '{}' +
		umask 0077
		exec setpriv --reuid=redis --regid=redis --init-groups "$@"
	fi
	umask 0077
fi

exec "$@"
