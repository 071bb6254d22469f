#!/usr/bin/env bash
# Score benchmark (docs/performance.md): `ccrg score` for the last month of a
# store of 12+ months of ~1.5M items each and 100,000 participants, with GNU
# time (wall, peak RSS), and the feature computation alone (the floor).
#
#   scripts/bench-score.sh            # uses the store left by scripts/bench-ingest.sh
#
# Environment: BENCH_DIR (default /tmp/ccrg-bench), BENCH_PERIOD (2026-07),
# BENCH_THREADS (2), BENCH_MEMORY_LIMIT (2GB, the score default).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/ccrg-bench}
PERIOD=${BENCH_PERIOD:-2026-07}
THREADS=${BENCH_THREADS:-2}
MEMORY=${BENCH_MEMORY_LIMIT:-2GB}
store="$DIR/store.duckdb"
[ -f "$store" ] || { echo "no store at $store: run scripts/bench-ingest.sh first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install -y time" >&2; exit 1; }
npm run -s build
/usr/bin/time -v -o "$DIR/score-time.txt" node bin/ccrg.js score --period "$PERIOD" --store "$store" --out "$DIR/out/$PERIOD" \
  --threads "$THREADS" --memory-limit "$MEMORY" --quiet > "$DIR/score-summary.txt"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/score-time.txt")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/score-time.txt")
# CPU seconds (user + system) beside the wall time: whether a change moved work, or only how the work
# spreads over the cores (CPU / wall). Both drift with the machine's hour (docs/performance.md).
cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$DIR/score-time.txt")
participants=$(($(wc -l < "$DIR/out/$PERIOD/ranked.csv") - 1))
echo "score $PERIOD: wall $wall, CPU ${cpu} s, peak RSS $((rss_kb / 1024)) MB, threads $THREADS, memory_limit $MEMORY, ~$participants ranked rows"
echo "timings (ms): $(node -e "console.log(JSON.stringify(JSON.parse(require('fs').readFileSync('$DIR/out/$PERIOD/manifest.json','utf8')).run.timings_ms))")"
last_day=$(node -e "const [y,m]='$PERIOD'.split('-').map(Number); console.log(new Date(Date.UTC(y,m,0)).toISOString().slice(0,10))")
/usr/bin/time -v -o "$DIR/features-time.txt" npx tsx scripts/bench-features.ts "$store" "$last_day" "$THREADS" | tail -n 3
echo "features alone: wall $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/features-time.txt"), peak RSS $(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/features-time.txt") / 1024)) MB"
# The floor, side by side in the same run: one plain DuckDB pass over the window's items grouped by importer,
# with a per-HS6 median unit value joined back.
floor=$(npx tsx scripts/bench-floor.ts pass "$store" "$last_day" "$THREADS")
echo "$floor"
seconds() { node -e "const p='$1'.split(':').map(Number); console.log(p.reduce((a, x) => a * 60 + x, 0))"; }
floor_s=$(echo "$floor" | sed -n 's/.*: \([0-9.]*\) s,.*/\1/p')
echo "score / floor: $(node -e "console.log(($(seconds "$wall") / $floor_s).toFixed(1))")x (target: at most 8x, issue 19)"

