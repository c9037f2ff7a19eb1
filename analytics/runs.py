"""Write a detection run back to the graph: runs never overwrite each other.

``(:DetectionRun {id, created_at, engine, params, fingerprint, signals})``,
``(:Cluster {id: '<run>:<index>', run_id, index, size, score, flagged, flag_rule,
explanation, features})-[:FROM_RUN]->(run)``, ``(member)-[:IN_CLUSTER]->(cluster)`` for Account and
Page members, ``(cluster)-[:RUNS]->(:Page)`` / ``-[:AMPLIFIES {shares}]->(:Page)``, and
optionally ``(:Account)-[:COORDINATED_WITH {run_id, weight, signals}]->(:Account)``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from analytics.arrays import heaviest_per_node

if TYPE_CHECKING:
    from analytics.actions import Actions
    from analytics.scoring import ClusterScore
    from cibgraph.graph import Graph

#: Write-back with ``write_edges="flagged"``: each flagged account's heaviest coordination
#: edges, at most this many. An amplifier network makes tens of millions of edges (37.7M
#: touch the flagged clusters of the synthetic ``full`` world, 2M posts); the strongest
#: ties of each member are what a picture or a query of the cluster shows.
EDGES_PER_MEMBER = 25
PAGE_ACTORS_CYPHER = "MATCH (g:Page) RETURN g.uid AS uid"
GROUP_ACTORS_CYPHER = "MATCH (g:Group) RETURN g.uid AS uid"


RUN_CYPHER = (
    "CREATE (r:DetectionRun {id: $id, created_at: $created_at, engine: $engine, "
    "params: $params, fingerprint: $fingerprint, signals: $signals, clusters: $clusters, "
    "flagged: $flagged})"
)
CLUSTERS_CYPHER = (
    "MATCH (r:DetectionRun {id: $run_id}) UNWIND $rows AS c "
    "CREATE (k:Cluster {id: c.id, run_id: $run_id, index: c.index, size: c.size, "
    "score: c.score, flagged: c.flagged, flag_rule: c.flag_rule, explanation: c.explanation, "
    "features: c.features}) "
    "CREATE (k)-[:FROM_RUN]->(r)"
)
MEMBERS_CYPHER: dict[str, str] = {
    label: (
        f"UNWIND $rows AS m MATCH (n:{label} {{uid: m.uid}}) "
        "MATCH (k:Cluster {id: m.cluster}) CREATE (n)-[:IN_CLUSTER]->(k)"
    )
    for label in ("Account", "Page", "Group")
}
RUNS_CYPHER = (
    "UNWIND $rows AS r MATCH (k:Cluster {id: r.cluster}) MATCH (p:Page {uid: r.page}) "
    "CREATE (k)-[:RUNS]->(p)"
)
AMPLIFIES_CYPHER = (
    "UNWIND $rows AS r MATCH (k:Cluster {id: r.cluster}) MATCH (p:Page {uid: r.page}) "
    "CREATE (k)-[:AMPLIFIES {shares: r.shares}]->(p)"
)
COORDINATED_CYPHER = (
    "UNWIND $rows AS e MATCH (a:Account {uid: e.a}) MATCH (b:Account {uid: e.b}) "
    "CREATE (a)-[:COORDINATED_WITH {run_id: $run_id, weight: e.weight, signals: e.signals}]->(b)"
)
FINGERPRINT_CYPHER = (
    "MATCH (p:Post) RETURN count(p) AS posts, max(p.ts) AS last_ts, min(p.ts) AS first_ts"
)


def fingerprint(graph: Graph) -> str:
    """What data the run saw: post count and time range (cheap, changes on any load)."""
    row = graph.query(FINGERPRINT_CYPHER)[0]
    return f"posts={row['posts']};first={row['first_ts']};last={row['last_ts']}"


def new_run_id(now: dt.datetime) -> str:
    return "run-" + now.strftime("%Y%m%dT%H%M%S%fZ")


def write_run(
    graph: Graph,
    *,
    run_id: str,
    created_at: dt.datetime,
    engine: str,
    params: dict[str, Any],
    data_fingerprint: str,
    signals: list[str],
    clusters: list[dict[str, Any]],
    members: list[dict[str, str]],
    runs: list[dict[str, str]],
    amplifies: list[dict[str, Any]],
    edges: list[dict[str, Any]],
) -> None:
    """Write the run, in batches; the DetectionRun node is created first."""
    graph.execute(
        RUN_CYPHER,
        {
            "id": run_id,
            "created_at": created_at,
            "engine": engine,
            "params": json.dumps(params, sort_keys=True),
            "fingerprint": data_fingerprint,
            "signals": signals,
            "clusters": len(clusters),
            "flagged": sum(1 for c in clusters if c["flagged"]),
        },
    )
    graph.write_batches(CLUSTERS_CYPHER, clusters, params={"run_id": run_id})
    for label, cypher in MEMBERS_CYPHER.items():
        rows = [m for m in members if m["label"] == label]
        if rows:
            graph.write_batches(cypher, rows)
    if runs:
        graph.write_batches(RUNS_CYPHER, runs)
    if amplifies:
        graph.write_batches(AMPLIFIES_CYPHER, amplifies)
    if edges:
        graph.write_batches(COORDINATED_CYPHER, edges, params={"run_id": run_id})


def write_result(
    graph: Graph,
    params: dict[str, Any],
    clusters_found: list[ClusterScore],
    member_uids: dict[int, list[str]],
    combined: Any,
    membership: dict[int, int],
    acts: Actions,
) -> str:
    """Write one detection as a new run, its id: the run's ``params`` (a
    :class:`~analytics.detect.DetectParams` as a dict), every cluster with its member
    uids, the pages each runs and amplifies, and the coordination edges of ``combined``
    that ``params["write_edges"]`` asks for."""
    now = dt.datetime.now(dt.UTC)
    run_id = new_run_id(now)
    pages = {r["uid"] for r in graph.query(PAGE_ACTORS_CYPHER)}
    groups = {r["uid"] for r in graph.query(GROUP_ACTORS_CYPHER)}
    clusters, members, runs, amplifies = [], [], [], []
    flagged_index = {c.index for c in clusters_found if c.flagged}
    for c in clusters_found:
        cid = f"{run_id}:{c.index}"
        clusters.append(
            {
                "id": cid,
                "index": c.index,
                "size": len(c.members),
                "score": c.score,
                "flagged": c.flagged,
                "flag_rule": c.rule,
                "explanation": c.explanation,
                "features": _features_json(c.features),
            }
        )
        for uid in member_uids[c.index]:
            label = "Page" if uid in pages else "Group" if uid in groups else "Account"
            members.append({"uid": uid, "cluster": cid, "label": label})
        runs += [{"cluster": cid, "page": page} for page in c.runs]
        amplifies += [
            {"cluster": cid, "page": page, "shares": shares} for page, shares in c.amplifies.items()
        ]
    edges = []
    mode = params["write_edges"]
    if mode != "none":
        names = acts.actors.values
        if mode == "flagged":  # chosen on the arrays: the whole graph can be ~10^7 edges
            codes = [a for a, k in membership.items() if k in flagged_index]
            flagged_codes = np.asarray(codes, dtype=combined.u.dtype)
            combined = combined.subset(
                heaviest_per_node(
                    combined.u, combined.v, combined.weight, flagged_codes, EDGES_PER_MEMBER
                )
            )
        for a, b, w, detail in zip(
            combined.u.tolist(),
            combined.v.tolist(),
            combined.weight.tolist(),
            combined.signals,
            strict=True,
        ):
            edges.append(
                {"a": names[a], "b": names[b], "weight": round(w, 3), "signals": sorted(detail)}
            )
    write_run(
        graph,
        run_id=run_id,
        created_at=now,
        engine=params["engine"],
        params=params,
        data_fingerprint=fingerprint(graph),
        signals=list(params["signals"]),
        clusters=clusters,
        members=members,
        runs=runs,
        amplifies=amplifies,
        edges=edges,
    )
    return run_id


def _features_json(features: dict[str, float]) -> str:
    return json.dumps({k: round(v, 4) for k, v in features.items()}, sort_keys=True)
