#!/usr/bin/env bash
# PDF ingestion: quelle (read, lay out, index) against poppler's pdftotext alone (text
# only) on the same PDFs, made by the fixture generator: FILES files of PAGES two-column
# pages (default 10 × 100). Prints pages/s and MB/s of each, median of 3 runs.
#
#   scripts/bench_pdf.sh [FILES] [PAGES]
#
# Needs: pdftotext (apt-get install poppler-utils), GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-10}; PAGES=${2:-100}
DIR=${BENCH_DIR:-target/bench}/pdf-$FILES-$PAGES
cargo build --release --bins --examples -q
[ -d "$DIR/corpus" ] || target/release/examples/make_fixtures pages "$DIR/corpus" "$FILES" "$PAGES"
MB=$(du -sm "$DIR/corpus" | cut -f1)
median() { sort -n | sed -n 2p; }
q=$(for r in 1 2 3; do rm -rf "$DIR/index"; /usr/bin/time -f %e target/release/quelle --corpus "$DIR/corpus" --index "$DIR/index" index 2>&1 >/dev/null | tail -1; done | median)
p1=$(for r in 1 2 3; do /usr/bin/time -f %e bash -c "for f in $DIR/corpus/*.pdf; do pdftotext \"\$f\" - >/dev/null; done" 2>&1 | tail -1; done | median)
p2=$(for r in 1 2 3; do /usr/bin/time -f %e bash -c "ls $DIR/corpus/*.pdf | xargs -P $(nproc) -I{} pdftotext {} - >/dev/null" 2>&1 | tail -1; done | median)
pages=$((FILES * PAGES))
echo "| tool | seconds | pages/s | MB/s |"
echo "|---|---|---|---|"
for row in "quelle index (all cores)|$q" "pdftotext, one process after another|$p1" "pdftotext, $(nproc) at once|$p2"; do
  name=${row%|*}; s=${row#*|}
  echo "| $name | $s | $(python3 -c "print(round($pages/$s))") | $(python3 -c "print(round($MB/$s, 1))") |"
done
echo "($pages pages in $FILES files, $MB MB, $(date -u +%F))"
