#!/bin/sh
# Puts the player on this machine's screen (Debian 12 / Raspberry Pi OS
# bookworm): packages, build, `cmake --install`, the user "signage", the
# config in /etc/signage-player (never over an edited one) and the systemd
# unit, enabled for the next boot. Running it again does no harm.
#
# usage: deploy/install.sh [--root DIR] [--prefix DIR] [--build-dir DIR]
#   --root DIR       install into DIR instead of / (tests): no systemctl
#   --prefix DIR     where the program goes (default /usr/local)
#   --build-dir DIR  use this existing build instead of making build-install/
set -eu
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
cd "$(dirname "$0")/.."
root="" prefix=/usr/local build=""
while [ $# -gt 0 ]; do
    case "$1" in
    --root) root=$(realpath "$2"); shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    *) echo "usage: $0 [--root DIR] [--prefix DIR] [--build-dir DIR]" >&2; exit 2 ;;
    esac
done

deploy/deps.sh
if [ -z "$build" ]; then
    build=build-install
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSIGNAGE_BUILD_TESTS=OFF \
        -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
fi
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target signage-player
DESTDIR="$root" cmake --install "$build" --component player >/dev/null
share="$root$prefix/share/signage-player"

# The config: the shipped one only where there is none; the shipped
# defaults beside it always, for comparison after an upgrade.
etc="$root/etc/signage-player"
install -d -m 0755 "$etc"
for f in player.ini demo-feed.json blocklist.txt high-contrast.ini; do
    [ -e "$etc/$f" ] || install -m 0644 "$share/$f" "$etc/$f"
done
[ -e "$etc/images" ] || cp -r "$share/images" "$etc/images" # the demo's pictures
install -m 0644 "$share/player.ini" "$etc/player.ini.dist"

# The user, its groups and cache; the unit enabled (when systemd runs).
SIGNAGE_ROOT="$root" deploy/postinst configure
if [ -n "$root" ]; then
    echo "installed under $root (systemctl not run)"
elif [ ! -d /run/systemd/system ]; then
    echo "systemd is not running here: start $prefix/bin/signage-player yourself"
fi
cat <<MSG

signage-player is installed and starts at the next boot on the console.
  1. Set your feed:  sudo nano /etc/signage-player/player.ini   ([player] feed = https://...)
  2. Start it now:   sudo systemctl restart signage-player   (or reboot)
  3. See its logs:   journalctl -u signage-player -f
Remove it with deploy/uninstall.sh (keeps the config and cache unless --purge).
MSG
