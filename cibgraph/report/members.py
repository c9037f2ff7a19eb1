"""Who is in a cluster, as the report names them: handles and page names, never graph keys.

A member's name comes from the graph (an account's handle, a page's or group's name), its
kind (account, page, group) decides how it is counted, and a cluster's sample is its most
central members (most coordination edges in the run), not the alphabetically first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

import numpy as np

from analytics.arrays import degrees
from cibgraph.graph import Graph

MEMBER_SAMPLE = 12

#: A member as the report names it: its handle or name, and where it is (platform, and
#: "page" or "group" for those), from the graph.
MEMBER_LABELS_CYPHER = """
UNWIND $uids AS uid
OPTIONAL MATCH (a:Account {uid: uid})
OPTIONAL MATCH (p:Page {uid: uid})
OPTIONAL MATCH (g:Group {uid: uid})
WITH uid, a, p, g
WHERE a IS NOT NULL OR p IS NOT NULL OR g IS NOT NULL
RETURN uid,
       coalesce(a.handle, a.display_name, p.name, p.handle, g.name, a.id, p.id, g.id) AS name,
       coalesce(a.platform, p.platform, g.platform) AS platform,
       CASE WHEN p IS NOT NULL THEN 'page' WHEN g IS NOT NULL THEN 'group' ELSE 'account' END
         AS kind
"""


def member_info(graph: Graph, result: Any) -> dict[str, dict[str, str]]:
    """uid -> {name, platform, kind, label} for every clustered member."""
    uids = sorted({uid for members in result.members.values() for uid in members})
    info = {}
    for row in graph.query(MEMBER_LABELS_CYPHER, {"uids": uids}):
        kind = row["kind"]
        where = " ".join(x for x in (row["platform"], "" if kind == "account" else kind) if x)
        name = str(row["name"])
        info[row["uid"]] = {
            "name": name,
            "platform": row["platform"] or "",
            "kind": kind,
            "label": f"{name} ({where})" if where else name,
        }
    return info


def labels(info: dict[str, dict[str, str]]) -> dict[str, str]:
    return {uid: i["label"] for uid, i in info.items()}


def flagged_keys(result: Any, info: dict[str, dict[str, str]]) -> set[str]:
    """Every way a table can name a flagged cluster's member (uid, handle, name) or the
    cluster itself (its id)."""
    accounts = result.actions.accounts if result.actions is not None else {}
    keys: set[str] = set()
    for cluster in result.flagged:
        keys.add(f"{result.run_id}:{cluster.index}")
        for uid in result.members[cluster.index]:
            keys.add(uid)
            handle = (accounts.get(uid) or {}).get("handle")
            if handle:
                keys.add(str(handle))
            if uid in info:
                keys.add(info[uid]["name"])
    return keys


def _degrees(result: Any) -> Counter[str]:
    """Coordination edges per member uid in the run's combined graph."""
    degree: Counter[str] = Counter()
    combined = result.combined
    if combined is None or result.actions is None:
        return degree
    uids = result.actions.actors.values
    if len(combined) == 0:
        return degree
    counts = degrees(combined.u, combined.v)
    for code in np.flatnonzero(counts).tolist():
        degree[uids[code]] = int(counts[code])
    return degree


def detection(result: Any, info: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The run as the report records it: parameters, edges, and every cluster with its
    members counted by kind and its most central members named."""
    degree = _degrees(result)
    accounts = result.actions.accounts if result.actions is not None else {}

    def name(uid: str) -> str:
        if uid in info:
            return info[uid]["label"]
        return str((accounts.get(uid) or {}).get("handle") or uid)

    clusters = []
    for c in result.clusters:
        uids = result.members[c.index]
        kinds = Counter(info.get(uid, {}).get("kind", "account") for uid in uids)
        central = sorted(uids, key=lambda uid: (-degree[uid], name(uid)))
        clusters.append(
            {
                "index": c.index,
                "size": len(uids),
                "accounts": kinds["account"],
                "pages": kinds["page"],
                "groups": kinds["group"],
                "score": c.score,
                "flagged": c.flagged,
                "explanation": c.explanation,
                "members": [name(uid) for uid in central[:MEMBER_SAMPLE]],
                "features": {k: round(v, 4) for k, v in c.features.items()},
                "runs": c.runs,
                "amplifies": c.amplifies,
            }
        )
    return {
        "run_id": result.run_id,
        "params": asdict(result.params),
        "edges": result.edge_counts,
        "skipped_hot_objects": result.skipped_objects,
        "combined_edges": result.combined_edges,
        "seconds": {k: round(v, 2) for k, v in result.seconds.items()},
        "flagged": len(result.flagged),
        "clusters": clusters,
    }
