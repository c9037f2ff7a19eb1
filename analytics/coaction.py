"""Action rows -> weighted actor-actor edges, one edge list per signal.

Time-windowed signals (url, domain, repost, reply, hashtag, text, near_text) follow the
QUT toolkit exactly: a directed edge ``src -> dst`` whose weight is the number of distinct
posts of ``src`` for which ``dst`` acted on the same object within ``window`` seconds
(either side), kept when the weight reaches ``min_weight``. :data:`COACTION_SQL` is the
definition, and runs in DuckDB where the actions are a DuckDB relation (the library's
QUT-file path, :mod:`analytics.qutfile`); detection computes the same edges with the
compiled sweep of :mod:`analytics.window_join`, which needs no hash table of pairs
(10M actions with no hot-object cap: 15 s instead of 233 s, 1.7 GiB instead of 14.8).

The SQL self-join is bucketed: each action falls in a time bucket ``floor(ts / (window + 1))``
and is joined only with the actions on the same object in its own and the two neighbouring
buckets, then the exact ``BETWEEN`` test decides. Two actions at most ``window`` apart are
always in the same or adjacent buckets (the buckets are wider than the window, which keeps
this true for window 0 and for fractional timestamps despite floating-point rounding), so
the edges are those of the plain join ``ON obj AND ts BETWEEN``; but an object's n actions
cost about n times the actions in three buckets instead of n^2 (DuckDB joins on the object
first and filters on time afterwards). The weight is then counted in two plain GROUP BYs
(matching posts per pair, then pairs), cheaper in DuckDB than ``count(DISTINCT post)``.

Hot objects: an object touched by more than ``max_actors`` distinct actors (a viral link,
a national hashtag) is **skipped** - it says nothing about who coordinates with whom and
would add n^2 pairs. The count of skipped objects is reported with the edges.

Structural signals: ``admin`` links accounts that administer the same page (weight =
shared pages); ``creation`` links accounts created in the same hour when that hour saw
a burst of at least ``min_burst`` creations (weight 1).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from analytics.actions import Actions, SignalTable
from analytics.arrays import contains, distinct, isin, pair_order, reverse_edges
from analytics.minhash import near_duplicate_groups
from analytics.window_join import matched_gaps, window_join

WINDOW_SIGNALS = ("url", "domain", "repost", "reply", "hashtag", "object", "text", "near_text")


@dataclass
class SignalParams:
    window: int = 60  # seconds either side
    min_weight: int = 2
    max_actors: int | None = None  # skip objects touched by more actors (None: no cap)
    #: CooRTweet's rule beside QUT's weight (None: off); see :func:`participation_filter`
    min_participation: int | None = None


@dataclass
class EdgeList:
    """Directed edges of one signal: parallel arrays of actor codes and weights."""

    signal: str
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    example: np.ndarray  # one object code per edge (its evidence; see EdgeList.objects)
    objects: list[str] = field(default_factory=list)
    skipped_objects: int = 0
    #: per edge: whether it also holds within the narrower ``--fast-window`` (None: not asked)
    fast: np.ndarray | None = None
    #: per edge: mean seconds from each matched post of src to dst's nearest action
    avg_gap: np.ndarray | None = None
    #: per edge, with several windows: the tightest window it holds in (its weight, gap
    #: and symmetry are the ones at that window); None: the run's one window
    window: np.ndarray | None = None
    #: per edge: its symmetry, when fixed at merge time (see :func:`merge_windows`)
    fixed_symmetry: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.src)

    def symmetry(self) -> np.ndarray:
        """Per edge ``src -> dst``: min/max of its weight and the weight of ``dst -> src``
        (0 when there is none), CooRTweet's ``edge_symmetry_score`` in QUT's directed
        weights: 1 when both accounts matched as many of each other's posts, near 0 when
        a hyperactive account matched a quiet one's few posts."""
        if self.fixed_symmetry is not None:
            return self.fixed_symmetry
        if not len(self):
            return np.zeros(0)
        src, dst = np.asarray(self.src, np.int64), np.asarray(self.dst, np.int64)
        weight = np.asarray(self.weight, np.float64)
        order = pair_order(src, dst)
        if order is not None:
            src, dst, weight = src[order], dst[order], weight[order]
        at = reverse_edges(src, dst)
        other = np.where(at >= 0, weight[np.maximum(at, 0)], 0.0)
        ratio = np.minimum(weight, other) / np.maximum(weight, other)
        if order is None:
            return ratio
        out = np.empty_like(ratio)
        out[order] = ratio
        return out

    def mark_fast(self, fast_edges: EdgeList) -> None:
        """Flag the edges that ``fast_edges`` (the same signal at a narrower window) has."""
        n = int(max(np.max(self.src, initial=0), np.max(self.dst, initial=0))) + 1
        n = max(
            n,
            int(np.max(fast_edges.src, initial=0)) + 1,
            int(np.max(fast_edges.dst, initial=0)) + 1,
        )
        mine = np.asarray(self.src, np.int64) * n + np.asarray(self.dst, np.int64)
        theirs = np.asarray(fast_edges.src, np.int64) * n + np.asarray(fast_edges.dst, np.int64)
        self.fast = isin(mine, theirs)

    def as_dict(self, actors: list[str]) -> dict[tuple[str, str], int]:
        return {
            (actors[s], actors[d]): int(w)
            for s, d, w in zip(self.src, self.dst, self.weight, strict=True)
        }


def merge_windows(lists: list[EdgeList], windows: tuple[int, ...]) -> EdgeList:
    """One signal's edges at several ``windows`` (ascending; ``lists`` in the same order)
    as one list: each edge once, as it is at the tightest window it holds in (weight,
    evidence, mean gap, symmetry), with that window in ``EdgeList.window``. A wider
    window only adds edges: every edge of a narrower one holds in it too."""
    n = 1 + max((int(max(e.src.max(), e.dst.max())) for e in lists if len(e)), default=0)
    seen = np.zeros(0, dtype=np.int64)  # sorted: the edges of the narrower windows
    parts = []
    for i, (edges, window) in enumerate(zip(lists, windows, strict=True)):
        keys = np.asarray(edges.src, np.int64) * n + np.asarray(edges.dst, np.int64)
        new = ~contains(seen, keys)
        parts.append((edges, new, window))
        if i + 1 < len(lists):
            seen = distinct(np.concatenate([seen, keys[new]]))
    objects = lists[-1].objects  # the widest window's list knows every object code
    gap = [
        (e.avg_gap if e.avg_gap is not None else np.full(len(e), np.nan))[new]
        for e, new, _ in parts
    ]
    return EdgeList(
        lists[0].signal,
        np.concatenate([np.asarray(e.src)[new] for e, new, _ in parts]),
        np.concatenate([np.asarray(e.dst)[new] for e, new, _ in parts]),
        np.concatenate([np.asarray(e.weight)[new] for e, new, _ in parts]),
        np.concatenate([np.asarray(e.example)[new] for e, new, _ in parts]),
        objects,
        skipped_objects=lists[-1].skipped_objects,
        avg_gap=np.concatenate(gap) if any(e.avg_gap is not None for e in lists) else None,
        window=np.concatenate([np.full(int(new.sum()), w) for _, new, w in parts]),
        fixed_symmetry=np.concatenate([e.symmetry()[new] for e, new, _ in parts]),
    )


COACTION_SQL = """
WITH counts AS (
    SELECT obj, count(DISTINCT actor) AS n FROM acts GROUP BY obj
), keep AS (
    -- bucket: time slices of window + 1 seconds, so two actions at most window seconds
    -- apart are in the same or adjacent buckets (window 0 too: slices of 1 second)
    SELECT a.actor, a.post, a.ts, a.obj, floor(a.ts / ($window::DOUBLE + 1)) AS bucket
    FROM acts a
    JOIN counts c ON a.obj = c.obj
    WHERE c.n >= 2 AND c.n <= $max_actors
), sources AS (
    -- QUT's pruning, on the source side only: an actor with fewer actions than
    -- min_weight cannot be the source of an edge (it can still be a target)
    SELECT * FROM keep
    WHERE actor IN (SELECT actor FROM acts GROUP BY actor HAVING count(*) >= $min_weight)
), reach AS (
    -- each target action once per bucket it can be reached from: its own and its two
    -- neighbours (expanding this side, DuckDB hashes the smaller, unexpanded source side)
    SELECT k.actor, k.post, k.ts, k.obj, k.bucket + n.step AS bucket
    FROM keep k, (VALUES (-1), (0), (1)) AS n(step)
), matches AS (
    -- one row per post of src with an action of dst on the same object within the window
    -- (the bucket only narrows the candidates; BETWEEN decides), with its smallest object
    -- and the gap to dst's nearest such action
    SELECT e1.actor AS src, e2.actor AS dst, e1.post, min(e1.obj) AS obj,
           min(abs(e1.ts - e2.ts)) AS gap
    FROM sources e1
    JOIN reach e2
      ON e1.obj = e2.obj
     AND e1.bucket = e2.bucket
     AND e2.ts BETWEEN e1.ts - $window AND e1.ts + $window
     AND e1.actor <> e2.actor
    GROUP BY e1.actor, e2.actor, e1.post
)
-- weight = count(DISTINCT post) of the matches: their number (a NULL post not counted);
-- avg_gap: the mean over those posts of the gap to dst's nearest action
SELECT src, dst, count(post) AS weight, min(obj) AS example,
       avg(gap) FILTER (WHERE post IS NOT NULL) AS avg_gap
FROM matches
GROUP BY src, dst
HAVING count(post) >= $min_weight
ORDER BY src, dst
"""
HOT_SQL = (
    "SELECT count(*) FROM (SELECT obj FROM acts GROUP BY obj HAVING count(DISTINCT actor) > $cap)"
)


MEMORY_ENV = "CIBGRAPH_DUCKDB_MEMORY"
MEMORY_SHARE = 0.6  # of the machine's (or the container's) memory


def memory_limit() -> str | None:
    """DuckDB's memory_limit: ``$CIBGRAPH_DUCKDB_MEMORY`` verbatim (e.g. ``8GB``) when set,
    else 60% of the physical memory or of the cgroup's limit if lower; None (DuckDB's
    default) when neither can be read."""
    if os.environ.get(MEMORY_ENV, "").strip():
        return os.environ[MEMORY_ENV].strip()
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    for cgroup in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        with suppress(OSError, ValueError):  # absent, or "max"
            total = min(total, int(Path(cgroup).read_text().strip()))
    return f"{int(total * MEMORY_SHARE) // 2**20}MiB" if total > 0 else None


@contextmanager
def connect() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection with :func:`memory_limit` and a private spill directory
    under the system temp directory (``$TMPDIR``), removed on close; threads: DuckDB's
    default (all cores)."""
    spill = tempfile.mkdtemp(prefix="cibgraph-duckdb-")
    config = {"temp_directory": spill}
    limit = memory_limit()
    if limit is not None:
        config["memory_limit"] = limit
    try:
        con = duckdb.connect(config=config)
        try:
            yield con
        finally:
            con.close()
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def run_coaction(con: duckdb.DuckDBPyConnection, params: SignalParams) -> tuple[dict, int]:
    """COACTION_SQL over the relation ``acts`` (actor, post, ts, obj) registered in ``con``:
    the edge columns and the number of skipped hot objects."""
    cap = params.max_actors if params.max_actors is not None else np.iinfo(np.int64).max
    found = con.execute(
        COACTION_SQL, {"window": params.window, "min_weight": params.min_weight, "max_actors": cap}
    ).fetchnumpy()
    skipped = con.execute(HOT_SQL, {"cap": cap}).fetchone()[0]  # type: ignore[index]
    return found, int(skipped)


def window_edges(table: SignalTable, signal: str, params: SignalParams) -> EdgeList:
    """QUT-style co-action edges of one time-windowed signal: COACTION_SQL's answer,
    computed by the compiled sweep of :mod:`analytics.window_join`; with
    ``min_participation``, only the edges CooRTweet's rule keeps."""
    kept_actors = None
    if params.min_participation is not None:
        table, kept_actors = participation_filter(table, params)
    src, dst, weight, example, avg_gap, skipped = window_join(
        table.actor, table.post, table.ts, table.obj,
        params.window, params.min_weight, params.max_actors,
    )  # fmt: skip
    if kept_actors is not None:
        keep = kept_actors[src] | kept_actors[dst]
        src, dst, weight, example, avg_gap = (
            src[keep],
            dst[keep],
            weight[keep],
            example[keep],
            avg_gap[keep],
        )
    return EdgeList(
        signal, src, dst, weight, example, table.objects.values, skipped, avg_gap=avg_gap
    )


def participation_filter(
    table: SignalTable, params: SignalParams
) -> tuple[SignalTable, np.ndarray]:
    """CooRTweet's ``min_participation`` (``detect_groups``), as two steps around the
    edges: only actors with at least N actions take part at all (the table returned);
    an actor is *kept* when at least N of its actions belong to posts that another
    actor matched on the same object within the window (whoever the partner was); an
    edge stays when either end is kept (CooRTweet keeps a pair of shares when either
    share's account is kept). Returns the table of the actors taking part and, by actor
    code, whether it is kept. QUT's ``min_weight`` is a separate, per-pair rule."""
    n = params.min_participation or 1
    actors = max(int(table.actor.max()) + 1, 1) if len(table) else 1
    active = np.bincount(table.actor, minlength=actors) >= n
    rows = active[table.actor]
    part = SignalTable(
        table.actor[rows], table.post[rows], table.ts[rows], table.obj[rows], table.objects
    )
    pairable = np.ones(len(part), dtype=bool)
    if params.max_actors is not None and len(part):  # hot objects pair with nobody
        pairs = np.unique(np.column_stack((part.obj, part.actor)), axis=0)
        spread = np.bincount(pairs[:, 0], minlength=int(part.obj.max()) + 1)
        pairable = spread[part.obj] <= params.max_actors
    posts, _, _ = matched_gaps(
        part.post[pairable], part.ts[pairable], part.obj[pairable], part.actor[pairable],
        np.zeros(int(pairable.sum()), dtype=np.int64), params.window,
    )  # fmt: skip
    coordinated = contains(posts, part.post)  # posts: sorted, distinct
    kept = np.bincount(part.actor[coordinated], minlength=actors) >= n
    return part, kept


def near_text_table(acts: Actions, threshold: float = 0.8) -> SignalTable:
    """Posts whose normalised texts are near-duplicates share an object: the id of their
    near-duplicate group (MinHash LSH, Jaccard of word 3-shingles >= ``threshold``)."""
    from analytics.actions import Codes

    candidates = [i for i, t in enumerate(acts.texts) if len(t) >= 10]
    groups = near_duplicate_groups([acts.texts[i] for i in candidates], threshold=threshold)
    objects = Codes()
    rows = [
        (
            acts.post_actor[candidates[i]],
            candidates[i],
            acts.post_ts[candidates[i]],
            objects.code(f"near:{g}"),
        )
        for i, g in enumerate(groups)
        if g >= 0
    ]
    arr = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
    return SignalTable(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], objects)


def admin_edges(acts: Actions) -> EdgeList:
    """Accounts administering the same pages; weight = pages shared (both directions)."""
    pages: dict[str, list[str]] = defaultdict(list)
    for account, page in acts.admins:
        pages[page].append(account)
    weights: dict[tuple[int, int], int] = defaultdict(int)
    examples: dict[tuple[int, int], int] = {}
    page_names = sorted(pages)
    for index, page in enumerate(page_names):
        admins = sorted(set(pages[page]))
        for a in admins:
            for b in admins:
                if a != b:
                    key = (acts.actors.code(a), acts.actors.code(b))
                    weights[key] += 1
                    examples.setdefault(key, index)
    return _edge_list("admin", weights, examples, page_names)


def creation_edges(acts: Actions, min_burst: int = 5, neighbours: int = 5) -> EdgeList:
    """Accounts created in the same hour, when that hour saw >= ``min_burst`` creations:
    each is linked to the ``neighbours`` accounts created next after it (not to the whole
    hour - a bulk-registration hour of thousands would be millions of pairs)."""
    hours: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for uid, account in acts.accounts.items():
        created = account.get("created_at")
        if created is not None:
            hours[created.strftime("%Y-%m-%dT%H")].append((created.timestamp(), uid))
    weights: dict[tuple[int, int], int] = {}
    examples: dict[tuple[int, int], int] = {}
    names = sorted(h for h, members in hours.items() if len(members) >= min_burst)
    for index, hour in enumerate(names):
        codes = [acts.actors.code(uid) for _, uid in sorted(hours[hour])]
        for i, a in enumerate(codes):
            for b in codes[i + 1 : i + 1 + neighbours]:
                for key in ((a, b), (b, a)):
                    weights[key] = 1
                    examples[key] = index
    return _edge_list("creation", weights, examples, names)


def _edge_list(
    signal: str,
    weights: dict[tuple[int, int], int],
    examples: dict[tuple[int, int], int],
    objects: list[str],
) -> EdgeList:
    keys = sorted(weights)
    src = np.asarray([k[0] for k in keys], dtype=np.int64)
    dst = np.asarray([k[1] for k in keys], dtype=np.int64)
    weight = np.asarray([weights[k] for k in keys], dtype=np.int64)
    example = np.asarray([examples[k] for k in keys], dtype=np.int64)
    return EdgeList(signal, src, dst, weight, example, objects)


def signal_edges(acts: Actions, signal: str, params: SignalParams) -> EdgeList:
    """The edge list of one signal."""
    if signal == "admin":
        return admin_edges(acts)
    if signal == "creation":
        return creation_edges(acts)
    if signal == "near_text":
        if "near_text" not in acts.tables:  # built once: several windows reuse it
            acts.tables["near_text"] = near_text_table(acts)
        return window_edges(acts.tables["near_text"], signal, params)
    if signal not in acts.tables:
        raise ValueError(f"signal {signal!r} was not collected")
    return window_edges(acts.tables[signal], signal, params)
