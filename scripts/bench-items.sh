#!/usr/bin/env bash
# Item-level benchmarks (docs/performance.md, issue "Item-level risk scoring as a product"):
#
#   train  `ccrg train --level item` on 50,000 labelled items (24 months, 2,000
#          importers, generic layout and mapping: history rates, pairs, refit
#          with cross-fitted calibration), and the same with --refit none;
#   score  `ccrg score --level item` on one month of 1,500,000 items (100,000
#          importers) after 24 months of 360,000 labelled items, reasons for
#          the top 10,000 included.
#
#   scripts/bench-items.sh [train|score|all]     (default all)
#
# Data and stores are generated once into $BENCH_DIR (default /tmp/ccrg-bench-items)
# and reused; BENCH_REFILL=1 rebuilds them. Wall time and peak RSS (DuckDB's native
# memory included) with GNU time. Environment: BENCH_THREADS (2), BENCH_TRAIN_ITEMS
# (50000), BENCH_MONTH_ITEMS (1500000), BENCH_HISTORY_ITEMS (360000), BENCH_IMPORTERS (100000).
set -euo pipefail
cd "$(dirname "$0")/.."

WHAT=${1:-all}
DIR=${BENCH_DIR:-/tmp/ccrg-bench-items}
THREADS=${BENCH_THREADS:-2}
TRAIN_ITEMS=${BENCH_TRAIN_ITEMS:-50000}
MONTH_ITEMS=${BENCH_MONTH_ITEMS:-1500000}
HISTORY_ITEMS=${BENCH_HISTORY_ITEMS:-360000}
IMPORTERS=${BENCH_IMPORTERS:-100000}
MAPPING=docs/examples/mapping-generic.yaml
TODAY=2026-11-26
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install -y time" >&2; exit 1; }
mkdir -p "$DIR"
npm run -s build

CCRG=(node bin/ccrg.js)
ccrg() { "${CCRG[@]}" "$@"; }
# measure NAME CMD...: runs CMD under GNU time and prints wall time and peak RSS.
measure() {
  local name=$1
  shift
  /usr/bin/time -v -o "$DIR/$name-time.txt" "$@" > "$DIR/$name-out.txt" 2> "$DIR/$name-err.txt" || { cat "$DIR/$name-err.txt" >&2; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/$name-time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/$name-time.txt")
  echo "$name: wall $wall, peak RSS $((rss / 1024)) MB, threads $THREADS"
}

if [ "$WHAT" = train ] || [ "$WHAT" = all ]; then
  store="$DIR/train-$TRAIN_ITEMS.duckdb"
  if [ ! -f "$store" ] || [ "${BENCH_REFILL:-0}" = 1 ]; then
    rm -f "$store" "$store.wal"
    npx tsx scripts/make-generic-fixture.ts "$TRAIN_ITEMS" "$DIR/train/declarations.csv" --importers 2000 >&2
    ccrg ingest --declarations "$DIR/train/declarations.csv" --mapping "$MAPPING" --store "$store" --today "$TODAY" --rejects "$DIR/rejects.csv" --quiet
  fi
  measure "train-$TRAIN_ITEMS-refit" "${CCRG[@]}" train --level item --store "$store" --from 2023-01 --to 2024-12 --out "$DIR/model-train-refit" --threads "$THREADS"
  measure "train-$TRAIN_ITEMS-no-refit" "${CCRG[@]}" train --level item --store "$store" --from 2023-01 --to 2024-12 --out "$DIR/model-train-none" --refit none --threads "$THREADS"
  grep -h "validation item-level AUC" "$DIR/train-$TRAIN_ITEMS-refit-out.txt"
fi

if [ "$WHAT" = score ] || [ "$WHAT" = all ]; then
  store="$DIR/score-$MONTH_ITEMS.duckdb"
  if [ ! -f "$store" ] || [ "${BENCH_REFILL:-0}" = 1 ]; then
    rm -f "$store" "$store.wal"
    echo "generating $HISTORY_ITEMS history items (2023-01..2024-12) and $MONTH_ITEMS items of 2025-01 for $IMPORTERS importers ..." >&2
    npx tsx scripts/make-generic-fixture.ts "$HISTORY_ITEMS" "$DIR/score/history.csv" --importers "$IMPORTERS" >&2
    npx tsx scripts/make-generic-fixture.ts "$MONTH_ITEMS" "$DIR/score/month.csv" --importers "$IMPORTERS" --start 2025-01 --months 1 --row-seed 7 >&2
    ccrg ingest --declarations "$DIR/score/history.csv" --declarations "$DIR/score/month.csv" --mapping "$MAPPING" --store "$store" --today "$TODAY" --rejects "$DIR/rejects.csv" --quiet
    ccrg train --level item --store "$store" --from 2023-01 --to 2024-12 --out "$DIR/model-score" --threads "$THREADS" > /dev/null
  fi
  measure "score-items-$MONTH_ITEMS" "${CCRG[@]}" score --level item --model "$DIR/model-score" --period 2025-01 --store "$store" --out "$DIR/out/2025-01" --threads "$THREADS" --quiet
  node -e "const m = JSON.parse(require('fs').readFileSync('$DIR/out/2025-01/items-manifest.json', 'utf8')); console.log('scored', m.counts.items, 'items,', m.counts.with_reasons, 'with reasons')"
fi
