"""Cluster features, a score in [0, 1], and a sentence saying why.

Features of a cluster (its members are actors: accounts, or pages for page networks):

* ``size``, ``density`` (internal edges / possible pairs);
* ``coordinated_share``: share of members' posts that another member matched on the same
  URL, repost, text or near-duplicate text within the window;
* ``synchrony``: median gap (s) of those matches; ``sync_score`` = 1 at 0 s, 0.5 at the
  window, falling after;
* ``text_dup``: share of members' original texts that another member posted (near-)verbatim;
* ``creation_burst``: largest share of members created within any 72 hours;
* ``handle_digits``: share of handles ending in 4+ digits (name+digits mass registration);
* ``news_share``: share of members' link shares pointing at domains that NewsLike pages
  publish on; ``top_domains_share``: share going to the two most-shared domains;
* ``runs_pages`` / ``amplifies_pages``: NewsLike pages the members administer / whose
  links they share.

The score is a weighted mean of the suspicion features (weights in :data:`WEIGHTS`, every
one explained in docs/detection.md); a cluster is flagged when its score reaches the
threshold and it has at least ``min_size`` members. Coordination alone (news outlets' own
staff share their links fast) is not enough: what flags a cluster is coordination *plus*
inauthenticity markers (copy-paste, creation bursts, throw-away handles, fake pages).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analytics.actions import MIN_TEXT_CHARS, Actions
from analytics.arrays import isin
from analytics.chance import (
    ChanceTest,
    WindowTest,
    adjust,
    matched_posts,
    member_actions,
    test_windows,
)
from loader.urls import domain_of

#: score = sum(weight * feature) / sum(weights); each feature is in [0, 1].
WEIGHTS: dict[str, float] = {
    "excess_share": 1.0,
    "sync_score": 0.5,
    "text_dup": 1.5,
    "creation_burst": 1.5,
    "handle_digits": 1.0,
    "news_share": 1.0,
    "runs_pages": 1.0,
}
#: The signals whose matches count as aligned posts: every time-windowed one. Chance
#: matches (a national hashtag, a popular link) are what the day-rolled timelines give
#: too, so they cancel out of ``excess_share``.
MATCH_SIGNALS = ("url", "repost", "reply", "hashtag", "object", "text", "near_text", "domain")
BURST_SECONDS = 72 * 3600
ANY_TIME = 10**9  # a "window" wider than any dataset
HANDLE_DIGITS = re.compile(r"^[A-Za-z_]+\d{4,}$")


@dataclass(frozen=True)
class FlagRule:
    """When a cluster is flagged (docs/detection.md, "Flagging against chance").

    Always: at least ``min_size`` members, and coordination beyond chance - its matched
    posts exceed the day-rolled timelines' (``draws`` draws) at Benjamini-Hochberg
    ``q <= alpha``. Then either *lockstep* (``excess_share >= lockstep``: most of what the
    members post is aligned beyond chance) or *aligned and inauthentic*
    (``excess_share >= min_excess`` and the score >= ``threshold``)."""

    threshold: float = 0.5
    min_size: int = 3
    alpha: float = 0.05
    min_excess: float = 0.1
    lockstep: float = 0.5
    min_weight: int = 2  # a flagged cluster's member: at least this many posts beyond chance
    draws: int = 50
    seed: int = 42


@dataclass
class ClusterScore:
    index: int
    members: list[int]
    features: dict[str, float]
    score: float
    flagged: bool
    explanation: str
    runs: list[str] = field(default_factory=list)  # page uids
    amplifies: dict[str, int] = field(default_factory=dict)  # page uid -> shares
    chance: ChanceTest | None = None  # None: too small to be flagged, not tested
    rule: str = ""  # why it is flagged: "lockstep" | "aligned+markers" | ""
    #: community members left out of a flagged cluster: their own posts are not aligned
    #: beyond chance (see _aligned_members)
    left_out: list[int] = field(default_factory=list)


def _cluster_lookup(acts: Actions, membership: dict[int, int]) -> np.ndarray:
    """actor code -> its cluster (-1: in none)."""
    lookup = np.full(max(acts.actor_count, 1), -1, dtype=np.int64)
    if membership:
        lookup[np.fromiter(membership, np.int64)] = np.fromiter(membership.values(), np.int64)
    return lookup


def _by_cluster(clusters: np.ndarray, gaps: np.ndarray) -> dict[int, np.ndarray]:
    """The gaps of matched posts, per cluster."""
    order = np.argsort(clusters, kind="stable")
    ids, starts, counts = np.unique(clusters[order], return_index=True, return_counts=True)
    return {
        int(c): gaps[order[start : start + n]]
        for c, start, n in zip(ids.tolist(), starts.tolist(), counts.tolist(), strict=True)
    }


def _burst(times: list[float]) -> float:
    """Largest share of ``times`` inside any BURST_SECONDS window."""
    if not times:
        return 0.0
    ordered = np.sort(np.asarray(times))
    ends = np.searchsorted(ordered, ordered + BURST_SECONDS, side="right")
    return float((ends - np.arange(len(ordered))).max() / len(ordered))


def score_clusters(
    acts: Actions,
    membership: dict[int, int],
    edges: Any,
    *,
    window: int,
    news_domains: dict[str, set[str]],
    rule: FlagRule | None = None,
    wider: tuple[int, ...] = (),
) -> list[ClusterScore]:
    """Score every community of ``membership`` (actor code -> community), test the ones
    that could be flagged against chance at ``window`` and at each ``wider`` window, and
    flag them by ``rule`` (lockstep counts at ``window`` only)."""
    rule = rule or FlagRule()
    digits = HANDLE_DIGITS
    groups: dict[int, list[int]] = defaultdict(list)
    for actor, cluster in membership.items():
        groups[cluster].append(actor)
    signals = tuple(s for s in MATCH_SIGNALS if s in acts.tables)
    lookup = _cluster_lookup(acts, membership)
    rows = member_actions(acts, lookup, signals)
    gaps = _by_cluster(*matched_posts(rows, lookup, window)[:2])
    copies, _, _ = matched_posts(  # copies count whenever they were posted
        member_actions(acts, lookup, tuple(s for s in ("text", "near_text") if s in acts.tables)),
        lookup,
        ANY_TIME,
    )
    text_matched = Counter(copies.tolist())
    tested = sorted(c for c, m in groups.items() if len(m) >= rule.min_size)
    post_actor = np.asarray(acts.post_actor, dtype=np.int64)
    post_counts = np.bincount(post_actor, minlength=max(acts.actor_count, 1))
    in_cluster = lookup >= 0
    cluster_posts = np.bincount(
        lookup[in_cluster], weights=post_counts[: len(lookup)][in_cluster],
        minlength=int(lookup.max()) + 1 if len(lookup) else 1,
    )  # fmt: skip
    at = test_windows(
        rows, lookup, (window, *wider), tested, draws=rule.draws, seed=rule.seed,
        posts=cluster_posts, min_excess=min(rule.min_excess, rule.lockstep),
    )  # fmt: skip
    adjust(at)  # one false discovery rate over every cluster at every window
    matched, tests = at[0].matched, at[0].tests
    posts_by_actor = {i: int(n) for i, n in enumerate(post_counts.tolist()) if n}
    texts_by_cluster: Counter[int] = Counter()
    if any(text_matched.values()):  # the copy-paste share's denominator: texts of members
        member_codes = np.fromiter(membership, dtype=np.int64, count=len(membership))
        member_posts = np.nonzero(isin(post_actor, member_codes))[0]
        long_posts = member_posts[acts.text_lengths(member_posts) >= MIN_TEXT_CHARS]
        texts_by_cluster.update(lookup[post_actor[long_posts]].tolist())
    edge_cluster = lookup[np.asarray(edges.u, dtype=np.int64)]
    inside = (edge_cluster >= 0) & (edge_cluster == lookup[np.asarray(edges.v, dtype=np.int64)])
    internal = Counter(edge_cluster[inside].tolist())
    domain_pages: dict[str, set[str]] = defaultdict(set)
    for page, domains in news_domains.items():
        for domain in domains:
            domain_pages[domain].add(page)
    # links per domain, from the URL actions (so the domain signal need not be on)
    links = acts.tables.get("url")
    link_domains: dict[int, list[str]] = {}  # cluster -> the domain of each member link
    if links is not None and len(links):
        link_domain = np.asarray([domain_of(u) for u in links.objects.values], dtype=object)
        link_cluster = lookup[links.actor]
        order = np.argsort(link_cluster, kind="stable")
        ids, starts, counts = np.unique(link_cluster[order], return_index=True, return_counts=True)
        for c, start, n in zip(ids.tolist(), starts.tolist(), counts.tolist(), strict=True):
            if c >= 0:
                link_domains[c] = link_domain[links.obj[order[start : start + n]]].tolist()
    admin_of: dict[str, set[str]] = defaultdict(set)
    for account, page in acts.admins:
        admin_of[account].add(page)

    results = []
    for cluster, members in sorted(groups.items()):
        uids = [acts.actors.values[m] for m in members]
        n = len(members)
        total_posts = sum(posts_by_actor.get(m, 0) for m in members)
        accounts = [acts.accounts.get(u, {}) for u in uids]
        created = [a["created_at"].timestamp() for a in accounts if a.get("created_at")]
        handles = [a.get("handle") or "" for a in accounts if a]
        domain_counts: Counter[str] = Counter(link_domains.get(cluster, ()))
        shares = sum(domain_counts.values())
        news = sum(c for d, c in domain_counts.items() if d in domain_pages)
        amplifies: Counter[str] = Counter()
        for domain, count in domain_counts.items():
            for page in domain_pages.get(domain, ()):
                amplifies[page] += count
        runs = sorted({p for u in uids for p in admin_of.get(u, ()) if p in news_domains})
        test = tests.get(cluster)
        found_gaps = gaps.get(cluster)
        median_gap = float(np.median(found_gaps)) if found_gaps is not None else float(window) * 4
        features = {
            "size": float(n),
            "pages": float(sum(1 for u in uids if u in acts.pages)),
            "density": internal[cluster] / (n * (n - 1) / 2) if n > 1 else 0.0,
            "coordinated_share": matched.get(cluster, 0) / total_posts if total_posts else 0.0,
            "expected_share": test.expected / total_posts if test and total_posts else 0.0,
            "synchrony_seconds": median_gap,
            "sync_score": 1.0 / (1.0 + median_gap / max(window, 1)),
            "text_dup": (
                text_matched.get(cluster, 0) / texts_by_cluster[cluster]
                if texts_by_cluster[cluster]
                else 0.0
            ),
            "creation_burst": _burst(created) if len(created) >= 3 else 0.0,
            "handle_digits": (
                sum(bool(digits.match(h)) for h in handles) / len(handles) if handles else 0.0
            ),
            "news_share": news / shares if shares else 0.0,
            "top_domains_share": (
                sum(c for _, c in domain_counts.most_common(2)) / shares if shares else 0.0
            ),
            "runs_pages": 1.0 if runs else 0.0,
        }
        features["excess_share"] = max(
            features["coordinated_share"] - features["expected_share"], 0.0
        )
        if test:
            features |= {"chance_z": test.z, "chance_p": test.p, "chance_q": test.q}
        score = sum(WEIGHTS[k] * features[k] for k in WEIGHTS) / sum(WEIGHTS.values())
        why = _rule(rule, test, features["excess_share"], score) if n >= rule.min_size else ""
        flag_test, flag = test, at[0]
        for wide in at[1:]:
            w, wide_test = wide.window, wide.tests.get(cluster)
            share = wide.matched.get(cluster, 0) / total_posts if total_posts else 0.0
            expected = wide_test.expected / total_posts if wide_test and total_posts else 0.0
            features |= {
                f"coordinated_share_{w}s": share,
                f"expected_share_{w}s": expected,
                f"excess_share_{w}s": max(share - expected, 0.0),
            }
            if not why and n >= rule.min_size:  # a wider window: never lockstep on its own
                why = _rule(rule, wide_test, max(share - expected, 0.0), score, lockstep=False)
                flag_test, flag = wide_test, wide
        left_out: list[int] = []
        if why:
            aligned, left_out = _aligned_members(members, flag, post_counts, rule)
            if len(aligned) < rule.min_size:
                why, left_out = "", []
            else:
                members = aligned
                features |= {
                    "size": float(len(aligned)),
                    "pages": float(sum(1 for m in aligned if acts.actors.values[m] in acts.pages)),
                    "flag_window": float(flag.window),
                    "left_out": float(len(left_out)),
                }
        top_domains = [d for d, _ in domain_counts.most_common(2)]
        results.append(
            ClusterScore(
                index=cluster,
                members=sorted(members),
                features=features,
                score=round(score, 4),
                flagged=bool(why),
                explanation=explain(
                    features,
                    top_domains,
                    runs,
                    dict(amplifies),
                    window,
                    test,
                    (flag.window, flag_test) if why and flag.window != window else None,
                ),
                runs=runs,
                amplifies=dict(amplifies.most_common()),
                chance=test,
                rule=why,
                left_out=sorted(left_out),
            )
        )
    return sorted(results, key=lambda r: (not r.flagged, -r.score, r.index))


def _aligned_members(
    members: list[int], at: WindowTest, posts: np.ndarray, rule: FlagRule
) -> tuple[list[int], list[int]]:
    """(aligned, left out): the members of a flagged cluster whose own posts are aligned
    beyond chance - their matched posts at the flagging window, less those the day-rolled
    timelines give them, are at least ``rule.min_weight`` posts (what one edge needs) or
    at least ``rule.min_excess`` of their posts. A community can take in accounts that
    touched its members' links or texts now and then; they are not its operators."""
    codes = np.asarray(members, dtype=np.int64)
    excess = at.by_actor[codes] - at.expected_by_actor[codes]
    keep = (excess >= rule.min_weight) | (excess / np.maximum(posts[codes], 1) >= rule.min_excess)
    return codes[keep].tolist(), codes[~keep].tolist()


def _rule(
    rule: FlagRule, test: ChanceTest | None, excess: float, score: float, lockstep: bool = True
) -> str:
    """Which route of ``rule`` flags the cluster ("" when none does)."""
    if test is None or test.q > rule.alpha:
        return ""
    if lockstep and excess >= rule.lockstep:
        return "lockstep"
    if excess >= rule.min_excess and score >= rule.threshold:
        return "aligned+markers"
    return ""


def _pct(share: float) -> str:
    """A share as a percentage, with a decimal below 1% (so 0.4% does not read as 0%)."""
    return f"{share:.1%}" if 0 < share < 0.01 else f"{share:.0%}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _members_text(size: int, pages: int) -> str:
    """``12 accounts``, ``5 accounts and 7 pages``, ``7 pages``."""
    accounts = size - pages
    said = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((accounts, "account"), (pages, "page"))
        if n
    ]
    return " and ".join(said) or "0 accounts"


def explain(
    f: dict[str, float],
    top_domains: list[str],
    runs: list[str],
    amplifies: dict[str, int],
    window: int,
    test: ChanceTest | None = None,
    wider: tuple[int, ChanceTest | None] | None = None,
) -> str:
    """One readable sentence per cluster, from its features and its test against chance
    (``wider``: the wider window, and its test, that flagged it)."""
    parts = [_members_text(int(f["size"]), int(f.get("pages", 0)))]
    if f["coordinated_share"] >= 0.05 or (test is not None and f["coordinated_share"] > 0):
        said = (
            f"{_pct(f['coordinated_share'])} of their posts repeat another member's "
            f"link, repost, hashtag or text within {window} s "
            f"(median gap {f['synchrony_seconds']:.0f} s)"
        )
        if test is not None:
            said += (
                f", {_pct(f['expected_share'])} expected by chance "
                f"(z = {test.z:.1f}, {_p_text(test.p)}, {test.draws} day-rolled timelines)"
            )
        parts.append(said)
    if wider is not None and wider[1] is not None:
        w, t = wider
        parts.append(
            f"within {w} s, {_pct(f[f'coordinated_share_{w}s'])} of their posts, "
            f"{_pct(f[f'expected_share_{w}s'])} expected by chance "
            f"(z = {t.z:.1f}, {_p_text(t.p)})"
        )
    if f["text_dup"] >= 0.1:
        parts.append(f"{f['text_dup']:.0%} of their texts are copies of a member's")
    if f["creation_burst"] >= 0.3:
        parts.append(f"{f['creation_burst']:.0%} created within 3 days")
    if f["handle_digits"] >= 0.3:
        parts.append(f"{f['handle_digits']:.0%} have name+digits handles")
    if f["news_share"] > 0:
        domains = ", ".join(top_domains)
        parts.append(
            f"{f['news_share']:.0%} of their links go to news-like pages' domains"
            + (f" (top: {domains})" if domains else "")
        )
    if f.get("left_out"):
        parts.append(
            f"{int(f['left_out'])} more account(s) of the community left out: their own "
            "posts are not aligned beyond chance"
        )
    if runs:
        parts.append(f"they administer {len(runs)} news-like page(s)")
    if amplifies:
        parts.append(f"they amplify {len(amplifies)} news-like page(s)")
    return "; ".join(parts)
