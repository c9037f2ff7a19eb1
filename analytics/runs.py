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

if TYPE_CHECKING:
    from cibgraph.graph import Graph


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
