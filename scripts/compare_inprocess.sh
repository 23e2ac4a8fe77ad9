#!/bin/sh
# In-process search latency of two builds of examples/query_latency.rs, taking turns.
#
# Usage: scripts/compare_inprocess.sh OLD_EXAMPLE NEW_EXAMPLE CORPUS OLD_INDEX NEW_INDEX [TURNS] [ROUNDS]
#   OLD_EXAMPLE: a copy of target/release/examples/query_latency built at the old commit.
#   The two indexes may be one folder when both builds read the same index version; give
#   each its own when the version differs (a build replaces an index of another version).
#   Each turn runs both (which goes first alternates), ROUNDS rounds of the 20 queries of
#   scripts/bench.py each (default 3 turns of 5 rounds); prints each run's p50 / p90 / p99
#   in ms.
set -eu
old=$1 new=$2 corpus=$3 old_index=$4 new_index=$5 turns=${6:-3} rounds=${7:-5}
queries=$(mktemp)
trap 'rm -f "$queries"' EXIT
PYTHONPATH="$(dirname "$0")" python3 -c 'from bench import QUERIES; print("\n".join(QUERIES))' >"$queries"
i=0
while [ "$i" -lt "$turns" ]; do
    if [ $((i % 2)) -eq 0 ]; then order="old new"; else order="new old"; fi
    for which in $order; do
        if [ "$which" = old ]; then
            printf 'old: %s\n' "$("$old" "$corpus" "$old_index" "$queries" "$rounds")"
        else
            printf 'new: %s\n' "$("$new" "$corpus" "$new_index" "$queries" "$rounds")"
        fi
    done
    i=$((i + 1))
done
