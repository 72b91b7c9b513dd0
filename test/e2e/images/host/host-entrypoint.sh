#!/bin/bash
# Starts a test host: host keys made afresh (tests trust them through a
# known_hosts file of their own), the test run's key authorized for root, the
# cgroup mounts made writable (dockerd needs that, and --privileged is not
# available), sshd, then dockerd in the foreground with its own bridge and
# address pool, so inner networks stay off the outer engine's ranges.
#   AUTHORIZED_KEY  public key allowed to log in as root
#   DOCKER_BIP      the inner docker0 address (default 10.99.0.1/24)
#   DOCKER_POOL     the inner default address pool (default 10.98.0.0/16)
set -euo pipefail

ssh-keygen -A >/dev/null
printf '%s\n' "${AUTHORIZED_KEY:?AUTHORIZED_KEY is not set}" > /root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys

# A plain remount,rw says "mount point is busy": a bind remount does it.
mount -o remount,bind,rw /sys
mount -o remount,bind,rw /sys/fs/cgroup
for d in /sys/fs/cgroup/*; do
	if mountpoint -q "$d"; then mount -o remount,bind,rw "$d"; fi
done

/usr/sbin/sshd -o UsePAM=no -o PasswordAuthentication=no -o PermitRootLogin=prohibit-password

rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
exec dockerd --bip "${DOCKER_BIP:-10.99.0.1/24}" \
	--default-address-pool "base=${DOCKER_POOL:-10.98.0.0/16},size=24" \
	--storage-driver overlay2
