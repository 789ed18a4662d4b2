#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] — builds the fuzz targets with clang + libFuzzer in build-fuzz/ and runs
# each for SECONDS (default 60) from the seed corpus in fuzz/corpus/. Exit 0 when no crash,
# leak or sanitizer report; non-zero otherwise (the reproducer is left in build-fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=build-fuzz
CXX=clang++ cmake -S fuzz -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > $build.log 2>&1 || { cat $build.log; exit 1; }
cmake --build $build > $build.log 2>&1 || { cat $build.log; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp fuzz/corpus/request/* "$work"/
cd $build
./request_fuzzer -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work" 2>&1 | tail -15
