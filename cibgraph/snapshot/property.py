"""The whole property graph as a networkx graph: every Account, Page, Group, Post, Url,
Domain and Hashtag with the relationships between them (small graphs only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph, utc_datetime
from cibgraph.output import plain
from cibgraph.schema import NODE_KEYS

#: Nodes a whole-graph snapshot may hold; a bigger graph is refused.
DEFAULT_LIMIT = 50_000

# -- Cypher: property graph -----------------------------------------------------------

#: The labels of the property graph and their key property (the schema's, less the
#: bookkeeping and detection labels).
PROPERTY_LABELS: dict[str, str] = {
    label: key
    for label, key in NODE_KEYS.items()
    if label in ("Account", "Page", "Group", "Post", "Url", "Domain", "Hashtag")
}
COUNT_NODES_CYPHER: dict[str, str] = {
    label: f"MATCH (n:{label}) RETURN count(n) AS n" for label in PROPERTY_LABELS
}
PROPERTY_NODES_CYPHER: dict[str, str] = {
    label: f"MATCH (n:{label}) RETURN n.{key} AS key, labels(n) AS labels, properties(n) AS props"
    for label, key in PROPERTY_LABELS.items()
}
#: Outgoing relationships per source label; the target's key is whichever key property
#: it has (Url has no uid, Domain neither uid nor url, Hashtag only tag).
PROPERTY_RELS_CYPHER: dict[str, str] = {
    label: (
        f"MATCH (n:{label})-[r]->(m) RETURN n.{key} AS source, type(r) AS type, "
        "labels(m) AS labels, coalesce(m.uid, m.url, m.name, m.tag) AS target, "
        "properties(r) AS props"
    )
    for label, key in PROPERTY_LABELS.items()
}


def property_graph(graph: Graph, limit: int = DEFAULT_LIMIT) -> nx.MultiDiGraph:
    """The whole property graph: Account, Page, Group, Post, Url, Domain and Hashtag nodes
    and every relationship between them (COORDINATED_WITH included; detection runs,
    clusters and loader bookkeeping left out). For small graphs: refuses with a
    :class:`CibgraphError` when there are more than ``limit`` such nodes.

    Node ids are ``<Label>:<key>`` (``Account:twitter:1001``, ``Url:https://...``), because
    an account and a post may share a uid. Attributes: ``label`` (handle, name, text
    start, url or #tag), ``kind`` (the label), ``labels`` (all labels, e.g. ``Page,NewsLike``),
    the node's properties as plain values (datetimes as ISO text; ``id`` renamed
    ``platform_id``) and ``first_seen`` = ``ts`` on posts. Edge attribute ``relation`` is the
    relationship type, plus the relationship's properties.
    """
    counts = {label: graph.query(q)[0]["n"] for label, q in COUNT_NODES_CYPHER.items()}
    total = sum(counts.values())
    if total > limit:
        detail = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        raise CibgraphError(
            f"the graph has {total} nodes ({detail}), more than the limit of {limit} for a "
            "full export; raise --limit if you must, or export a detection run's "
            "coordination graph instead (no --full)"
        )
    G = nx.MultiDiGraph(kind="property")
    for label, cypher in PROPERTY_NODES_CYPHER.items():
        for row in graph.stream(cypher):
            props = {
                ("platform_id" if k == "id" else k): _value(v) for k, v in row["props"].items()
            }
            props.pop("label", None)
            extra = [x for x in row["labels"] if x != label]
            G.add_node(
                f"{label}:{row['key']}",
                label=_display_label(label, props, row["key"]),
                kind=label,
                labels=",".join([label, *sorted(extra)]),
                **props,
            )
            if label == "Post" and props.get("ts") is not None:
                G.nodes[f"{label}:{row['key']}"]["first_seen"] = props["ts"]
    for label, cypher in PROPERTY_RELS_CYPHER.items():
        for row in graph.stream(cypher):
            target_label = next((x for x in PROPERTY_LABELS if x in row["labels"]), None)
            if target_label is None or row["target"] is None:
                continue  # IN_CLUSTER, FROM_RUN, ...: not part of the property graph
            source, target = f"{label}:{row['source']}", f"{target_label}:{row['target']}"
            if source in G and target in G:
                props = {k: _value(v) for k, v in (row["props"] or {}).items()}
                G.add_edge(source, target, relation=row["type"], **props)
    for node, degree in G.degree():
        G.nodes[node]["degree"] = degree
    return G


def _value(value: Any) -> Any:
    """A property as a plain value; datetimes as ISO 8601 UTC text (the embedded backend
    returns them without their zone, see :func:`cibgraph.graph.utc_datetime`)."""
    when = utc_datetime(value)
    if when is not None:
        return when.isoformat().replace("+00:00", "Z")
    return plain(value)


def _display_label(label: str, props: Mapping[str, Any], key: str) -> str:
    if label == "Account":
        return str(props.get("handle") or props.get("display_name") or key)
    if label in ("Page", "Group"):
        return str(props.get("name") or props.get("handle") or key)
    if label == "Post":
        text = " ".join(str(props.get("text") or "").split())
        return text[:60] + ("..." if len(text) > 60 else "") if text else key
    if label == "Hashtag":
        return f"#{key}"
    return key
