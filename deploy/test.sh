#!/bin/sh
# Installs what is missing, builds, and runs the whole test suite twice:
# a normal build and one under AddressSanitizer + UBSan.
set -eu
cd "$(dirname "$0")/.."
# Test-only packages: never on a player that only ran the demo or install.sh.
# nginx-light: fleet benchmark; unicode-data: line break tables; dpkg-dev and
# fakeroot: the .deb test; bubblewrap: the read-only root test; clang-format
# and clang-tidy: CI gates.
deploy/deps.sh python3 unicode-data nginx-light dpkg-dev fakeroot bubblewrap \
    clang-format clang-tidy
jobs=$(nproc 2>/dev/null || echo 2)
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -DSIGNAGE_BUILD_TESTS=ON -DSIGNAGE_WERROR=$werror >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")
if [ "${SIGNAGE_SKIP_SANITIZE:-}" != "1" ]; then
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIGNAGE_SANITIZE=ON \
        -DSIGNAGE_WERROR=$werror >/dev/null
    cmake --build build-asan -j"$jobs"
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs")
fi
