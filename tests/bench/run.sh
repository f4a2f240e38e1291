#!/bin/sh
# The one benchmark command: the player against the Chromium kiosk it
# replaces, side by side, in one table (Markdown) with the machine at the top.
#
#   tests/bench/run.sh [--quick] [--no-browser] [--one-core] [--build-dir DIR]
#
#   --quick        10 s of rotation instead of 60 s (a check while developing)
#   --no-browser   the player alone, no Chromium
#   --one-core     only the pass under `taskset -c 0` (a small board's stand-in);
#                  by default the table is made for all cores, then for one
#   --build-dir D  use the programs already built in D instead of making the
#                  release build in build-bench/ (the CTest test does this)
#
# Installs Xvfb (and Chromium unless --no-browser) when missing, with sudo
# when not root; makes a release build; then, under a 1920x1080 Xvfb,
# tests/bench/measure.py times the first frame (10 runs), runs the benchmark
# programs, and measures CPU and PSS over the rotation of the demo feed for
# the player and then for Chromium showing tests/bench/slideshow.py's HTML.
# Exit 77 (skipped, for CTest) when Xvfb is missing and may not be installed.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
seconds=60 browser=1 passes="all one" build="" args="$*"
while [ $# -gt 0 ]; do
    case $1 in
    --quick) seconds=10 ;;
    --no-browser) browser="" ;;
    --one-core) passes="one" ;;
    --build-dir) build=$(cd "$2" && pwd); shift ;;
    *) echo "usage: $0 [--quick] [--no-browser] [--one-core] [--build-dir DIR]" >&2; exit 2 ;;
    esac
    shift
done

install_missing() {
    missing=""
    command -v Xvfb >/dev/null || missing="xvfb"
    [ -z "$browser" ] || command -v chromium >/dev/null || missing="$missing chromium"
    [ -n "$missing" ] || return 0
    if [ -n "$build" ] && ! command -v Xvfb >/dev/null; then
        # The CTest run (an existing build): never installs, skips.
        echo "run.sh: skipped: Xvfb not installed (apt-get install xvfb)"
        exit 77
    fi
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "run.sh: installing$missing" >&2
    $sudo apt-get install -y $missing >&2
}

release_build() {
    build="$here/build-bench"
    echo "run.sh: release build in $build" >&2
    cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >&2
    cmake --build "$build" -j"$(nproc)" >&2
}

machine() {
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    [ -n "$cpu" ] || cpu=$(sed -n 's/^Model[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    [ -n "$cpu" ] || cpu=$(uname -m)
    os=$(. /etc/os-release && echo "$PRETTY_NAME")
    echo "- Machine: $cpu, $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2}') MB RAM;" \
        "$os, Linux $(uname -r), $(uname -m)."
    echo "- Run: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the start" \
        "$(cut -d' ' -f1-3 /proc/loadavg)."
    echo "- Build: ${build#"$here"/} (CMAKE_BUILD_TYPE $(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' \
        "$build/CMakeCache.txt"))."
    [ -z "$browser" ] || echo "- Kiosk: $(chromium --version 2>/dev/null)."
    echo "- Command: \`tests/bench/run.sh${*:+ $*}\`"
}

xvfb_pid=""
tmp=$(mktemp -d /tmp/bench-run.XXXXXX)
cleanup() {
    [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Starts Xvfb (under $1, e.g. taskset) on a free display; sets DISPLAY.
start_xvfb() {
    rm -f "$tmp/display"
    $1 Xvfb -displayfd 5 -screen 0 1920x1080x24 -nolisten tcp 5>"$tmp/display" \
        2>"$tmp/xvfb.log" &
    xvfb_pid=$!
    BENCH_XVFB_PID=$xvfb_pid
    export BENCH_XVFB_PID
    for _ in $(seq 50); do
        [ -s "$tmp/display" ] && break
        sleep 0.1
    done
    [ -s "$tmp/display" ] || { echo "run.sh: Xvfb did not start" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
    DISPLAY=:$(cat "$tmp/display")
    export DISPLAY
}

stop_xvfb() {
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
    xvfb_pid=""
}

install_missing
[ -n "$build" ] || release_build
for exe in signage-player bench_layout bench_parse bench_schedule; do
    [ -x "$build/$exe" ] || { echo "run.sh: $build/$exe not built" >&2; exit 1; }
done
machine $args
status=0
nb=""
[ -n "$browser" ] || nb=--no-browser
for pass in $passes; do
    if [ "$pass" = all ]; then
        pin="" title="All $(nproc) cores"
    else
        pin="taskset -c 0" title="One core (taskset -c 0: the player, Chromium and Xvfb on CPU 0)"
    fi
    start_xvfb "$pin"
    $pin python3 "$here/tests/bench/measure.py" --build-dir "$build" --seconds "$seconds" \
        --title "$title" $nb || status=1
    stop_xvfb
done
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
exit $status
