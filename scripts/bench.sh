#!/usr/bin/env bash
# Reproducible benchmark: generates bilingual corpora of the given sizes (MB; default
# 100 and 500) and measures, in one run on this machine, quelle against tantivy-cli and
# ripgrep on the same text. Prints a Markdown table (see BENCHMARKS.md).
#
#   scripts/bench.sh            # 100 MB and 500 MB
#   scripts/bench.sh 50         # one 50 MB corpus
#   BENCH_RUNS=1 scripts/bench.sh 500 2000   # one full index run per tool (default 3)
#
# Needs: python3, GNU time (/usr/bin/time), ripgrep (apt-get install ripgrep) and
# tantivy-cli (cargo install tantivy-cli; its --locked lockfile no longer builds).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bins --examples
command -v rg >/dev/null || { echo "bench: ripgrep missing (apt-get install ripgrep)" >&2; exit 2; }
command -v tantivy >/dev/null || [ -x "$HOME/.cargo/bin/tantivy" ] || cargo install tantivy-cli
exec python3 scripts/bench.py "$@"
