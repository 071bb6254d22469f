#!/usr/bin/env bash
# Ingest benchmark (docs/performance.md): one month of ~1.5M declaration items
# (export declarations among them), plus that month's tax returns, register
# snapshot and applications on EAEU imports, into a store that
# already holds the 12 months before it. Measures wall time and peak RSS
# (DuckDB's native memory included) with GNU time.
#
#   scripts/bench-ingest.sh            # generates data into $BENCH_DIR once, then measures
#
# The filled store is kept, so a rerun measures again without refilling.
# Environment: BENCH_REFILL=1, BENCH_DIR (default /tmp/ccrg-bench), BENCH_PARTICIPANTS (100000),
# BENCH_ITEMS_PER_MONTH (18), BENCH_END (2026-07), BENCH_THREADS (2), BENCH_MEMORY_LIMIT (4GB).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${BENCH_DIR:-/tmp/ccrg-bench}
PARTICIPANTS=${BENCH_PARTICIPANTS:-100000}
ITEMS=${BENCH_ITEMS_PER_MONTH:-18}
# July: the month after a quarter, when most VAT returns are filed.
END=${BENCH_END:-2026-07}
THREADS=${BENCH_THREADS:-2}
MEMORY=${BENCH_MEMORY_LIMIT:-4GB}
TODAY=2026-11-26
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install -y time" >&2; exit 1; }

npm run -s build
DATA="$DIR/data-$PARTICIPANTS-$ITEMS-$END"
if [ ! -f "$DATA/.complete" ]; then
  rm -rf "$DATA"
  echo "generating 13 months for $PARTICIPANTS participants into $DATA ..." >&2
  node bin/ccrg.js generate --participants "$PARTICIPANTS" --months 13 --end "$END" --items-per-month "$ITEMS" --monthly --out "$DATA" --quiet >/dev/null
  touch "$DATA/.complete"
fi

months=$(ls "$DATA" | sed -n 's/^declarations-\([0-9-]*\)\.csv$/\1/p' | sort)
last=$(echo "$months" | tail -n 1)
store="$DIR/store.duckdb"
before="$DIR/store-before-$last.duckdb"
run() { node bin/ccrg.js ingest --store "$store" --threads "$THREADS" --memory-limit "$MEMORY" --today "$TODAY" --rejects "$DIR/rejects.csv" --quiet "$@"; }
month_files() {
  local m=$1
  local files=(--declarations "$DATA/declarations-$m.csv")
  [ -f "$DATA/tax_returns-$m.csv" ] && files+=(--tax-returns "$DATA/tax_returns-$m.csv")
  [ -f "$DATA/participants-$m.csv" ] && files+=(--participants "$DATA/participants-$m.csv")
  [ -f "$DATA/eaeu_imports-$m.csv" ] && files+=(--eaeu-imports "$DATA/eaeu_imports-$m.csv")
  echo "${files[@]}"
}
if [ -f "$before" ] && [ "${BENCH_REFILL:-0}" != 1 ]; then
  echo "reusing the store of the 12 months before $last ($before; BENCH_REFILL=1 rebuilds it)" >&2
else
  echo "filling the store with the 12 months before $last ..." >&2
  rm -f "$store" "$store.wal"
  for m in $(echo "$months" | head -n -1); do
    # shellcheck disable=SC2046
    run $(month_files "$m") >/dev/null
  done
  cp "$store" "$before"
fi
cp "$before" "$store"

echo "measuring the ingest of $last ..." >&2
# shellcheck disable=SC2046
/usr/bin/time -v -o "$DIR/time.txt" node bin/ccrg.js ingest --store "$store" --threads "$THREADS" --memory-limit "$MEMORY" \
  --today "$TODAY" --rejects "$DIR/rejects.csv" --quiet $(month_files "$last") | tee "$DIR/summary.txt"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/time.txt")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time.txt")
# CPU seconds (user + system) beside the wall time: whether a change moved work, or only how the work
# spreads over the cores (CPU / wall). Both drift with the machine's hour (docs/performance.md).
cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$DIR/time.txt")
stored=$(node -e "
  import('@duckdb/node-api').then(async ({ DuckDBInstance }) => {
    const c = await (await DuckDBInstance.create('$store', { access_mode: 'READ_ONLY' })).connect();
    const r = await c.runAndReadAll('SELECT (SELECT count(*) FROM declarations) AS d, (SELECT count(*) FROM tax_returns) AS t, (SELECT count(*) FROM participants) AS p');
    console.log(JSON.stringify(r.getRowObjectsJson()[0]));
  });")
echo "month $last: wall $wall, CPU ${cpu} s, peak RSS $((rss_kb / 1024)) MB, threads $THREADS, memory_limit $MEMORY"
echo "store after: $stored"
# The floors, side by side in the same run: plain DuckDB reading the same files (all of the month's, as the
# ingest does) into tables in memory, then into a fresh database file, committed: what keeping the rows costs
# before any check (issue 19's target is 3x the read).
files=$(month_files "$last" | tr ' ' '\n' | grep -v '^--' | paste -sd, -)
floor=$(npx tsx scripts/bench-floor.ts read "$files" "$THREADS")
echo "$floor"
persist=$(npx tsx scripts/bench-floor.ts persist "$files" "$THREADS")
echo "$persist"
seconds() { node -e "const p='$1'.split(':').map(Number); console.log(p.reduce((a, x) => a * 60 + x, 0))"; }
floor_s=$(echo "$floor" | sed -n 's/.*threads: \([0-9.]*\) s,.*/\1/p')
persist_s=$(echo "$persist" | sed -n 's/.*threads: \([0-9.]*\) s,.*/\1/p')
echo "ingest / floor: $(node -e "console.log(($(seconds "$wall") / $floor_s).toFixed(1))")x (target: at most 3x, issue 19); persist / floor: $(node -e "console.log(($persist_s / $floor_s).toFixed(1))")x"
