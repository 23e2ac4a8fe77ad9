#!/usr/bin/env python3
"""Fresh-process search latency of two quelle binaries, back to back.

Usage:
  python3 scripts/compare_latency.py OLD_BIN NEW_BIN CORPUS_PARENT QUERIES.json [ROUNDS]
      from CORPUS_PARENT (the folder holding corpus/), the judged queries of QUERIES.json,
      each binary with an index of its own (built first), so that index sizes compare too;
  python3 scripts/compare_latency.py OLD_BIN NEW_BIN --shared CORPUS INDEX [ROUNDS]
      the 20 bench queries of scripts/bench.sh on one corpus and one index both binaries
      can read (the same index version), e.g. target/bench/corpus-500 target/bench/quelle-500;
  python3 scripts/compare_latency.py OLD_BIN NEW_BIN --indexes CORPUS OLD_INDEX NEW_INDEX [ROUNDS]
      the same queries, each binary on an index of its own that it built from CORPUS (for
      changes of the index's version or layout).
Runs `BIN … search --json --limit 10 -- QUERY` for every query, ROUNDS times (default 5),
alternating which binary goes first; prints p50, p90 and p99 per binary.
"""
import json, pathlib, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench import QUERIES  # the 20 bench queries


def main():
    old, new = (str(pathlib.Path(b).resolve()) for b in sys.argv[1:3])
    shared = sys.argv[3] in ("--shared", "--indexes")
    if sys.argv[3] == "--shared":
        corpus, index = sys.argv[4:6]
        rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 5
        qs, cwd = QUERIES, None
        bins = {k: (b, ["--corpus", corpus, "--index", index]) for k, b in (("old", old), ("new", new))}
    elif shared:
        corpus, old_index, new_index = sys.argv[4:7]
        rounds = int(sys.argv[7]) if len(sys.argv) > 7 else 5
        qs, cwd = QUERIES, None
        bins = {k: (b, ["--corpus", corpus, "--index", i])
                for k, b, i in (("old", old, old_index), ("new", new, new_index))}
    else:
        parent, queries = sys.argv[3:5]
        rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 5
        qs = [q["query"] for q in json.loads(pathlib.Path(queries).read_text(encoding="utf-8"))]
        tmp, cwd = pathlib.Path(tempfile.mkdtemp()), parent
        bins = {k: (b, ["--index", str(tmp / k)]) for k, b in (("old", old), ("new", new))}
    for b, args in bins.values():  # build or warm each index
        for q in qs if shared else ["warmup"]:
            subprocess.run([b, *args, "search", "--json", "--", q], cwd=cwd, capture_output=True)
    times = {k: [] for k in bins}
    for r in range(rounds):
        order = list(bins.items()) if r % 2 == 0 else list(reversed(list(bins.items())))
        for k, (b, args) in order:
            for q in qs:
                t = time.perf_counter()
                subprocess.run([b, *args, "search", "--json", "--limit", "10", "--", q],
                               cwd=cwd, capture_output=True)
                times[k].append(time.perf_counter() - t)
    for k, (b, args) in bins.items():
        v = sorted(times[k])
        pct = lambda p: v[min(len(v) - 1, int(len(v) * p))] * 1000
        line = f"{k}: p50 {statistics.median(v) * 1000:.1f} ms, p90 {pct(0.9):.1f} ms, p99 {pct(0.99):.1f} ms"
        if not shared:
            idx = pathlib.Path(args[1])
            line += f", index {sum(f.stat().st_size for f in idx.rglob('*') if f.is_file()) / 1024:.0f} KB"
        print(f"{line} ({len(v)} searches)")


if __name__ == "__main__":
    main()
