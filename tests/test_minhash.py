"""The compiled MinHash pass follows the token definition (analytics.minhash.tokens) and
zlib.crc32 exactly, on any text: white space of every kind, CJK runs, other scripts."""

from __future__ import annotations

import random
import zlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.minhash import near_duplicate_groups, signatures, tokens


def reference(texts: list[str], num_perm: int = 64, seed: int = 7) -> np.ndarray:
    """The MinHash matrix written out in Python: tokens(), crc32, multiply-shift."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    out = np.empty((len(texts), num_perm), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, text in enumerate(texts):
            x = np.asarray(
                [zlib.crc32(t.encode("utf-8")) for t in tokens(text) or {""}], dtype=np.uint64
            )
            out[i] = ((a[:, None] * x[None, :] + b[:, None]) >> np.uint64(32)).min(axis=1)
    return out


PIECES = [
    "a", "Zq", "é", "ß", "1", "_", " ", "  ", "\t", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f",
    "\x85", "\xa0", "\u1680", "\u2000", "\u200a", "\u200b", "\u2028", "\u2029", "\u202f",
    "\u205f", "\u3000", "中", "文", "字", "\u3400", "\u33ff", "\u9fff", "\ua000", "\uf900",
    "\ufaff", "\ufb00", "한", "ك", "😀", "𠀀", "🇭🇰",
]  # fmt: skip


def test_signatures_equal_the_reference_on_edge_cases() -> None:
    texts = [
        "",
        " ",
        "中",
        "中文",
        "中文字",
        "a中b",
        "中 文",
        "ab中文字cd",
        "\u3000中\u3000",
        "x" * 300,
    ]
    rng = random.Random(3)
    texts += ["".join(rng.choices(PIECES, k=rng.randint(0, 40))) for _ in range(2_000)]
    assert np.array_equal(signatures(texts), reference(texts))
    # empty and white-space-only texts: the empty token's row, the same for all
    sig = signatures(["", " \u3000 "])
    assert np.array_equal(sig[0], sig[1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES) | st.characters(), max_size=30).map("".join)))
def test_signatures_equal_the_reference_on_any_text(texts: list[str]) -> None:
    texts = [t for t in texts if not any(0xD800 <= ord(c) <= 0xDFFF for c in t)]
    assert np.array_equal(signatures(texts), reference(texts))


def test_blocks_on_all_cores_and_groups() -> None:
    # more texts than one block: the blocks run on threads and give the same rows
    rng = random.Random(5)
    words = ["".join(rng.choices("abcdefgh", k=5)) for _ in range(500)]
    texts = [" ".join(rng.choices(words, k=12)) for _ in range(45_000)]
    texts[44_000] = texts[7] + " 中文"  # a near copy across blocks
    sig = signatures(texts)
    assert np.array_equal(sig[::97], reference(texts[::97]))
    groups = near_duplicate_groups(texts)
    assert groups[7] >= 0 and groups[7] == groups[44_000]
