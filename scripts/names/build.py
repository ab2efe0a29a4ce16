#!/usr/bin/env python3
"""Builds crates/analyzer/data/names.tsv: given names and surnames from the US Census Bureau's
1990 name frequency lists (a work of the US government, public domain), as shipped in the `names`
PyPI package (MIT).

Usage: pip download names==0.3.0 --no-deps -d /tmp/names && tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
       python3 scripts/names/build.py /tmp/names/names-0.3.0/names > crates/analyzer/data/names.tsv

Output lines (tab separated, lowercase, sorted):
  G  name   a given name (all of the female and male lists)
  S  name   a surname among the most common MAX_SURNAMES
"""
import sys
from pathlib import Path

MAX_SURNAMES = 30_000


def names(path, limit=None):
    out = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if parts and parts[0].isalpha():
            out.append(parts[0].lower())
        if limit and len(out) >= limit:
            break
    return out


def main():
    src = Path(sys.argv[1])
    given = set(names(src / "dist.female.first")) | set(names(src / "dist.male.first"))
    surnames = set(names(src / "dist.all.last", MAX_SURNAMES))
    rows = [("G", n) for n in given] + [("S", n) for n in surnames]
    for kind, n in sorted(rows):
        print(f"{kind}\t{n}")


if __name__ == "__main__":
    main()
