#!/usr/bin/env bash
# bench/run.sh BUILD_DIR [--quick] — runs belofte's benchmarks and prints their figures.
#
#   intake         durable order intake via ShopWriter, 10k and 1M SKU catalogues (200k lines)
#   receipt fill   one receipt fills 10,000 waiting lines (in process and durable)
#   memory/start   1M SKUs + 1M open lines in memory, written to SQLite, loaded back (and 10k)
#   promises       availability p50/p99 on a 100k-SKU shop, re-promise of 10,000 lines, PO date
#                  moves, intake cost of promises (in process)
#
# --quick runs only the 10k-SKU sizes (seconds instead of minutes). Stores are written under
# $BENCH_DIR (default $TMPDIR or /tmp) and removed afterwards. Every program prints a table
# (metric | measured | budget | within budget?); the JSON lines are collected in
# BUILD_DIR/bench/results.jsonl. Exit status: 0 when every run completed (a figure over budget
# is reported, not an error), 1 when a program failed.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: bench/run.sh BUILD_DIR [--quick]" >&2
  exit 2
fi
build=$1
quick=0
[[ ${2:-} == "--quick" ]] && quick=1
bin=$build/bench
for prog in intake_bench receipt_fill_bench memory_startup_bench promise_bench; do
  if [[ ! -x $bin/$prog ]]; then
    echo "bench/run.sh: $bin/$prog is missing; build it first:" >&2
    echo "  cmake --build $build --target intake_bench receipt_fill_bench memory_startup_bench promise_bench" >&2
    exit 2
  fi
done

results=$bin/results.jsonl
: >"$results"
dir_args=()
[[ -n ${BENCH_DIR:-} ]] && dir_args=(--dir "$BENCH_DIR")
failed=0

run() {
  echo
  echo "\$ $*"
  local out
  if out=$("$@" "${dir_args[@]}" --json); then :; else failed=1; fi
  # The table for people, the last (JSON) line for the summary.
  printf '%s\n' "$out" | sed '$d'
  printf '%s\n' "$out" | tail -n 1 | grep '^{' >>"$results" || true
}

echo "belofte benchmarks — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ), build $build"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

run "$bin/intake_bench" --skus 10000
[[ $quick == 0 ]] && run "$bin/intake_bench" --skus 1000000
run "$bin/receipt_fill_bench"
run "$bin/memory_startup_bench" --skus 10000 --lines 10000
[[ $quick == 0 ]] && run "$bin/memory_startup_bench" --skus 1000000 --lines 1000000
if [[ $quick == 0 ]]; then run "$bin/promise_bench"; else run "$bin/promise_bench" --skus 10000 --lines 20000; fi

echo
echo "summary (from $results):"
if command -v python3 >/dev/null; then
  python3 - "$results" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    b = r["bench"]
    if b == "intake":
        ok = "yes" if r["lines_per_s"] >= 50000 else "NO"
        print(f"  intake {r['skus']:>9,} SKUs: {r['lines_per_s']:>9,.0f} lines/s durable (budget >= 50,000: {ok}); "
              f"mean batch {r['mean_batch']:.0f}; ack p50 {r['ack_p50_ms']:.1f} ms, p99 {r['ack_p99_ms']:.1f} ms")
    elif b == "receipt_fill":
        print(f"  receipt fills {r['waiting']:,} lines: in process {r['in_process_median_ms']:.1f} ms "
              f"({'yes' if r['in_process_median_ms'] <= 20 else 'NO'}), durable {r['durable_median_ms']:.1f} ms "
              f"({'yes' if r['durable_median_ms'] <= 20 else 'NO'}) (budget <= 20 ms)")
    elif b == "memory_startup":
        gib = 1 << 30
        print(f"  memory {r['skus']:>9,} SKUs + {r['lines']:,} lines: built {r['rss_built_bytes']/2**20:.0f} MiB "
              f"(projected to 1M+1M {r['rss_projected_1m_bytes']/2**20:.0f} MiB, budget 1024: "
              f"{'yes' if r['rss_projected_1m_bytes'] <= gib else 'NO'}); start-up {r['startup_s']:.2f} s "
              f"(budget 10 s at 1M+1M); loaded {r['rss_loaded_bytes']/2**20:.0f} MiB")
    elif b == "promise":
        print(f"  availability {r['skus']:>9,} SKUs: p50 {r['availability_p50_us']:.2f} us, p99 "
              f"{r['availability_p99_us']:.2f} us (budget <= 50 us: {'yes' if r['availability_p99_us'] <= 50 else 'NO'}); "
              f"re-promise {r['hot_waiting']:,} lines {r['hot_move_median_ms']:.1f} ms; PO move p50 {r['po_move_p50_ms']:.2f} ms; "
              f"intake backordering {r['intake_backorder_lines_per_s']:,.0f} lines/s vs from stock {r['intake_stock_lines_per_s']:,.0f}")
EOF
else
  cat "$results"
fi
exit $failed
