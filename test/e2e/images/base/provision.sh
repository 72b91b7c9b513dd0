#!/bin/bash
# Runs INSIDE the debootstrapped bookworm rootfs (chroot) to install every
# Debian package the berth-test/* stand-in images need. build.sh hashes this
# file: editing it invalidates the cached rootfs and every image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8

MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${SECURITY_MIRROR-http://deb.debian.org/debian-security}"

PACKAGES=(
  # postgres stand-in (postgres:17.5-bookworm): server 15 + client tools
  postgresql-15 postgresql-client-15
  # redis stand-in (redis:7.4.3-bookworm): redis-server + redis-cli
  redis-server redis-tools
  # prometheus + exporters
  prometheus prometheus-postgres-exporter prometheus-redis-exporter prometheus-nginx-exporter
  # nginx stand-in (nginx:1.27.5-alpine); gettext-base for envsubst templates
  nginx gettext-base
  # test application + health checks
  python3 curl wget ca-certificates
  # setpriv/runuser (util-linux is essential, listed for clarity), ps for debugging
  util-linux procps
)

# Never start services inside the chroot.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d

# Keep the image small: no docs/manpages/translations from packages.
cat > /etc/dpkg/dpkg.cfg.d/01-berth-test-nodoc <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/javascript/moment-timezone/*
CFG
cat > /etc/apt/apt.conf.d/01-berth-test <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "3";
CFG

{
  echo "deb $MIRROR bookworm main"
  echo "deb $MIRROR bookworm-updates main"
  if [ -n "$SECURITY_MIRROR" ]; then echo "deb $SECURITY_MIRROR bookworm-security main"; fi
} > /etc/apt/sources.list

# Users with the same uid/gid as the upstream images, created before the
# packages so their postinst scripts reuse them:
#   postgres 999:999 (postgres:*-bookworm), nginx 101:101 (nginx:*-alpine).
groupadd --system --gid 999 postgres
useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres
groupadd --system --gid 101 nginx
useradd --system --uid 101 --gid 101 --home-dir /nonexistent --shell /usr/sbin/nologin nginx

# Don't let postgresql-common create (and later fight over) a "main" cluster.
mkdir -p /etc/postgresql-common
echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf

apt-get update -qq
apt-get install -y -qq -o Dpkg::Options::=--force-confold "${PACKAGES[@]}" >/dev/null

# Same default locale as the upstream postgres image (LANG=en_US.utf8).
localedef -i en_US -c -f UTF-8 en_US.UTF-8

# postgres: like the upstream image, listen on all interfaces by default
# (initdb copies this sample into $PGDATA/postgresql.conf).
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" /usr/share/postgresql/15/postgresql.conf.sample
grep -F "listen_addresses = '*'" /usr/share/postgresql/15/postgresql.conf.sample >/dev/null
install -d -o postgres -g postgres -m 3777 /var/run/postgresql
install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
install -d -o postgres -g postgres -m 0777 /docker-entrypoint-initdb.d
# Anything a package may have left behind.
rm -rf /var/lib/postgresql/15 /etc/postgresql/15

# redis: data dir like upstream.
install -d -o redis -g redis -m 0755 /data

# prometheus: data dir writable by nobody (upstream runs as nobody); the
# console files where upstream has them (Debian keeps them in /etc/prometheus).
install -d -o nobody -g nogroup -m 0755 /prometheus
install -d /usr/share/prometheus
ln -sfn /etc/prometheus/consoles /usr/share/prometheus/consoles
ln -sfn /etc/prometheus/console_libraries /usr/share/prometheus/console_libraries

# Exporters also under the paths the upstream images use, so an
# `entrypoint:` override written for upstream still works.
ln -sfn /usr/bin/prometheus-redis-exporter /redis_exporter
ln -sfn prometheus-postgres-exporter /usr/bin/postgres_exporter

# nginx: remove Debian's default site; runtime paths; logs to stdout/stderr.
rm -f /etc/nginx/sites-enabled/default
install -d /etc/nginx/conf.d /etc/nginx/certs /etc/nginx/templates /var/lib/nginx /var/log/nginx /run /docker-entrypoint.d
install -d -o nginx -g nginx /var/cache/nginx
ln -sf /dev/stdout /var/log/nginx/access.log
ln -sf /dev/stderr /var/log/nginx/error.log

# Sanity: every binary the component images point at is here.
for f in /usr/lib/postgresql/15/bin/postgres /usr/lib/postgresql/15/bin/initdb \
         /usr/lib/postgresql/15/bin/pg_isready /usr/bin/psql /usr/bin/redis-server \
         /usr/bin/redis-cli /usr/bin/prometheus /usr/bin/promtool \
         /usr/bin/prometheus-postgres-exporter /usr/bin/prometheus-redis-exporter \
         /usr/bin/prometheus-nginx-exporter /usr/sbin/nginx /usr/bin/envsubst \
         /usr/bin/python3 /usr/bin/wget /usr/bin/curl /usr/bin/setpriv; do
  [ -x "$f" ] || { echo "provision: missing $f" >&2; exit 1; }
done

apt-get clean
# Files debootstrap installed before the path-exclude rules existed.
find /usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete
find /usr/share/locale -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
rm -rf /usr/share/man/* /usr/share/info/* /usr/share/javascript/moment-timezone/*
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log \
       /var/cache/debconf/*-old /var/lib/dpkg/*-old /usr/sbin/policy-rc.d
: > /etc/resolv.conf
echo berth-test > /etc/hostname
