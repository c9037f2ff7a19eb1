"""Near-duplicate texts at scale: MinHash signatures + LSH banding, vectorised with numpy.

Tokens are the words of a normalised text, with runs of CJK characters split into
character bigrams (Chinese has no spaces), so "a word swapped" or "an emoji added"
changes few tokens in either language. Two texts are near-duplicates when the Jaccard
similarity of their token sets (estimated from ``num_perm`` MinHash values) reaches
``threshold`` (QUT's co-similar-tweet uses 0.8). Candidates come from LSH buckets (``bands``
of ``num_perm / bands`` rows) and are checked against the bucket's first member;
near-duplicates are merged transitively into groups (union-find).

Cost is linear in the number of tokens: hashing is zlib.crc32 (deterministic across
processes, unlike ``hash``); permutations are multiply-shift hashes on uint64.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def tokens(text: str) -> set[str]:
    if text.isascii():
        return set(text.split())
    runs = _CJK.findall(text)  # CJK runs never hold white space, so words keep their rest
    if not runs:
        return set(text.split())
    out = set(_CJK.sub(" ", text).split())
    for run in runs:
        out.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return out


def signatures(texts: Sequence[str], num_perm: int = 64, seed: int = 7) -> np.ndarray:
    """(len(texts), num_perm) MinHash matrix; an empty text gets the max value row.

    Token hashes are zlib.crc32; permutation k is multiply-shift hashing,
    ``(a_k * x + b_k) mod 2^64 >> 32`` with random odd ``a_k``: no division, so each of
    the ``num_perm`` passes is a few vector operations over all tokens."""
    hashes: list[int] = []
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    crc32 = zlib.crc32
    for i, text in enumerate(texts):
        hashes.extend([crc32(t.encode("utf-8")) for t in (tokens(text) or {""})])
        offsets[i + 1] = len(hashes)
    x = np.asarray(hashes, dtype=np.uint64)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    sig = np.empty((len(texts), num_perm), dtype=np.uint64)
    shift = np.uint64(32)
    # blocks of texts whose tokens stay in the CPU cache for all num_perm passes
    step = 4096
    with np.errstate(over="ignore"):
        for first in range(0, len(texts), step):
            last = min(first + step, len(texts))
            lo, hi = offsets[first], offsets[last]
            block = x[lo:hi]
            starts = offsets[first:last] - lo
            values = np.empty_like(block)
            for k in range(num_perm):
                np.multiply(block, a[k], out=values)
                values += b[k]
                values >>= shift
                sig[first:last, k] = np.minimum.reduceat(values, starts)
    return sig


def _band_keys(block: np.ndarray) -> np.ndarray:
    """One 64-bit key per row of a band (its MinHash values mixed; a collision only adds a
    candidate, which the agreement check then refuses)."""
    key = np.zeros(len(block), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in block.T:
            key = (key ^ column) * np.uint64(0x9E3779B97F4A7C15)
            key ^= key >> np.uint64(29)
    return key


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
        keys = _band_keys(sig[:, band * rows : (band + 1) * rows])
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, n])
        bucket_of = np.repeat(np.arange(len(starts)), sizes)  # per sorted position
        head_at = starts[bucket_of]
        candidate = (np.arange(n) != head_at) & (sizes[bucket_of] >= 2)
        members = order[candidate]
        heads = order[head_at[candidate]]
        # every candidate against its bucket's first member, in one vector operation
        agree = (sig[members] == sig[heads]).mean(axis=1)
        for head, member in zip(
            heads[agree >= threshold].tolist(), members[agree >= threshold].tolist(), strict=True
        ):
            ra, rb = _find(parent, head), _find(parent, member)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = np.asarray([_find(parent, i) for i in range(n)], dtype=np.int64)
    sizes = np.bincount(roots, minlength=n)
    return np.where(sizes[roots] > 1, roots, -1)
