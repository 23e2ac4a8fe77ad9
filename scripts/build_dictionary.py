#!/usr/bin/env python3
"""Regenerates data/dictionary.en-ru.tsv, quelle's English-Russian dictionary, from Debian's
`mueller7-dict` package (V. K. Mueller's English-Russian dictionary, 7th edition, electronic
version by S. Starostin and E. S. Cymbalyuk, GPL-2+).

Usage: python3 scripts/build_dictionary.py [--deb FILE.deb] [OUT.tsv]
Without --deb it runs `apt-get download mueller7-dict` in a temporary folder.

Each line of the output is one English headword and its Russian translations, in the
dictionary's sense order: `headword<TAB>sense; sense; ...`, each sense a comma-separated
list. Only plain translations are kept: usage examples (anything with Latin letters),
glosses in parentheses, labels (`_разг.`), idioms (after `◊`) and cross-references are
dropped. quelle reverses the table for Russian → English at run time.
"""
import argparse, gzip, io, os, pathlib, re, subprocess, sys, tempfile

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "data" / "dictionary.en-ru.tsv"
MAX_WORDS = 3          # translations longer than this are descriptions, not words
MAX_SENSES = 12        # later senses are rare meanings

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def b64(s):
    n = 0
    for c in s:
        n = n * 64 + B64.index(c)
    return n


def fetch(deb):
    tmp = tempfile.mkdtemp()
    if deb is None:
        subprocess.run(["apt-get", "download", "mueller7-dict"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        deb = next(pathlib.Path(tmp).glob("mueller7-dict_*.deb"))
    version = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], capture_output=True,
                             text=True, check=True).stdout.strip()
    subprocess.run(["dpkg-deb", "-x", str(deb), tmp + "/x"], check=True)
    d = pathlib.Path(tmp) / "x/usr/share/dictd"
    return (d / "mueller7.index").read_text(encoding="utf-8"), \
        gzip.open(d / "mueller7.dict.dz").read(), version


CYR_WORD = re.compile(r"^[а-яё]+(?:-[а-яё]+)*$")
SENSE = re.compile(r"(?:^|\s)(?:\d+\.|\d+\)|[а-я]\))(?=\s)")
LABEL = re.compile(r"_[^\s.]+\.")


def senses_of(body):
    """Translations of one entry body, grouped by sense, in order."""
    body = body.split("◊")[0]
    body = re.split(r"_(?:Syn|Ant):", body)[0]
    body = re.sub(r"\[[^\]]*\]", " ", body)          # transcription
    while True:                                        # glosses, nested ones too
        b = re.sub(r"\([^()]*\)", " ", body)
        if b == body:
            break
        body = b
    body = LABEL.sub(" ", body)
    body = re.sub(r"\s+", " ", body)
    out = []
    for chunk in SENSE.split(body):
        words = []
        for group in chunk.split(";"):
            # An example (`to enter in a list вносить в список`) translates a phrase,
            # not the headword: the whole group goes.
            if re.search(r"[A-Za-z0-9=~]", group):
                continue
            for item in group.split(","):
                item = item.strip(" .:!?\"'").lower()
                parts = item.split()
                if not parts or len(parts) > MAX_WORDS:
                    continue
                if all(CYR_WORD.match(p) for p in parts) and item not in words:
                    words.append(item)
        if words:
            out.append(words)
    return out[:MAX_SENSES]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deb")
    ap.add_argument("out", nargs="?", default=str(DEFAULT_OUT))
    a = ap.parse_args()
    index, data, version = fetch(a.deb)
    entries = {}
    for line in index.splitlines():
        head, off, length = line.split("\t")
        if head.startswith("00-database") or head.startswith("_"):
            continue
        body = data[b64(off):b64(off) + b64(length)].decode("utf-8", "replace")
        body = body.split("\n", 1)[1] if "\n" in body else ""
        head = head.strip().lower()
        if not re.fullmatch(r"[a-z][a-z' -]*[a-z]", head):
            continue
        senses = senses_of(body)
        if senses:
            entries.setdefault(head, []).extend(senses)
    out = pathlib.Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(str(out) + ".tmp", "w", encoding="utf-8") as f:
        f.write(f"# quelle English-Russian dictionary: {len(entries)} headwords from Debian's "
                f"mueller7-dict {version}\n")
        f.write("# V. K. Mueller, English-Russian Dictionary, 7th ed. (1961); electronic version "
                "(C) 1996 S. Starostin, (C) 1999-2000 E. S. Cymbalyuk\n")
        f.write("# Licence: GNU GPL version 2 or later (see data/COPYING.dictionary). "
                "Regenerate with scripts/build_dictionary.py\n")
        f.write("# Format: headword<TAB>translations of sense 1; of sense 2; ... "
                "(comma-separated, most usual sense first)\n")
        for head in sorted(entries):
            f.write(head + "\t" + "; ".join(", ".join(s) for s in entries[head]) + "\n")
    os.replace(str(out) + ".tmp", out)
    print(f"{out}: {len(entries)} headwords", file=sys.stderr)


if __name__ == "__main__":
    main()
