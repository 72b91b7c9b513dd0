#!/usr/bin/env bash
# Builds the stand-in images for berth's end-to-end tests from Debian bookworm
# packages (no registry needed: only a Debian mirror).
#
#   build.sh [--force]
#
# - berth-test/base:latest: debootstrap --variant=minbase bookworm, every
#   package from base/provision.sh installed in a chroot, `docker import`ed.
#   The provisioned rootfs is cached in $BERTH_TEST_CACHE
#   (default /var/cache/berth-test/rootfs) and keyed by a hash of
#   base/provision.sh; delete that directory to fetch packages afresh.
# - berth-test/<component>:latest: a small classic `docker build` FROM the
#   base with test/e2e/images/<component>/{Dockerfile,...}.
#
# Idempotent: an image that exists and was built from the same inputs (label
# berth-test.hash) is kept; --force rebuilds every image (reusing the rootfs
# cache). Prints one line per image: "built" or "cached".
#
# Env: BERTH_TEST_CACHE (rootfs cache dir), BERTH_TEST_MIRROR (Debian mirror,
# default http://deb.debian.org/debian), BERTH_TEST_SECURITY_MIRROR (default
# http://deb.debian.org/debian-security; empty to skip security updates).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMPONENTS=(postgres redis prometheus postgres-exporter redis-exporter nginx nginx-exporter app host)
BASE_TAG=berth-test/base:latest
SUITE=bookworm
ROOTFS="${BERTH_TEST_CACHE:-/var/cache/berth-test/rootfs}"
ROOTFS="${ROOTFS%/}"
MIRROR="${BERTH_TEST_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${BERTH_TEST_SECURITY_MIRROR-http://deb.debian.org/debian-security}"
export DOCKER_BUILDKIT=0

FORCE=0
for arg in "$@"; do
	case "$arg" in
		--force) FORCE=1 ;;
		-h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*) echo "usage: $0 [--force]" >&2; exit 2 ;;
	esac
done

log() { printf '%s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "cannot reach the Docker engine (is dockerd running?)"

# ---------------------------------------------------------------- helpers

# Hash of the files that define an image (sorted relative paths + contents).
hash_dir() {
	local dir="$1"
	(cd "$dir" && find . -type f ! -name '*~' -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

image_label() { # TAG LABEL -> value or empty
	docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

image_id() { docker image inspect -f '{{.Id}}' "$1"; }

# Unmount everything mounted at or below $1 (deepest first).
umount_under() {
	local root="$1" m
	[ -n "$root" ] && [ "$root" != / ] || return 1
	awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m" || true
		done
	! awk -v r="$root" '$2 == r || index($2, r "/") == 1 { found = 1 } END { exit !found }' /proc/mounts
}

# Remove a (possibly half-built) rootfs, never while something is mounted in it.
remove_tree() {
	local dir="$1"
	[ -e "$dir" ] || return 0
	if umount_under "$dir"; then
		rm -rf --one-file-system "$dir"
	else
		echo "build.sh: WARNING: $dir still has mounts; not removing it" >&2
	fi
}

# ---------------------------------------------------------------- rootfs

BUILD_TMP=""
BUILD_LOG=""
cleanup() {
	local rc=$?
	if [ -n "$BUILD_TMP" ]; then
		remove_tree "$BUILD_TMP"
	fi
	[ -z "$BUILD_LOG" ] || rm -f "$BUILD_LOG"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Ensures $ROOTFS is a complete, provisioned rootfs for hash $1.
ensure_rootfs() {
	local want="$1" stamp="$ROOTFS/.berth-test-stamp"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		log "rootfs: cached ($ROOTFS)"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "building the rootfs needs root (debootstrap, chroot, mount)"
	command -v debootstrap >/dev/null || die "debootstrap is not installed"

	BUILD_TMP="$(mktemp -d "$ROOTFS.tmp.XXXXXX")"
	chmod 0755 "$BUILD_TMP"
	local t0=$SECONDS
	log "rootfs: debootstrap $SUITE into $BUILD_TMP"
	BUILD_LOG="$(mktemp)"
	if ! debootstrap --variant=minbase "$SUITE" "$BUILD_TMP" "$MIRROR" >"$BUILD_LOG" 2>&1; then
		tail -n 30 "$BUILD_LOG" >&2
		die "debootstrap failed"
	fi

	log "rootfs: installing packages"
	install -m 0755 "$HERE/base/provision.sh" "$BUILD_TMP/tmp/provision.sh"
	cp -L /etc/resolv.conf "$BUILD_TMP/etc/resolv.conf"
	mount -t proc proc "$BUILD_TMP/proc"
	if ! chroot "$BUILD_TMP" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root MIRROR="$MIRROR" SECURITY_MIRROR="$SECURITY_MIRROR" \
		/bin/bash /tmp/provision.sh >"$BUILD_LOG" 2>&1; then
		tail -n 40 "$BUILD_LOG" >&2
		die "installing packages in the rootfs failed"
	fi
	umount "$BUILD_TMP/proc"
	rm -f "$BUILD_TMP/tmp/provision.sh"
	printf '%s\n' "$want" >"$BUILD_TMP/.berth-test-stamp"

	# Only a complete tree takes the cache's name.
	remove_tree "$ROOTFS"
	[ ! -e "$ROOTFS" ] || die "could not remove stale $ROOTFS"
	mv "$BUILD_TMP" "$ROOTFS"
	BUILD_TMP=""
	log "rootfs: ready in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- images

mkdir -p "$(dirname "$ROOTFS")"
exec 9>"$ROOTFS.lock"
flock 9 # one build at a time per cache

# Half-built trees of an earlier run that was killed (SIGKILL skips the trap).
for old in "$ROOTFS".tmp.*; do
	if [ -e "$old" ]; then
		log "rootfs: removing leftover $old"
		remove_tree "$old"
	fi
done

BASE_HASH="$(printf '%s\n' "$SUITE" "$MIRROR" "$SECURITY_MIRROR" "$(hash_dir "$HERE/base")" | sha256sum | cut -d' ' -f1)"
base_rebuilt=0
if [ "$FORCE" = 0 ] && [ "$(image_label "$BASE_TAG" berth-test.hash)" = "$BASE_HASH" ]; then
	log "$BASE_TAG: cached"
else
	t0=$SECONDS
	ensure_rootfs "$BASE_HASH"
	# The engine provides /dev, /proc, /sys; the stamp is cache bookkeeping.
	tar -C "$ROOTFS" --numeric-owner --xattrs -c \
		--exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
		--exclude='./.berth-test-stamp' . |
		docker import \
			-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			-c 'ENV LANG=C.UTF-8' \
			-c "LABEL berth-test.hash=$BASE_HASH" \
			-c 'CMD ["bash"]' \
			-m "berth-test base: debian $SUITE minbase + packages" \
			- "$BASE_TAG" >/dev/null
	base_rebuilt=1
	log "$BASE_TAG: built ($((SECONDS - t0))s)"
fi
BASE_ID="$(image_id "$BASE_TAG")"

for c in "${COMPONENTS[@]}"; do
	tag="berth-test/$c:latest"
	dir="$HERE/$c"
	[ -f "$dir/Dockerfile" ] || die "missing $dir/Dockerfile"
	want="$(printf '%s\n' "$BASE_ID" "$(hash_dir "$dir")" | sha256sum | cut -d' ' -f1)"
	if [ "$FORCE" = 0 ] && [ "$base_rebuilt" = 0 ] && [ "$(image_label "$tag" berth-test.hash)" = "$want" ]; then
		log "$tag: cached"
		continue
	fi
	t0=$SECONDS
	if ! out="$(docker build --pull=false --label "berth-test.hash=$want" -t "$tag" "$dir" 2>&1)"; then
		printf '%s\n' "$out" >&2
		die "docker build of $tag failed"
	fi
	log "$tag: built ($((SECONDS - t0))s)"
done

# berth-test/node:20: a Node 20 base for berth's own image (BERTH_NODE_IMAGE in the tests).
node_bin="$(readlink -f "$(command -v node)")"
node_tag=berth-test/node:20
want="$(printf '%s\n' "$BASE_ID" "$(hash_dir "$HERE/node")" "$("$node_bin" --version)" "$(stat -c %s "$node_bin")" | sha256sum | cut -d' ' -f1)"
if [ "$FORCE" = 0 ] && [ "$base_rebuilt" = 0 ] && [ "$(image_label "$node_tag" berth-test.hash)" = "$want" ]; then
	log "$node_tag: cached"
else
	t0=$SECONDS
	ctx="$(mktemp -d)"
	cp "$HERE/node/Dockerfile" "$node_bin" "$ctx/"
	mv "$ctx/$(basename "$node_bin")" "$ctx/node" 2>/dev/null || true
	if ! out="$(docker build --pull=false --label "berth-test.hash=$want" -t "$node_tag" "$ctx" 2>&1)"; then
		rm -rf "$ctx"
		printf '%s\n' "$out" >&2
		die "docker build of $node_tag failed"
	fi
	rm -rf "$ctx"
	log "$node_tag: built ($((SECONDS - t0))s)"
fi

# Dangling images left by rebuilds under the same tags.
docker image prune -f --filter label=berth-test.hash >/dev/null 2>&1 || true
