"""Near-duplicate texts at scale: MinHash signatures + LSH banding, vectorised with numpy.

Tokens are the words of a normalised text, with runs of CJK characters split into
character bigrams (Chinese has no spaces), so "a word swapped" or "an emoji added"
changes few tokens in either language. Two texts are near-duplicates when the Jaccard
similarity of their token sets (estimated from ``num_perm`` MinHash values) reaches
``threshold`` (QUT's co-similar-tweet uses 0.8). Candidates come from LSH buckets (``bands``
of ``num_perm / bands`` rows) and are checked against the bucket's first member;
near-duplicates are merged transitively into groups (union-find).

Cost is linear in the number of tokens: hashing is zlib.crc32 (deterministic across
processes, unlike ``hash``), permutations are ``(a*x + b) mod (2^31 - 1)`` on uint64.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

PRIME = np.uint64(2_147_483_647)  # 2^31 - 1: a*x stays below 2^62, no uint64 overflow
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def tokens(text: str) -> set[str]:
    out: set[str] = set()
    for word in text.split():
        runs = _CJK.findall(word)
        if not runs:
            out.add(word)
            continue
        rest = _CJK.sub(" ", word).split()
        out.update(rest)
        for run in runs:
            out.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return out


def signatures(texts: Sequence[str], num_perm: int = 64, seed: int = 7) -> np.ndarray:
    """(len(texts), num_perm) MinHash matrix; an empty text gets the max value row."""
    hashes: list[int] = []
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    for i, text in enumerate(texts):
        toks = tokens(text) or {""}
        hashes.extend(zlib.crc32(t.encode("utf-8")) for t in toks)
        offsets[i + 1] = len(hashes)
    x = np.asarray(hashes, dtype=np.uint64) % PRIME
    rng = np.random.default_rng(seed)
    a = rng.integers(1, int(PRIME), size=num_perm, dtype=np.uint64)
    b = rng.integers(0, int(PRIME), size=num_perm, dtype=np.uint64)
    sig = np.empty((len(texts), num_perm), dtype=np.uint64)
    starts = offsets[:-1]
    for k in range(num_perm):
        values = (a[k] * x + b[k]) % PRIME
        sig[:, k] = np.minimum.reduceat(values, starts) if len(texts) else values[:0]
    return sig


def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return root


def near_duplicate_groups(
    texts: Sequence[str], threshold: float = 0.8, num_perm: int = 64, bands: int = 16
) -> np.ndarray:
    """Group id per text (texts with a near-duplicate share one), -1 for texts with none."""
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if num_perm % bands:
        raise ValueError("num_perm must be a multiple of bands")
    sig = signatures(texts, num_perm)
    rows = num_perm // bands
    parent = np.arange(n, dtype=np.int64)
    for band in range(bands):
        block = np.ascontiguousarray(sig[:, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        _, bucket = np.unique(keys, return_inverse=True)
        order = np.argsort(bucket, kind="stable")
        sorted_buckets = bucket[order]
        starts = np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]])
        ends = np.r_[starts[1:], n]
        multi = (ends - starts) >= 2  # only buckets with a candidate pair
        for start, end in zip(starts[multi], ends[multi], strict=True):
            members = order[start:end]
            head = members[0]
            agree = (sig[members[1:]] == sig[head]).mean(axis=1)
            for member in members[1:][agree >= threshold]:
                ra, rb = _find(parent, int(head)), _find(parent, int(member))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    roots = np.asarray([_find(parent, i) for i in range(n)], dtype=np.int64)
    sizes = np.bincount(roots, minlength=n)
    return np.where(sizes[roots] > 1, roots, -1)
