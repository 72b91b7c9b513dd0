#!/bin/sh
# Stand-in for the upstream nginx image's /docker-entrypoint.sh, on Debian's
# nginx 1.22. Same contract: for "nginx"/"nginx-debug" run the executable
# /docker-entrypoint.d/*.sh (and source *.envsh) hooks, render
# /etc/nginx/templates/*.template into /etc/nginx/conf.d with envsubst
# (NGINX_ENVSUBST_TEMPLATE_DIR/_SUFFIX, NGINX_ENVSUBST_OUTPUT_DIR), then exec.
set -e

entrypoint_log() {
	if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
		echo "$@"
	fi
}

render_templates() {
	template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
	suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
	output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
	filter="${NGINX_ENVSUBST_FILTER:-}"
	[ -d "$template_dir" ] || return 0
	find "$template_dir" -follow -type f -name "*$suffix" -print -quit | grep -q . || return 0
	if [ ! -w "$output_dir" ]; then
		entrypoint_log "$0: ERROR: $template_dir exists, but $output_dir is not writable"
		return 0
	fi
	# Only substitute variables that are defined (as upstream does).
	defined_envs=$(printf '${%s} ' $(awk "END { for (name in ENVIRON) { print ( name ~ /${filter}/ ) ? name : \"\" } }" < /dev/null))
	find "$template_dir" -follow -type f -name "*$suffix" -print | while read -r template; do
		relative_path="${template#"$template_dir/"}"
		output_path="$output_dir/${relative_path%"$suffix"}"
		subdir=$(dirname "$relative_path")
		mkdir -p "$output_dir/$subdir"
		entrypoint_log "$0: Running envsubst on $template to $output_path"
		envsubst "$defined_envs" < "$template" > "$output_path"
	done
}

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
	# Debian has no separate nginx-debug binary (nginx itself is built --with-debug).
	if [ "$1" = "nginx-debug" ]; then
		shift
		set -- nginx "$@"
	fi
	if find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null | grep -q .; then
		entrypoint_log "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
		for f in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
			case "$f" in
				*.envsh)
					if [ -x "$f" ]; then
						entrypoint_log "$0: Sourcing $f"
						. "$f"
					else
						entrypoint_log "$0: Ignoring $f, not executable"
					fi ;;
				*.sh)
					if [ -x "$f" ]; then
						entrypoint_log "$0: Launching $f"
						"$f"
					else
						entrypoint_log "$0: Ignoring $f, not executable"
					fi ;;
				*) entrypoint_log "$0: Ignoring $f" ;;
			esac
		done
	fi
	render_templates
	entrypoint_log "$0: Configuration complete; ready for start up"
fi

exec "$@"
