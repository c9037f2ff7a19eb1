"""Near-duplicate texts at scale: MinHash signatures + LSH banding, vectorised with numpy.

Tokens are the words of a normalised text, with runs of CJK characters split into
character bigrams (Chinese has no spaces), so "a word swapped" or "an emoji added"
changes few tokens in either language. Two texts are near-duplicates when the Jaccard
similarity of their token sets (estimated from ``num_perm`` MinHash values) reaches
``threshold`` (QUT's co-similar-tweet uses 0.8). Candidates come from LSH buckets (``bands``
of ``num_perm / bands`` rows) and are checked against the bucket's first member;
near-duplicates are merged transitively into groups (union-find).

Cost is linear in the number of tokens: hashing is zlib.crc32 (deterministic across
processes, unlike ``hash``); permutations are multiply-shift hashes on uint64; both run
compiled (numba), so 1M texts are signed in a few seconds. :func:`tokens` is the
definition of the tokens, which the compiled pass follows byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from analytics.window_join import threads

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


#: Python's ``str.split()`` white space (``Py_UNICODE_ISSPACE``) as code points.
_SPACES = np.asarray(
    [*range(9, 14), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
     0x2028, 0x2029, 0x202F, 0x205F, 0x3000],
    dtype=np.int64,
)  # fmt: skip


def _crc_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint64)
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table[n] = c
    return table


_CRC = _crc_table()


@numba.njit(cache=True, nogil=True)
def _crc32(data: np.ndarray, lo: int, hi: int, table: np.ndarray) -> np.uint64:
    """zlib.crc32 of data[lo:hi]."""
    crc = np.uint64(0xFFFFFFFF)
    for i in range(lo, hi):
        crc = table[(crc ^ np.uint64(data[i])) & np.uint64(0xFF)] ^ (crc >> np.uint64(8))
    return crc ^ np.uint64(0xFFFFFFFF)


@numba.njit(cache=True, nogil=True)
def _take(x: np.uint64, a: np.ndarray, b: np.ndarray, row: np.ndarray) -> None:
    """Fold one token hash into a text's MinHash row."""
    for k in range(len(a)):
        v = (a[k] * x + b[k]) >> np.uint64(32)
        if v < row[k]:
            row[k] = v


@numba.njit(cache=True, nogil=True)
def _sign(
    data: np.ndarray,
    offsets: np.ndarray,
    first: int,
    last: int,
    a: np.ndarray,
    b: np.ndarray,
    spaces: np.ndarray,
    table: np.ndarray,
    sig: np.ndarray,
) -> None:
    """MinHash rows of texts first..last-1 (UTF-8 in data[offsets[i]:offsets[i + 1]]):
    the tokens of :func:`tokens`, each hashed with crc32 and permuted num_perm ways."""
    top = np.uint64(0xFFFFFFFFFFFFFFFF)
    row = np.empty(len(a), np.uint64)
    for t in range(first, last):
        row[:] = top
        found = 0
        word = -1  # byte where the current word began
        run = 0  # CJK characters in the current run
        prev = -1  # byte where the run's previous character began
        pos, end = offsets[t], offsets[t + 1]
        while pos <= end:
            if pos == end:
                cp, n = -1, 1  # the end closes any word or run
            else:
                c = data[pos]
                if c < 0x80:
                    cp, n = c, 1
                elif c < 0xE0:
                    cp, n = ((c & 0x1F) << 6) | (data[pos + 1] & 0x3F), 2
                elif c < 0xF0:
                    cp = ((c & 0x0F) << 12) | ((data[pos + 1] & 0x3F) << 6)
                    cp, n = cp | (data[pos + 2] & 0x3F), 3
                else:
                    cp = ((c & 0x07) << 18) | ((data[pos + 1] & 0x3F) << 12)
                    cp = cp | ((data[pos + 2] & 0x3F) << 6) | (data[pos + 3] & 0x3F)
                    n = 4
            cjk = (0x3400 <= cp <= 0x9FFF) or (0xF900 <= cp <= 0xFAFF)
            space = cp < 0
            if not cjk and not space:
                for s in spaces:
                    if cp == s:
                        space = True
                        break
            if (cjk or space) and word >= 0:
                _take(_crc32(data, word, pos, table), a, b, row)
                found += 1
                word = -1
            if cjk:
                if run > 0:
                    _take(_crc32(data, prev, pos + n, table), a, b, row)
                    found += 1
                run += 1
                prev = pos
            else:
                if run == 1:  # a lone CJK character is its own token
                    _take(_crc32(data, prev, pos, table), a, b, row)
                    found += 1
                run = 0
                if not space and word < 0:
                    word = pos
            pos += n
        if found == 0:
            _take(np.uint64(0), a, b, row)  # no token: the empty one (crc32 of b"")
        sig[t, :] = row


def signatures(texts: Sequence[str], num_perm: int = 64, seed: int = 7) -> np.ndarray:
    """(len(texts), num_perm) MinHash matrix; a text with no token gets the row of the
    empty token.

    Token hashes are zlib.crc32 of their UTF-8; permutation k is multiply-shift hashing,
    ``(a_k * x + b_k) mod 2^64 >> 32`` with random odd ``a_k``. The tokenising, hashing
    and permuting run compiled, one pass over each text's bytes, in blocks of texts on
    all cores."""
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    sig = np.empty((len(texts), num_perm), dtype=np.uint64)
    step = 20_000
    blocks = [(i, min(i + step, len(texts))) for i in range(0, len(texts), step)]

    def sign(block: tuple[int, int]) -> None:
        _sign(data, offsets, block[0], block[1], a, b, _SPACES, _CRC, sig)

    if len(blocks) <= 1:
        for block in blocks:
            sign(block)
    else:
        with ThreadPoolExecutor(max_workers=threads()) as pool:
            list(pool.map(sign, blocks))
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
