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
from analytics.arrays import first_positions
from analytics.window_join import matched_gaps
from loader.urls import domain_of

#: score = sum(weight * feature) / sum(weights); each feature is in [0, 1].
WEIGHTS: dict[str, float] = {
    "coordinated_share": 1.0,
    "sync_score": 0.5,
    "text_dup": 1.5,
    "creation_burst": 1.5,
    "handle_digits": 1.0,
    "news_share": 1.0,
    "runs_pages": 1.0,
}
STRONG_SIGNALS = ("url", "repost", "object", "text")
BURST_SECONDS = 72 * 3600
ANY_TIME = 10**9  # a "window" wider than any dataset
HANDLE_DIGITS = re.compile(r"^[A-Za-z_]+\d{4,}$")


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


def _cluster_lookup(acts: Actions, membership: dict[int, int]) -> np.ndarray:
    """actor code -> its cluster (-1: in none)."""
    lookup = np.full(max(acts.actor_count, 1), -1, dtype=np.int64)
    if membership:
        lookup[np.fromiter(membership, np.int64)] = np.fromiter(membership.values(), np.int64)
    return lookup


def _matched_posts(
    acts: Actions, lookup: np.ndarray, window: int, signals: tuple[str, ...]
) -> tuple[dict[int, int], dict[int, np.ndarray]]:
    """Per cluster: how many member posts another member matched, and the gaps of those
    matches (a post matched on several signals counts once, with its first signal's gap)."""
    found_posts, found_clusters, found_gaps = [], [], []
    for signal in signals:
        table = acts.tables.get(signal)
        if table is None or len(table) == 0:
            continue
        cluster = lookup[table.actor]
        keep = cluster >= 0
        posts, actors, post_gaps = matched_gaps(
            table.post[keep],
            table.ts[keep],
            table.obj[keep],
            table.actor[keep],
            cluster[keep],
            window,
        )
        found_posts.append(posts)
        found_clusters.append(lookup[actors])
        found_gaps.append(post_gaps)
    if not found_posts:
        return {}, {}
    first = first_positions(np.concatenate(found_posts))
    clusters = np.concatenate(found_clusters)[first]
    gaps = np.concatenate(found_gaps)[first]
    order = np.argsort(clusters, kind="stable")
    ids, starts, counts = np.unique(clusters[order], return_index=True, return_counts=True)
    by_cluster = {
        int(c): gaps[order[start : start + n]]
        for c, start, n in zip(ids.tolist(), starts.tolist(), counts.tolist(), strict=True)
    }
    return {c: len(g) for c, g in by_cluster.items()}, by_cluster


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
    threshold: float = 0.5,
    min_size: int = 3,
) -> list[ClusterScore]:
    """Score every community of ``membership`` (actor code -> community)."""
    digits = HANDLE_DIGITS
    groups: dict[int, list[int]] = defaultdict(list)
    for actor, cluster in membership.items():
        groups[cluster].append(actor)
    signals = tuple(s for s in STRONG_SIGNALS if s in acts.tables) + (
        ("near_text",) if "near_text" in acts.tables else ()
    )
    lookup = _cluster_lookup(acts, membership)
    matched, gaps = _matched_posts(acts, lookup, window, signals)
    text_matched, _ = _matched_posts(  # copies count whenever they were posted
        acts, lookup, ANY_TIME, tuple(s for s in ("text", "near_text") if s in acts.tables)
    )
    post_actor = np.asarray(acts.post_actor, dtype=np.int64)
    counts = np.bincount(post_actor, minlength=max(acts.actor_count, 1))
    posts_by_actor = {i: int(n) for i, n in enumerate(counts.tolist()) if n}
    texts_by_cluster: Counter[int] = Counter()
    if any(text_matched.values()):  # the copy-paste share's denominator: texts of members
        member_codes = np.fromiter(membership, dtype=np.int64, count=len(membership))
        member_posts = np.nonzero(np.isin(post_actor, member_codes))[0]
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
        found_gaps = gaps.get(cluster)
        median_gap = float(np.median(found_gaps)) if found_gaps is not None else float(window) * 4
        features = {
            "size": float(n),
            "density": internal[cluster] / (n * (n - 1) / 2) if n > 1 else 0.0,
            "coordinated_share": matched.get(cluster, 0) / total_posts if total_posts else 0.0,
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
        score = sum(WEIGHTS[k] * features[k] for k in WEIGHTS) / sum(WEIGHTS.values())
        flagged = score >= threshold and n >= min_size
        top_domains = [d for d, _ in domain_counts.most_common(2)]
        results.append(
            ClusterScore(
                index=cluster,
                members=sorted(members),
                features=features,
                score=round(score, 4),
                flagged=flagged,
                explanation=explain(features, top_domains, runs, dict(amplifies), window),
                runs=runs,
                amplifies=dict(amplifies.most_common()),
            )
        )
    return sorted(results, key=lambda r: (-r.score, r.index))


def explain(
    f: dict[str, float],
    top_domains: list[str],
    runs: list[str],
    amplifies: dict[str, int],
    window: int,
) -> str:
    """One readable sentence per cluster, from its features."""
    parts = [f"{int(f['size'])} accounts"]
    if f["coordinated_share"] >= 0.05:
        parts.append(
            f"{f['coordinated_share']:.0%} of their posts repeat another member's "
            f"link, repost or text within {window} s "
            f"(median gap {f['synchrony_seconds']:.0f} s)"
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
    if runs:
        parts.append(f"they administer {len(runs)} news-like page(s)")
    if amplifies:
        parts.append(f"they amplify {len(amplifies)} news-like page(s)")
    return "; ".join(parts)
