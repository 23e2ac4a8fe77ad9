#!/usr/bin/env python3
"""Benchmark driver for scripts/bench.sh: quelle vs tantivy-cli vs ripgrep, one run."""
import json, os, pathlib, shutil, statistics, subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = pathlib.Path(os.environ.get("BENCH_DIR", ROOT / "target" / "bench"))
QUELLE = ROOT / "target/release/quelle"
GEN = ROOT / "target/release/examples/gen_corpus"
TANTIVY = shutil.which("tantivy") or str(pathlib.Path.home() / ".cargo/bin/tantivy")
RG = shutil.which("rg")
RUNS = int(os.environ.get("BENCH_RUNS", 3))  # full index runs; medians are reported
REPEATS = 5       # fresh processes per query
# A fixed mixed list: English and Russian words, phrases, names, typos.
QUERIES = [
    "treaty", "Germany cooperation", "military aviation", "Lipetsk", "Rapallo",
    "договор", "военное сотрудничество", "Германии", "школы танков", "Москве",
    '"soviet union"', '"the treaty"', '"германо советские"', '"в Москве"',
    "Stresseman", "Rapalo", "govemment", "Казань", "League of Nations", "Лиги Наций",
]


def timed(cmd, **kw):
    """Wall seconds and peak RSS (KB) of a command, by GNU time."""
    with tempfile.NamedTemporaryFile("r") as f:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", f.name, *cmd], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        secs, kb = f.read().split()[-2:]
    return float(secs), int(kb)


def latency(cmds):
    """p50/p95/p99 in ms over fresh processes (one warm-up each, not counted)."""
    samples = []
    for cmd in cmds:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    return pick(0.50), pick(0.95), pick(0.99)


def du(path):
    return sum(p.stat().st_size for p in pathlib.Path(path).rglob("*") if p.is_file())


def to_jsonl(corpus, out):
    """The corpus as tantivy-cli documents: one per paragraph, decoded like quelle does."""
    with open(out, "w", encoding="utf-8") as w:
        for p in sorted(pathlib.Path(corpus).rglob("*.txt")):
            raw = p.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1251")
            for para in text.replace("\r", "").split("\n\n" if "\n\n" in text else "\n"):
                para = " ".join(para.split())
                if para:
                    w.write(json.dumps({"body": para}, ensure_ascii=False) + "\n")


TANTIVY_META = {"segments": [], "opstamp": 0, "schema": [{"name": "body", "type": "text", "options": {
    "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "default"}, "stored": True, "fast": False}}]}


def bench(size):
    corpus = OUT / f"corpus-{size}"
    if not corpus.exists():
        subprocess.run([str(GEN), str(corpus), str(size)], check=True)
    mb = du(corpus) / 1048576
    rows = {}

    # quelle: full index, refresh after one changed file, size, queries.
    idx = OUT / f"quelle-{size}"
    runs = []
    for _ in range(RUNS):
        shutil.rmtree(idx, ignore_errors=True)
        runs.append(timed([str(QUELLE), "--corpus", str(corpus), "--index", str(idx), "index"]))
    one = sorted(pathlib.Path(corpus).rglob("*.txt"))[len(list(pathlib.Path(corpus).rglob("*.txt"))) // 2]
    refresh = []
    for i in range(RUNS):
        with open(one, "ab") as f:
            f.write(f"\nAppended line {i} for the refresh benchmark.\n".encode())
        refresh.append(timed([str(QUELLE), "--corpus", str(corpus), "--index", str(idx), "index"])[0])
    q = latency([[str(QUELLE), "--corpus", str(corpus), "--index", str(idx), "search", "--json", "--limit", "10", "--", x]
                 for x in QUERIES])
    secs = statistics.median(r[0] for r in runs)
    rows["quelle"] = dict(secs=secs, mbs=mb / secs, rss=max(r[1] for r in runs) / 1024,
                          refresh=statistics.median(refresh), ratio=du(idx) / du(corpus), q=q)

    # tantivy-cli: the same paragraphs, one stored text field, default tokenizer.
    jsonl = OUT / f"corpus-{size}.jsonl"
    if not jsonl.exists():
        to_jsonl(corpus, jsonl)
    tidx = OUT / f"tantivy-{size}"
    truns = []
    for _ in range(RUNS):
        shutil.rmtree(tidx, ignore_errors=True)
        tidx.mkdir(parents=True)
        (tidx / "meta.json").write_text(json.dumps(TANTIVY_META))
        with open(jsonl, "rb") as stdin:
            truns.append(timed([TANTIVY, "index", "-i", str(tidx)], stdin=stdin))
    tq = latency([[TANTIVY, "search", "-i", str(tidx), "-q", x] for x in QUERIES])
    tsecs = statistics.median(r[0] for r in truns)
    rows["tantivy-cli"] = dict(secs=tsecs, mbs=mb / tsecs, rss=max(r[1] for r in truns) / 1024,
                               refresh=None, ratio=du(tidx) / du(corpus), q=tq)

    # ripgrep: no index; each query scans the corpus (the first word, or the phrase).
    rq = latency([[RG, "-i", "-c", "-F", x.strip('"') if x.startswith('"') else x.split()[0], str(corpus)]
                  for x in QUERIES])
    rows["ripgrep"] = dict(secs=None, mbs=None, rss=None, refresh=None, ratio=None, q=rq)
    return mb, rows


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in sys.argv[1:]] or [100, 500]
    print(f"| corpus | tool | full index (s) | MB/s | peak RSS (MB) | refresh 1 file (s) | index/corpus | query p50 / p95 / p99 (ms) |")
    print("|---|---|---|---|---|---|---|---|")
    for size in sizes:
        mb, rows = bench(size)
        for tool, r in rows.items():
            p50, p95, p99 = r["q"]
            print(f"| {mb:.0f} MB | {tool} | {fmt(r['secs'], '.1f')} | {fmt(r['mbs'], '.1f')} | {fmt(r['rss'], '.0f')} | "
                  f"{fmt(r['refresh'], '.2f')} | {fmt(r['ratio'], '.2f')} | {p50:.1f} / {p95:.1f} / {p99:.1f} |", flush=True)


if __name__ == "__main__":
    main()
