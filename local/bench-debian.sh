#!/usr/bin/env bash
# `vil bench --batch` on Debian 13's own python3.13, which Debian builds with profile-guided and
# link-time optimisation, as distributions and the official python container images build
# CPython; pyenv's default build has neither. It runs in a Debian 13 root that debootstrap makes in
# .bench-debian/ on first use; the working tree is copied in, so it measures what is on disk.
# Needs root (debootstrap, chroot), Debian's mirror and PyPI. Arguments go to `vil bench`.
# Why: docs/decisions.md, "The decision's fast path", round 21.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${DEBIAN_ROOT:-.bench-debian}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" != 0 ]; then
	echo "bench-debian: needs root (debootstrap and chroot)" >&2
	exit 1
fi
command -v debootstrap >/dev/null || {
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
}
[ -x "$root/usr/bin/python3.13" ] || debootstrap --variant=minbase \
	--include=python3.13,python3.13-venv,ca-certificates trixie "$root" "$mirror"

# pip in the root resolves and trusts as this machine does (a proxy's own authority included).
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/host-ca.crt"
rm -rf "$root/src" && mkdir "$root/src"
git ls-files -z --cached --others --exclude-standard |
	tar --null --ignore-failed-read -T - -c | tar -x -C "$root/src"

# What runs inside the root: the project on Debian's python3.13, then the benchmark.
cat >"$root/bench.sh" <<'EOF'
set -eu
cd /src
if [ ! -x /venv/bin/python ]; then
	python3.13 -m venv /venv
	/venv/bin/python -m pip install --quiet --upgrade "pip>=25.1"
fi
# Every run: the tree was copied in again, and its dependencies may have changed.
/venv/bin/python -m pip install --quiet --group lambda-runtime --editable .
exec /venv/bin/vil bench "$@"
EOF

# /proc and /dev/shm (the worker processes' semaphores) in a mount namespace of their own, so
# nothing stays mounted when the benchmark ends or fails.
# shellcheck disable=SC2016 # the inner shell expands them
unshare --mount sh -ec '
	root=$1
	shift
	mount -t proc proc "$root/proc"
	mount -t tmpfs shm "$root/dev/shm"
	exec chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root \
		SSL_CERT_FILE=/etc/ssl/certs/host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
		sh /bench.sh "$@"
' sh "$root" "${@:---batch}"
