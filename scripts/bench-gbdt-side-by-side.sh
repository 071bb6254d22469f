#!/usr/bin/env bash
# The GBDT learner against XGBoost `hist` on the same data in the same minutes
# (docs/models.md, "Benchmark"; issue "The learner on both cores"):
#
#   scripts/bench-gbdt-side-by-side.sh [small|large]     (default large)
#
# Exports the case's data once into $BENCH_DIR (default /tmp/gbdt-bench), then
# alternates: ccrg on all cores, ccrg on one thread, XGBoost on 1 and 2 threads,
# ccrg on all cores again. Each ccrg line ends with the model's SHA-256 prefix:
# it is the same for any thread count. Needs Debian's python3-xgboost
# (apt-get install -y python3-xgboost), run with /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."
CASE=${1:-large}
DIR=${BENCH_DIR:-/tmp/gbdt-bench}
/usr/bin/python3 -c 'import xgboost' 2>/dev/null || { echo "XGBoost is needed: apt-get install -y python3-xgboost" >&2; exit 1; }
npx tsx scripts/bench-gbdt.ts --case "$CASE" --export "$DIR"
npx tsx scripts/bench-gbdt.ts --case "$CASE" --threads 1
/usr/bin/python3 scripts/bench-gbdt-xgboost.py "$DIR" "$CASE"
npx tsx scripts/bench-gbdt.ts --case "$CASE"
