#!/usr/bin/env python3
"""Where a fresh `quelle search` spends its time: the 20 bench queries as fresh processes
with QUELLE_TRACE=1, ROUNDS rounds after one warm-up; prints the median of each stage over
all searches and the wall-clock p50/p99 of the processes, as a Markdown table.

Usage: python3 scripts/bench_stages.py CORPUS INDEX [ROUNDS]
(e.g. target/bench/corpus-500 target/bench/quelle-500; see BENCHMARKS.md)
"""
import os, pathlib, statistics, subprocess, sys, time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench import QUELLE, QUERIES  # the binary and the 20 queries of scripts/bench.sh


def main():
    corpus, index = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    env = dict(os.environ, QUELLE_TRACE="1")
    stages, order, walls = {}, [], []
    for r in range(rounds + 1):
        for q in QUERIES:
            started = time.perf_counter()
            out = subprocess.run([str(QUELLE), "--corpus", corpus, "--index", index, "search",
                                  "--json", "--limit", "10", "--", q],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
            wall = (time.perf_counter() - started) * 1000
            if r == 0:
                continue  # warm-up
            walls.append(wall)
            for line in out.stderr.splitlines():
                if line.startswith("trace: "):
                    name, ms = line[len("trace: "):].rsplit(" ", 2)[0], float(line.rsplit(" ", 2)[1])
                    if name not in stages:
                        order.append(name)
                    stages.setdefault(name, []).append(ms)
    walls.sort()
    print(f"| stage | median (ms) | searches |")
    print(f"|---|---|---|")
    for name in order:
        print(f"| {name} | {statistics.median(stages[name]):.2f} | {len(stages[name])} |")
    p99 = walls[min(len(walls) - 1, int(len(walls) * 0.99))]
    print(f"| **whole process, wall** | p50 {statistics.median(walls):.1f}, p99 {p99:.1f} | {len(walls)} |")


if __name__ == "__main__":
    main()
