#!/usr/bin/env python3
"""Fresh-process search latency of two quelle binaries, back to back, on judged queries.

Usage: python3 scripts/compare_latency.py OLD_BIN NEW_BIN CORPUS_PARENT QUERIES.json [ROUNDS]
Runs `BIN --index TMP search --json --limit 10 -- QUERY` from CORPUS_PARENT (the folder
holding corpus/) for every query, ROUNDS times (default 5), alternating which binary goes
first, each with an index of its own; prints p50 and p90 per binary and each index's size.
"""
import json, pathlib, statistics, subprocess, sys, tempfile, time


def main():
    old, new, parent, queries = sys.argv[1:5]
    old, new = (str(pathlib.Path(b).resolve()) for b in (old, new))
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    qs = [q["query"] for q in json.loads(pathlib.Path(queries).read_text(encoding="utf-8"))]
    tmp = pathlib.Path(tempfile.mkdtemp())
    bins = {"old": (old, tmp / "old"), "new": (new, tmp / "new")}
    for b, idx in bins.values():  # build each index
        subprocess.run([b, "--index", str(idx), "search", "--json", "--", "warmup"], cwd=parent,
                       capture_output=True)
    times = {k: [] for k in bins}
    for r in range(rounds):
        order = list(bins.items()) if r % 2 == 0 else list(reversed(list(bins.items())))
        for k, (b, idx) in order:
            for q in qs:
                t = time.perf_counter()
                subprocess.run([b, "--index", str(idx), "search", "--json", "--limit", "10", "--", q],
                               cwd=parent, capture_output=True)
                times[k].append(time.perf_counter() - t)
    for k, (b, idx) in bins.items():
        v = sorted(times[k])
        size = sum(f.stat().st_size for f in idx.rglob("*") if f.is_file())
        print(f"{k}: p50 {statistics.median(v) * 1000:.1f} ms, p90 {v[int(len(v) * 0.9)] * 1000:.1f} ms, "
              f"index {size / 1024:.0f} KB ({len(v)} searches)")


if __name__ == "__main__":
    main()
