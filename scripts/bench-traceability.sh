#!/usr/bin/env bash
# Traceability benchmark (docs/performance.md, "Traceability"), on the store left by scripts/bench-ingest.sh:
#  1. the benchmark world's own movements (the generator's traceability-YYYY-MM files, 13 months) go into a
#     copy of the store; the last month's ingest is measured;
#  2. national months: 10 million movements each (scripts/make-movements.ts: chains of importers, wholesalers and
#     retailers, batch numbers of the world's items of traceable codes), the period and the months before it,
#     ingested into a copy of that store; the period's ingest is measured, beside the floor (plain DuckDB reading
#     the same file);
#  3. the monthly batch (`ccrg score`) on the store with the world's movements, and with the national months too.
#
#   scripts/bench-traceability.sh
#
# Environment: BENCH_DIR (/tmp/ccrg-bench), BENCH_TRACE_DATA (the folder of the traceability-YYYY-MM files:
# the benchmark data, generated since the generator writes them), BENCH_MOVEMENTS (10000000), BENCH_PERIOD
# (2026-07), BENCH_THREADS (2), BENCH_REFILL=1 (fill the store with movements again), BENCH_NATIONAL_MONTHS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/ccrg-bench}
PERIOD=${BENCH_PERIOD:-2026-07}
THREADS=${BENCH_THREADS:-2}
LINES=${BENCH_MOVEMENTS:-10000000}
TODAY=2026-11-26
DATA=${BENCH_TRACE_DATA:-$(ls -d "$DIR"/data-* | head -n 1)}
store="$DIR/store.duckdb"
[ -f "$store" ] || { echo "no store at $store: run scripts/bench-ingest.sh first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install -y time" >&2; exit 1; }
ls "$DATA"/traceability-*.csv > /dev/null 2>&1 || {
  echo "no traceability-YYYY-MM.csv in $DATA: the benchmark data predates the movements; generate it again (BENCH_REFILL=1 after removing $DATA) or set BENCH_TRACE_DATA" >&2
  exit 1
}
npm run -s build
seconds() { node -e "const p='$1'.split(':').map(Number); console.log(p.reduce((a, x) => a * 60 + x, 0))"; }
measure() { # name, then the command: prints wall and peak RSS
  local name=$1
  shift
  /usr/bin/time -v -o "$DIR/trace-time.txt" "$@" > "$DIR/trace-out.txt"
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/trace-time.txt")
  rss=$(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/trace-time.txt") / 1024))
  echo "$name: wall $wall, peak RSS $rss MB"
}
INGEST=(node bin/ccrg.js ingest --threads "$THREADS" --memory-limit 4GB --today "$TODAY" --rejects "$DIR/trace-rejects.csv" --quiet)

traced="$DIR/store-trace.duckdb"
before="$DIR/store-trace-before-$PERIOD.duckdb"
if [ ! -f "$before" ] || [ "${BENCH_REFILL:-0}" = 1 ]; then
  echo "filling a copy of the store with the movements of the months before $PERIOD ..." >&2
  cp "$store" "$before.tmp"
  for f in $(ls "$DATA"/traceability-*.csv | sort); do
    [ "$(basename "$f")" = "traceability-$PERIOD.csv" ] && continue
    "${INGEST[@]}" --store "$before.tmp" --traceability "$f" > /dev/null
  done
  mv "$before.tmp" "$before"
fi
cp "$before" "$traced"
month="$DATA/traceability-$PERIOD.csv"
measure "ingest of the world's movements of $PERIOD ($(($(wc -l < "$month") - 1)) lines)" "${INGEST[@]}" --store "$traced" --traceability "$month"
floor=$(npx tsx scripts/bench-floor.ts read "$month" "$THREADS")
echo "$floor"
measure "score $PERIOD with the world's movements" node bin/ccrg.js score --period "$PERIOD" --store "$traced" --out "$DIR/out-trace/$PERIOD" --threads "$THREADS" --quiet
echo "timings (ms): $(node -e "console.log(JSON.stringify(JSON.parse(require('fs').readFileSync('$DIR/out-trace/$PERIOD/manifest.json','utf8')).run.timings_ms))")"

# National months: the period and the BENCH_NATIONAL_MONTHS - 1 months before it, each ingested into a copy of the
# store with the world's movements; the period's ingest is measured. Named for their shape: chains of
# importers, wholesalers and retailers (the earlier files, movements-traceable-*, drew a random firm per line).
months=$(node -e "const [y, m] = '$PERIOD'.split('-').map(Number); const n = Number('${BENCH_NATIONAL_MONTHS:-3}');
  console.log(Array.from({ length: n }, (_, i) => { const d = new Date(Date.UTC(y, m - 1 - (n - 1 - i), 1)); return d.toISOString().slice(0, 7); }).join(' '))")
cp "$traced" "$DIR/store-national.duckdb"
for month in $months; do
  national="$DIR/movements-chains-$LINES-$month.csv"
  if [ ! -f "$national" ]; then
    echo "writing $LINES movements of $month into $national ..." >&2
    npx tsx scripts/make-movements.ts "$national.tmp" "$month" "$LINES" "$DIR"/data-*/declarations-*.csv
    mv "$national.tmp" "$national"
  fi
  if [ "$month" != "$PERIOD" ]; then
    echo "ingesting the national month $month ..." >&2
    "${INGEST[@]}" --store "$DIR/store-national.duckdb" --traceability "$national" > /dev/null
  fi
done
measure "ingest of a national month ($LINES movements of $PERIOD, after $(($(echo $months | wc -w) - 1)) national months before it)" "${INGEST[@]}" --store "$DIR/store-national.duckdb" --traceability "$national"
ingest_wall=$wall
floor=$(npx tsx scripts/bench-floor.ts read "$national" "$THREADS")
echo "$floor"
floor_s=$(echo "$floor" | sed -n 's/.*: \([0-9.]*\) s,.*/\1/p')
echo "national ingest / floor: $(node -e "console.log(($(seconds "$ingest_wall") / $floor_s).toFixed(1))")x (target: under 2 minutes, issue 20)"
measure "score $PERIOD with the national months too" node bin/ccrg.js score --period "$PERIOD" --store "$DIR/store-national.duckdb" --out "$DIR/out-national/$PERIOD" --threads "$THREADS" --quiet
echo "timings (ms): $(node -e "console.log(JSON.stringify(JSON.parse(require('fs').readFileSync('$DIR/out-national/$PERIOD/manifest.json','utf8')).run.timings_ms))")"
rm -f "$DIR/store-national.duckdb" "$DIR/store-national.duckdb.wal"
