#!/bin/sh
# Removes what deploy/install.sh put in place. The config in
# /etc/signage-player, the cache and the user stay unless --purge.
#
# usage: deploy/uninstall.sh [--purge] [--root DIR] [--prefix DIR]
set -eu
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
root="" prefix=/usr/local purge=false
while [ $# -gt 0 ]; do
    case "$1" in
    --purge) purge=true; shift ;;
    --root) root=$(realpath "$2"); shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    *) echo "usage: $0 [--purge] [--root DIR] [--prefix DIR]" >&2; exit 2 ;;
    esac
done
if [ -z "$root" ] && [ -d /run/systemd/system ]; then
    systemctl disable --now signage-player.service 2>/dev/null || true
fi
rm -f "$root$prefix/bin/signage-player" \
    "$root$prefix/lib/systemd/system/signage-player.service"
rm -rf "$root$prefix/share/signage-player" "$root$prefix/libexec/signage-player"
if [ -z "$root" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi
if $purge; then
    rm -rf "$root/etc/signage-player" "$root/var/cache/signage-player"
    pfx=""
    [ -n "$root" ] && pfx="--prefix $root"
    if grep -q "^signage:" "$root/etc/passwd"; then
        userdel $pfx signage
    fi
    echo "signage-player removed with its config, cache and user"
else
    echo "signage-player removed; kept /etc/signage-player and /var/cache/signage-player (--purge removes them)"
fi
