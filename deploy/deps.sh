#!/bin/sh
# Installs the Debian packages the player needs to build and run, only those
# that are missing, plus any package named on the command line (test.sh adds
# the test-only ones). Uses sudo when not root. --print lists them.
set -eu
PKGS="build-essential cmake pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev
libcurl4-openssl-dev libcjson-dev libicu-dev libfontconfig-dev libsystemd-dev
libsodium-dev
libmosquitto-dev
libqrencode-dev
libgumbo-dev
fonts-noto-cjk fonts-dejavu-core fonts-symbola"
if [ "${1:-}" = "--print" ]; then
    shift
    echo $PKGS "$@"
    exit 0
fi
missing=""
for p in $PKGS "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
