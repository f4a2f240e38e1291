#!/bin/sh
# Installs the Debian packages the player needs to build, run and test,
# only those that are missing. Uses sudo when not root.
set -eu
PKGS="build-essential cmake pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev
libcurl4-openssl-dev libcjson-dev libicu-dev libfontconfig-dev fonts-noto-cjk fonts-dejavu-core
fonts-symbola python3 unicode-data nginx-light"
[ "${1:-}" = "--print" ] && { echo $PKGS; exit 0; }
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
