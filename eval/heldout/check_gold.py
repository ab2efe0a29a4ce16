#!/usr/bin/env python3
"""Check every gold file here: it parses, each quote text and entity name/alias occurs in the body,
speakers are entity names (or null), and the HTML beside it carries every body paragraph."""
import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {"direct", "partial", "indirect"}
TYPES = {"person", "organization", "location"}


def squash(s):
    return re.sub(r"\s+", " ", s).strip()


def words(s):
    return re.findall(r"\w+", s.lower())


def pieces_in(text, body):
    """How many contiguous runs of the body's words make up the quote's words, or None."""
    hay = " " + " ".join(words(body)) + " "
    need, n = words(text), 0
    while need:
        k = len(need)
        while k and " " + " ".join(need[:k]) + " " not in hay:
            k -= 1
        if not k:
            return None
        need, n = need[k:], n + 1
    return n


def check(gpath):
    errs = []
    g = json.loads(gpath.read_text(encoding="utf-8"))
    body = g["article"]["body"]
    low = body.lower()
    flat = squash(body)
    names = {e["name"] for e in g["entities"]}
    for key in ("url", "article", "quotes", "entities"):
        if key not in g:
            errs.append(f"missing {key}")
    for q in g["quotes"]:
        if q["kind"] not in KINDS:
            errs.append(f"bad kind {q['kind']}")
        if q["speaker"] is not None and q["speaker"] not in names:
            errs.append(f"speaker not an entity: {q['speaker']}")
        # a quote over paragraphs or split around its attribution occurs in at most a few pieces
        pieces = pieces_in(q["text"], body)
        if pieces is None or pieces > 3:
            errs.append(f"quote text not in body: {q['text'][:60]!r}")
    seen = set()
    for e in g["entities"]:
        if e["type"] not in TYPES:
            errs.append(f"bad type {e['type']}")
        if (e["name"], e["type"]) in seen:
            errs.append(f"duplicate entity {e['name']}")
        seen.add((e["name"], e["type"]))
        for form in e["aliases"]:
            if form.lower() not in low:
                errs.append(f"entity alias not in body: {form!r}")
        # the canonical name may be an expansion the article never spells out (PTI, EU), as in dev
        if e["name"].lower() not in low and not e["aliases"]:
            errs.append(f"entity name not in body and no alias: {e['name']!r}")
    page = html.unescape(gpath.with_name(gpath.name[: -len(".gold.json")] + ".html").read_text(encoding="utf-8"))
    for para in body.split("\n\n"):
        if para not in page:
            errs.append(f"paragraph not in html: {para[:60]!r}")
    return g, errs


def main():
    bad = 0
    for gpath in sorted(HERE.glob("*.gold.json")):
        g, errs = check(gpath)
        words = len(g["article"]["body"].split())
        print(f"{gpath.name}: {words} words, {len(g['quotes'])} quotes, {len(g['entities'])} entities"
              + ("" if not errs else f", {len(errs)} problems"))
        for e in errs:
            print("   ", e)
        bad += bool(errs)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
