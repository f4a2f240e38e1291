#!/bin/sh
# tests/fuzz/smoke.sh [seconds]: builds every tests/fuzz/fuzz_*.c as a
# libFuzzer fuzzer with clang (in build-fuzz/) and runs each for `seconds`
# (default 30), two at a time, from its seed corpus and regression inputs.
# Fails on any crash, leak, timeout (an input over 10 s) or out-of-memory,
# printing the fuzzer's report, the reproducer (base64) and how to replay
# it. Exits 77 without clang. See tests/fuzz/README.md for longer runs.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-30}
if ! command -v clang >/dev/null; then
    echo "fuzz smoke: no clang (apt-get install clang libclang-rt-14-dev): skipped"
    exit 77
fi
jobs=$(nproc 2>/dev/null || echo 2)
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNAGE_FUZZ=ON \
    -DSIGNAGE_BUILD_TESTS=OFF >/dev/null
names=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)
# shellcheck disable=SC2086 # one target per name
cmake --build build-fuzz -j"$jobs" --target $names
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run NAME: one fuzzer on a scratch copy of its corpus; its log in $out.
run() {
    short=${1#fuzz_}
    work="$out/$short.corpus"
    mkdir -p "$work" "$out/$short.art"
    for d in tests/fuzz/corpus/"$short" tests/fuzz/regress/"$short"; do
        if [ -d "$d" ]; then cp "$d"/* "$work"/; fi
    done
    dict=""
    [ -f tests/fuzz/"$short".dict ] && dict="-dict=tests/fuzz/$short.dict"
    # shellcheck disable=SC2086 # no dictionary: no argument
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy timeout $((secs + 120)) \
        build-fuzz/tests/fuzz/"$1" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -close_fd_mask=2 -print_final_stats=1 $dict \
        -artifact_prefix="$out/$short.art/" "$work" >"$out/$short.log" 2>&1
}

# report NAME: the outcome of one run; false when it found something.
report() {
    short=${1#fuzz_}
    log="$out/$short.log"
    if grep -q '^Done [0-9]* runs' "$log" && [ -z "$(ls "$out/$short.art")" ]; then
        echo "fuzz smoke: $1 ok: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)"
        return 0
    fi
    echo "fuzz smoke: $1 FAILED"
    tail -n 60 "$log"
    for a in "$out/$short.art"/*; do
        [ -f "$a" ] || continue
        echo "reproducer $(basename "$a") ($(wc -c <"$a") bytes, base64):"
        head -c 65536 "$a" | base64
        echo "replay it: base64 -d > tests/fuzz/regress/$short/<name>, then"
        echo "  build/tests/fuzz/replay_$1 tests/fuzz/regress/$short/<name>"
    done
    return 1
}

# shellcheck disable=SC2086 # the names, one argument each
set -- $names
failed=0
while [ $# -gt 0 ]; do
    a=$1
    shift
    b=""
    if [ $# -gt 0 ]; then
        b=$1
        shift
    fi
    run "$a" &
    pa=$!
    if [ -n "$b" ]; then
        run "$b" &
        pb=$!
    fi
    wait "$pa" || true
    [ -z "$b" ] || wait "$pb" || true
    report "$a" || failed=1
    [ -z "$b" ] || report "$b" || failed=1
done
exit $failed
