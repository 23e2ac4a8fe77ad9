#!/usr/bin/env python3
"""Checks quelle's page locators in PDFs against an independent extractor (poppler's pdftotext).

Usage (from the folder holding corpus/): python3 scripts/check_pages.py BIN QUERIES.json
For every hit of every judged query that cites a page of a PDF, every word of the passage
must stand on the cited pages as `pdftotext -f FIRST -l LAST FILE -` reads them (the letters
of the pages run together, so that a word hyphenated at a line end, or spaced otherwise, is
still found; the order is not compared, as extractors read tables and tables of contents in
different orders). Prints the share of page locators found true, and the false ones.
"""
import json, re, subprocess, sys, unicodedata


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if unicodedata.category(c) not in ("Mn", "Cf"))
    s = s.lower().replace("ё", "е")
    return re.sub(r"[^\w]+", " ", s).split()


def on_pages(words, span):
    letters = "".join(span)
    found = sum(1 for w in words if w in letters)
    return found >= len(words) * 0.98


def main():
    bin_, queries = sys.argv[1], json.load(open(sys.argv[2]))
    cache, checked, wrong = {}, 0, []
    for q in queries:
        out = subprocess.run([bin_, "search", "--json", "--limit", "10", "--", q["query"]],
                             capture_output=True, text=True).stdout
        for h in json.loads(out).get("hits", []):
            if "page" not in h or not h["doc"].lower().endswith(".pdf"):
                continue
            first, last = h["page"], h.get("page_end", h["page"])
            key = (h["doc"], first, last)
            if key not in cache:
                text = subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), "corpus/" + h["doc"], "-"],
                                      capture_output=True, text=True).stdout
                cache[key] = fold(text)
            checked += 1
            if not on_pages(fold(h["text"]), cache[key]):
                wrong.append((h["id"], first, last, h["text"][:80]))
    share = 1 - len(wrong) / checked if checked else 1.0
    print(json.dumps({"page_locators": checked, "true": checked - len(wrong), "share": round(share, 4)}))
    for w in wrong[:20]:
        print("false:", *w)


if __name__ == "__main__":
    main()
