#!/bin/sh
# Installs what is missing, builds, and shows the demo feed: in a window
# when a desktop is present, otherwise as PNG snapshots in ./snapshots.
set -eu
cd "$(dirname "$0")/.."
deploy/deps.sh
# The player only: tests and benchmarks are test.sh's (and need more packages).
cmake -S . -B build -DSIGNAGE_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target signage-player
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${1:-}" != "--snapshot" ]; then
    echo "signage-player: Esc or Ctrl+Q quits"
    exec build/signage-player --config config/player.ini --window 1280x720
fi
rm -rf snapshots
build/signage-player --config config/player.ini --snapshot snapshots --size 1920x1080 >/dev/null
echo "No desktop here: the demo's pages are in $(pwd)/snapshots/ ($(ls snapshots/*.png | wc -l) PNG files and index.html, the contact sheet)."
