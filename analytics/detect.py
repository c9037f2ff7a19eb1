"""``detect``: the whole detection pipeline as one call (what ``cibgraph detect`` runs).

action store (Parquet; built from the graph once if someone else filled it) -> actions
-> co-action edges per signal -> combined graph -> communities -> scored, explained
clusters -> written back to the graph as a DetectionRun (when there is a graph).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analytics.actions import SIGNALS, Actions
from analytics.coaction import (
    WINDOW_SIGNALS,
    EdgeList,
    SignalParams,
    merge_windows,
    signal_edges,
)
from analytics.combine import DEFAULT_WEIGHTS, CombineParams, combine
from analytics.communities import communities
from analytics.runs import write_result
from analytics.scoring import ClusterScore, FlagRule, score_clusters
from analytics.store import StoreReader, ensure_store
from analytics.window_estimate import MAX_AUTO_WINDOW, WindowEstimate, estimate_window
from cibgraph.errors import CibgraphError

if TYPE_CHECKING:
    from analytics.spark_coaction import SparkSettings
    from cibgraph.graph import Graph

#: What computes one signal's edges: ``signal_edges`` (the compiled sweep, on this
#: machine) or :meth:`analytics.spark_coaction.SparkCoaction.edges`.
EdgesOf = Callable[[Actions, str, SignalParams], EdgeList]
COMPUTE = ("duckdb", "spark")

#: Creation bursts are off by default as an edge signal (sharing a registration hour is
#: not acting together, and it would pull accounts that never posted into clusters); they
#: count in every cluster's score instead (scoring.creation_burst).
DEFAULT_SIGNALS = ("url", "repost", "reply", "text", "near_text", "hashtag", "object", "admin")
#: The signals that also get edges at wider windows: acting on the same link, post, object
#: or text. Hashtags, domains and replies are topical: within an hour, everyone on the
#: topic shares them, so they count as co-action at the tightest window only.
WIDE_SIGNALS = ("url", "repost", "object", "text", "near_text")
#: The windows a run uses unless told: a minute, where copy-paste operations act, and an
#: hour, where operations that post on a slower clock do (see docs/detection.md, "Windows").
#: Each edge is recorded at the tightest window it holds in, and each cluster is tested
#: against chance at both.
DEFAULT_WINDOWS = (60, 3600)
#: At a wider window, objects touched by more accounts are skipped (whatever --max-actors
#: says for the tightest window): within an hour a viral link or a popular original is
#: shared by everyone who saw it, which pairs crowds, not operators. On a 1M-message QUT
#: file 19 such objects made 4.07M of the 4.08M co-retweet edges at 1 hour.
WIDE_MAX_ACTORS = 500


@dataclass
class DetectParams:
    """Every knob of a run (recorded on the DetectionRun node)."""

    signals: tuple[str, ...] = DEFAULT_SIGNALS
    #: seconds, or "auto" (estimated from the data: window_estimate), or several windows
    #: (e.g. (60, 3600)): edges at each, each edge recorded at its tightest
    window: int | str | tuple[int, ...] = DEFAULT_WINDOWS
    min_weight: int = 2
    max_actors: int | None = None
    min_participation: int | None = None  # CooRTweet's rule, off by default
    fast_window: int | None = None  # also mark the edges that hold within this window
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    min_edge: float = 1.0
    percentile: float | None = None
    min_symmetry: float = 0.0
    engine: str = "igraph"
    resolution: float = 1.0
    seed: int = 42
    threshold: float = 0.5
    min_size: int = 3
    #: flagging against chance (analytics.chance, scoring.FlagRule)
    draws: int = 50
    alpha: float = 0.05
    min_excess: float = 0.1
    lockstep: float = 0.5
    write_edges: str = "flagged"  # none | flagged | all
    #: where the time-windowed co-action join runs: duckdb (this machine) or spark
    compute: str = "duckdb"

    def check(self) -> None:
        unknown = [s for s in self.signals if s not in SIGNALS]
        if unknown:
            raise CibgraphError(
                f"unknown signal(s) {', '.join(unknown)}; choose from {', '.join(SIGNALS)}"
            )
        if isinstance(self.window, list | tuple):
            if not self.window or not all(
                isinstance(w, int) and not isinstance(w, bool) and w >= 0 for w in self.window
            ):
                raise CibgraphError("--window: every window must be a number of seconds >= 0")
            windows = tuple(sorted(set(self.window)))
            self.window = windows[0] if len(windows) == 1 else windows
        elif self.window != "auto" and (
            not isinstance(self.window, int) or isinstance(self.window, bool) or self.window < 0
        ):
            raise CibgraphError(
                "--window must be a number of seconds >= 0, several (60,3600), or auto"
            )
        if self.min_weight < 1:
            raise CibgraphError("--min-weight must be >= 1")
        if self.min_participation is not None and self.min_participation < 1:
            raise CibgraphError("--min-participation must be >= 1")
        if (
            self.fast_window is not None
            and self.window != "auto"
            and not 0 <= self.fast_window < self.windows[0]
        ):
            raise CibgraphError("--fast-window must be >= 0 and narrower than --window")
        if self.draws < 10:
            raise CibgraphError("--draws must be >= 10 (timelines rolled to estimate chance)")
        if not 0 < self.alpha < 1:
            raise CibgraphError("--alpha must be between 0 and 1")
        if not 0 <= self.min_excess <= self.lockstep <= 1:
            raise CibgraphError("need 0 <= --min-excess <= --lockstep <= 1")
        if self.write_edges not in ("none", "flagged", "all"):
            raise CibgraphError("--write-edges must be none, flagged or all")
        if self.compute not in COMPUTE:
            raise CibgraphError(f"--compute must be {' or '.join(COMPUTE)}")
        if self.compute == "spark" and self.min_participation is not None:
            raise CibgraphError("--min-participation runs with --compute duckdb only")

    @property
    def windows(self) -> tuple[int, ...]:
        """The windows, tightest first (once ``auto`` is resolved)."""
        if isinstance(self.window, tuple):
            return self.window
        if not isinstance(self.window, int):
            raise ValueError("the window is not known yet")
        return (self.window,)


@dataclass
class DetectionResult:
    run_id: str | None
    params: DetectParams
    clusters: list[ClusterScore]
    members: dict[int, list[str]]  # cluster index -> member uids
    edge_counts: dict[str, int]
    skipped_objects: dict[str, int]
    combined_edges: int
    seconds: dict[str, float]
    actions: Actions | None = None
    edge_lists: list[EdgeList] = field(default_factory=list)
    combined: Any = None  # analytics.combine.Graph
    membership: dict[int, int] = field(default_factory=dict)  # actor code -> cluster
    #: with ``--window auto``: how the window was found (see analytics.window_estimate)
    window_estimate: WindowEstimate | None = None

    @property
    def flagged(self) -> list[ClusterScore]:
        return [c for c in self.clusters if c.flagged]

    def flagged_uids(self) -> set[str]:
        return {uid for c in self.flagged for uid in self.members[c.index]}


def detect(
    graph: Graph | None,
    params: DetectParams | None = None,
    *,
    store: Path | None = None,
    write: bool = True,
    progress: Callable[[str], None] | None = None,
    spark: SparkSettings | None = None,
) -> DetectionResult:
    """Run detection on the actions of ``graph`` (its action store, checked against the
    graph and rebuilt from it if stale) or of the store at ``store``; record the run in
    the graph unless ``write`` is False or there is no graph. With ``params.compute ==
    "spark"`` the co-action join runs on Spark (``spark``: where; default: from the
    environment, ``CIBGRAPH_SPARK_MASTER``), reading the same store."""
    params = params or DetectParams()
    params.check()
    if graph is None and store is None:
        raise CibgraphError("detect needs a graph or an action store")
    if graph is None and params.engine == "gds":
        raise CibgraphError("--engine gds runs inside Neo4j: load the files into a graph first")
    say = progress or (lambda _message: None)
    if store is None:
        assert graph is not None
        store = ensure_store(graph, say)
    say(f"reading actions from the action store {store}")
    with StoreReader(store, params.signals) as reader, coaction_engine(params, store, spark) as on:
        return detect_reader(
            reader, params, graph=graph, write=write, progress=progress, edges_of=on
        )


@contextmanager
def coaction_engine(
    params: DetectParams, store: Path | None, spark: SparkSettings | None = None
) -> Iterator[EdgesOf]:
    """The co-action engine ``params.compute`` names, for the store at ``store``."""
    if params.compute != "spark":
        yield signal_edges
        return
    from analytics.spark_coaction import spark_coaction

    if store is None:
        raise CibgraphError("--compute spark reads an action store (Parquet): none was given")
    with spark_coaction(str(store), params.signals, spark) as job:
        yield job.edges


def detect_reader(
    reader: StoreReader,
    params: DetectParams,
    *,
    graph: Graph | None = None,
    write: bool = False,
    progress: Callable[[str], None] | None = None,
    edges_of: EdgesOf = signal_edges,
) -> DetectionResult:
    """:func:`detect` on the actions of an open :class:`~analytics.store.StoreReader`,
    each signal's edges computed by ``edges_of`` (see :func:`coaction_engine`)."""
    say = progress or (lambda _message: None)
    started = time.monotonic()
    acts = reader.actions(params.signals)
    news = reader.news_domains()
    seconds = {"read": time.monotonic() - started}
    return _detect(graph, acts, news, params, write, say, seconds, started, edges_of)


def _detect(
    graph: Graph | None,
    acts: Actions,
    news: dict[str, set[str]],
    params: DetectParams,
    write: bool,
    say: Callable[[str], None],
    seconds: dict[str, float],
    started: float,
    edges_of: EdgesOf = signal_edges,
) -> DetectionResult:

    estimate = None
    if params.window == "auto":
        estimate = estimate_window(acts)
        if estimate is None:
            raise CibgraphError(
                "--window auto: no object is shared twice, so there is no pace to estimate "
                "a window from; give --window SECONDS"
            )
        if estimate.window > MAX_AUTO_WINDOW:
            raise CibgraphError(
                f"--window auto: {estimate.reason()}; that is wider than "
                f"{MAX_AUTO_WINDOW} s, so the data has no fast sharing to calibrate on: "
                "give --window SECONDS"
            )
        params = replace(params, window=estimate.window)
        params.check()
        say(estimate.reason())
    windows = params.windows
    mark = time.monotonic()
    signal_params = SignalParams(
        windows[0], params.min_weight, params.max_actors, params.min_participation
    )
    edge_lists = []
    for signal in params.signals:
        say(f"co-action edges: {signal}")
        if signal in WIDE_SIGNALS and len(windows) > 1:
            wide_cap = min(params.max_actors or WIDE_MAX_ACTORS, WIDE_MAX_ACTORS)
            edges = merge_windows(
                [edges_of(acts, signal, signal_params)]
                + [
                    edges_of(acts, signal, replace(signal_params, window=w, max_actors=wide_cap))
                    for w in windows[1:]
                ],
                windows,
            )
        else:
            edges = edges_of(acts, signal, signal_params)
        if params.fast_window is not None and signal in WINDOW_SIGNALS:
            fast = replace(signal_params, window=params.fast_window)
            edges.mark_fast(edges_of(acts, signal, fast))
        edge_lists.append(edges)
    seconds["edges"] = time.monotonic() - mark

    mark = time.monotonic()
    say("combining signals and finding communities")
    combined = combine(
        edge_lists,
        CombineParams(params.weights, params.min_edge, params.percentile, params.min_symmetry),
    )
    membership = communities(combined, params.engine, params.resolution, params.seed, graph)
    seconds["communities"] = time.monotonic() - mark

    mark = time.monotonic()
    say("scoring clusters")
    clusters = score_clusters(
        acts,
        membership,
        combined,
        window=windows[0],
        wider=windows[1:],
        news_domains=news,
        rule=FlagRule(
            threshold=params.threshold,
            min_size=params.min_size,
            alpha=params.alpha,
            min_excess=params.min_excess,
            lockstep=params.lockstep,
            min_weight=params.min_weight,
            draws=params.draws,
            seed=params.seed,
        ),
    )
    members = {c.index: [acts.actors.values[m] for m in c.members] for c in clusters}
    left_out = {m for c in clusters for m in c.left_out}
    if left_out:  # out of their flagged cluster: in no cluster (see scoring.FlagRule)
        membership = {a: c for a, c in membership.items() if a not in left_out}
    seconds["scoring"] = time.monotonic() - mark

    result = DetectionResult(
        run_id=None,
        params=params,
        clusters=clusters,
        members=members,
        edge_counts={e.signal: len(e) for e in edge_lists},
        skipped_objects={e.signal: e.skipped_objects for e in edge_lists},
        combined_edges=len(combined),
        seconds=seconds,
        actions=acts,
        edge_lists=edge_lists,
        combined=combined,
        membership=membership,
        window_estimate=estimate,
    )
    if write and graph is not None:
        mark = time.monotonic()
        say("writing the run back to the graph")
        result.run_id = write_result(
            graph, asdict(params), clusters, members, combined, membership, acts
        )
        seconds["write"] = time.monotonic() - mark
    seconds["total"] = time.monotonic() - started
    return result
