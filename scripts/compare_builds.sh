#!/bin/sh
# Builds from nothing by two quelle binaries and tantivy-cli, taking turns: on a noisy
# machine only runs made side by side compare.
#
# Usage: scripts/compare_builds.sh OLD_BIN NEW_BIN CORPUS [ROUNDS]
#   Each round builds CORPUS with OLD_BIN, then NEW_BIN (each into a fresh temporary
#   index), then with tantivy-cli from CORPUS.jsonl (the paragraphs as scripts/bench.py
#   writes them; skipped when that file is missing). Prints one line per build: wall
#   seconds, user seconds and peak RSS (GNU time). Default 2 rounds.
set -eu
old=$1 new=$2 corpus=$3 rounds=${4:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
tantivy=$(command -v tantivy || echo "$HOME/.cargo/bin/tantivy")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
i=0
while [ "$i" -lt "$rounds" ]; do
    for which in old new; do
        if [ "$which" = old ]; then bin=$old; else bin=$new; fi
        rm -rf "$work/index"
        /usr/bin/time -f "$which %e s %U user %M KB" "$bin" --corpus "$corpus" \
            --index "$work/index" index 2>&1 >/dev/null | tail -n 1
    done
    if [ -f "$corpus.jsonl" ]; then
        rm -rf "$work/tantivy" && mkdir -p "$work/tantivy"
        PYTHONPATH="$root/scripts" python3 -c \
            'import json, bench; print(json.dumps(bench.TANTIVY_META))' >"$work/tantivy/meta.json"
        /usr/bin/time -f "tantivy-cli %e s %U user %M KB" "$tantivy" index -i "$work/tantivy" \
            <"$corpus.jsonl" 2>&1 >/dev/null | tail -n 1
    fi
    i=$((i + 1))
done
