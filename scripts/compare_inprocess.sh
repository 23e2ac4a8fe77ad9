#!/bin/sh
# In-process search latency of two builds of examples/query_latency.rs, taking turns.
#
# Usage: scripts/compare_inprocess.sh OLD_EXAMPLE NEW_EXAMPLE CORPUS INDEX [TURNS] [ROUNDS]
#   e.g. OLD_EXAMPLE = a copy of target/release/examples/query_latency built at the old
#   commit. Each turn runs both (which goes first alternates), ROUNDS rounds of the 20 bench
#   queries each (default 3 turns of 5 rounds); prints each run's p50 / p90 / p99 in ms.
set -eu
old=$1 new=$2 corpus=$3 index=$4 turns=${5:-3} rounds=${6:-5}
i=0
while [ "$i" -lt "$turns" ]; do
    if [ $((i % 2)) -eq 0 ]; then order="old new"; else order="new old"; fi
    for which in $order; do
        if [ "$which" = old ]; then bin=$old; else bin=$new; fi
        printf '%s: %s\n' "$which" "$("$bin" "$corpus" "$index" "$rounds")"
    done
    i=$((i + 1))
done
