"""CooRTweet's min_participation beside QUT's min_weight.

The reference below follows CooRTweet 2.x's ``detect_groups`` step by step: accounts with
fewer than N shares are dropped; every pair of shares of one object within the window by
two accounts is a coordinated pair; an account is kept when at least N of its shares are
in such pairs (whoever the partner); a pair of shares stays when either share's account
is kept. cibgraph's edges with ``min_weight`` 1 must join exactly the same account pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.actions import Codes, SignalTable
from analytics.coaction import SignalParams, window_edges

# (object, account, content, time): A and B co-share o1, o2 and o11; C co-shares o3 with
# A and o4 with D, once each; E and F co-share o5; G and H co-share o8; the rest alone.
SHARES = [
    ("o1", "A", "c1", 0),
    ("o1", "B", "c2", 10),
    ("o2", "A", "c3", 100),
    ("o2", "B", "c4", 130),
    ("o3", "C", "c5", 200),
    ("o3", "A", "c6", 220),
    ("o4", "C", "c7", 300),
    ("o4", "D", "c8", 350),
    ("o5", "E", "c9", 400),
    ("o5", "F", "c10", 405),
    ("o6", "E", "c11", 1000),
    ("o7", "E", "c12", 2000),
    ("o8", "G", "c13", 3000),
    ("o8", "H", "c14", 3010),
    ("o9", "G", "c15", 5000),
    ("o10", "D", "c16", 6000),
    ("o11", "B", "c17", 7000),
    ("o11", "A", "c18", 7005),
]


def coortweet_pairs(shares, window: int, n: int) -> set[frozenset[str]]:
    """Account pairs of CooRTweet's detect_groups result (loops removed)."""
    per_account = Counter(account for _, account, _, _ in shares)
    x = [s for s in shares if per_account[s[1]] >= n]
    by_object = defaultdict(list)
    for share in x:
        by_object[share[0]].append(share)
    result = []
    for group in by_object.values():
        for i, (_, a, c, t) in enumerate(group):
            for _, a_y, c_y, t_y in group[i + 1 :]:
                if abs(t - t_y) <= window and a != a_y and c != c_y:
                    result.append((c, c_y, a, a_y))
    coordinated = {c for c, _, _, _ in result} | {c for _, c, _, _ in result}
    counts = Counter(a for _, a, c, _ in x if c in coordinated)
    kept = {c for _, a, c, _ in x if c in coordinated and counts[a] >= n}
    return {frozenset((a, a_y)) for c, c_y, a, a_y in result if c in kept or c_y in kept}


def table(shares) -> tuple[SignalTable, Codes]:
    actors, posts, objects = Codes(), Codes(), Codes()
    rows = [(actors.code(a), posts.code(c), t, objects.code(o)) for o, a, c, t in shares]
    actor, post, ts, obj = (np.asarray(col, dtype=np.int64) for col in zip(*rows, strict=True))
    return SignalTable(actor, post, ts, obj, objects), actors


def ours(shares, window: int, n: int | None, min_weight: int = 1) -> set[frozenset[str]]:
    signal_table, actors = table(shares)
    edges = window_edges(signal_table, "object", SignalParams(window, min_weight, None, n))
    return {
        frozenset((actors.values[s], actors.values[d]))
        for s, d in zip(edges.src.tolist(), edges.dst.tolist(), strict=True)
    }


def pairs(*names: str) -> set[frozenset[str]]:
    return {frozenset(p) for p in names}


def test_exact_pairs_for_one_two_and_three():
    assert ours(SHARES, 60, 1) == pairs("AB", "AC", "CD", "EF", "GH")
    # F and H shared once: out. C took part twice (with A, with D) so it is kept, and its
    # pair with D stays though D took part once; E's only partner was F
    assert ours(SHARES, 60, 2) == pairs("AB", "AC", "CD")
    # only A (4 shares), B (3) and E (3) take part; A and B co-shared three times
    assert ours(SHARES, 60, 3) == pairs("AB")
    for n in (1, 2, 3):
        assert ours(SHARES, 60, n) == coortweet_pairs(SHARES, 60, n)


def test_the_two_rules_disagree():
    # QUT's weight is per pair: only A and B co-shared twice or more
    assert ours(SHARES, 60, None, min_weight=2) == pairs("AB")
    # CooRTweet's participation is per account: C-D co-shared once and stays
    assert frozenset("CD") in ours(SHARES, 60, 2)
    # both rules at once: the pair must reach the weight, and an end must take part
    assert ours(SHARES, 60, 2, min_weight=2) == pairs("AB")


def test_without_the_rule_nothing_changes():
    assert ours(SHARES, 60, None) == ours(SHARES, 60, 1)
    assert ours(SHARES, 4, 1) == pairs()  # the closest shares are 5 s apart (o5, o11)
    assert ours(SHARES, 5, 1) == pairs("EF", "AB")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 6), st.integers(0, 200)),
        min_size=1,
        max_size=60,
    ),
    st.integers(0, 30),
    st.integers(1, 4),
)
def test_equals_coortweet_on_any_table(rows, window, n):
    # one share per (object, content): content k is account k % 7's k-th share
    shares = [(f"o{o}", f"a{a}", f"c{k}", t) for k, (o, a, t) in enumerate(rows)]
    assert ours(shares, window, n) == coortweet_pairs(shares, window, n)


def test_cli_detect_from_a_file(tmp_path):
    """The user's path: a QUT file of retweets (each object a retweeted message), the
    co-retweet edges written with --edges-out."""
    import csv
    import os

    from tests.helpers import run_cli

    path = tmp_path / "retweets.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                      "timestamp", "urls"])  # fmt: skip
        for obj, account, content, t in SHARES:
            out.writerow([content, account, account.lower(), obj, "", "RT", 1565690400 + t, ""])
    env = {**os.environ, "CIBGRAPH_DATA_DIR": str(tmp_path / "data")}
    found = {}
    for n in ("1", "2", "3"):
        edges = tmp_path / f"edges-{n}.csv"
        run_cli(
            "detect", str(path), "--signals", "repost", "--min-weight", "1",
            "--min-participation", n, "--edges-out", str(edges), "--out", str(tmp_path / n),
            env=env,
        )  # fmt: skip
        with open(edges, newline="", encoding="utf-8") as f:
            found[n] = {frozenset((r["source"], r["target"])) for r in csv.DictReader(f)}
    assert found == {
        "1": pairs("AB", "AC", "CD", "EF", "GH"),
        "2": pairs("AB", "AC", "CD"),
        "3": pairs("AB"),
    }
