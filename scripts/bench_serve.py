#!/usr/bin/env python3
"""Server-side latency of `quelle serve` (loopback only): /api/search p50/p99 over the bench
queries, one client; then requests per second with 8 clients at once.

Usage: python3 scripts/bench_serve.py CORPUS INDEX [ROUNDS] [SECONDS]
(the corpus and index of scripts/bench.sh, e.g. target/bench/corpus-500 target/bench/quelle-500;
the index is built first if it is missing). Prints one Markdown row.
"""
import http.client, json, pathlib, statistics, subprocess, sys, threading, time, urllib.parse

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench import QUELLE, QUERIES  # the binary and the 20 queries of scripts/bench.sh


def main():
    corpus, index = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 10
    subprocess.run([str(QUELLE), "--corpus", corpus, "--index", index, "index"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = subprocess.Popen([str(QUELLE), "--corpus", corpus, "--index", index, "serve",
                               "--port", "0", "--refresh", "60"], stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in server.stderr:
            if "http://127.0.0.1:" in line:
                port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
                break
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
        paths = ["/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10}) for q in QUERIES]

        def get(conn, path):
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200, (path, r.status, body[:200])
            return body

        conn = http.client.HTTPConnection("127.0.0.1", port)
        for p in paths:  # warm-up
            get(conn, p)
        samples = []
        for _ in range(rounds):
            for p in paths:
                t0 = time.perf_counter()
                get(conn, p)
                samples.append((time.perf_counter() - t0) * 1000)
        samples.sort()
        pct = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
        done = [0] * 8
        stop = time.perf_counter() + seconds

        def client(i):
            c = http.client.HTTPConnection("127.0.0.1", port)
            k = i
            while time.perf_counter() < stop:
                get(c, paths[k % len(paths)])
                done[i] += 1
                k += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rps = sum(done) / (time.perf_counter() - t0)
        print(f"| {corpus} | {len(samples)} | {statistics.median(samples):.1f} | {pct(0.99):.1f} | {rps:.0f} |")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
