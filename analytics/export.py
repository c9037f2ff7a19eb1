"""Gephi snapshots: a detection run's coordination graph, or the whole property graph, as a
networkx graph written to GEXF 1.3, GraphML or CSV.

One function per export kind:

* :func:`coordination_graph` - the accounts (and pages) of a run's clusters, their
  ``COORDINATED_WITH`` edges, and the news-like pages the flagged clusters run or amplify;
* :func:`property_graph` - every Account, Page, Group, Post, Url, Domain and Hashtag with
  the relationships between them (small graphs only);
* :func:`write_gexf`, :func:`write_graphml`, :func:`write_csv` - the files;
* :func:`export` - graph + file in one call (what ``cibgraph export`` runs).

Example::

    from analytics.export import coordination_graph, write_gexf
    from cibgraph.graph import connect

    with connect() as graph:
        G = coordination_graph(graph)            # the newest run
    write_gexf(G, "run.gexf")                    # open in Gephi: File > Open

GEXF is written by our own code because networkx writes only 1.1draft/1.2draft; Gephi
reads 1.3 natively. See docs/export.md for what each file holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph, utc_datetime
from cibgraph.output import csv_cell, plain, safe_cell
from cibgraph.palette import PALETTE, UNCLUSTERED, cluster_colour  # noqa: F401 (re-exported)
from cibgraph.schema import NODE_KEYS

FORMATS = ("gexf", "graphml", "csv")
DEFAULT_LIMIT = 50_000
#: uids sent per UNWIND statement
CHUNK = 5_000

# -- Cypher: coordination graph -------------------------------------------------------

SELECT_RUN_CYPHER = (
    "MATCH (r:DetectionRun) WHERE $run_id IS NULL OR r.id = $run_id "
    "WITH r ORDER BY r.created_at DESC LIMIT 1 "
    "RETURN r.id AS run_id, r.created_at AS created_at"
)
CLUSTER_RUN_CYPHER = "MATCH (k:Cluster {id: $cluster}) RETURN k.run_id AS run_id"
RUN_CLUSTERS_CYPHER = (
    "MATCH (k:Cluster)-[:FROM_RUN]->(:DetectionRun {id: $run_id}) "
    "RETURN k.id AS id, k.index AS index, k.score AS score, k.flagged AS flagged "
    "ORDER BY index"
)
CLUSTER_MEMBERS_CYPHER = (
    "UNWIND $clusters AS cluster_id "
    "MATCH (m)-[:IN_CLUSTER]->(k:Cluster {id: cluster_id}) "
    "RETURN k.id AS cluster_id, m.uid AS uid, "
    "CASE WHEN m:Account THEN 'Account' WHEN m:Page THEN 'Page' "
    "WHEN m:Group THEN 'Group' ELSE 'Other' END AS kind"
)
#: A node's display label, its activity (posts and first/last post time from Post.ts)
#: and its cluster in the run, per label: accounts post, pages and groups are posted in.
NODE_INFO_CYPHER: dict[str, str] = {
    label: (
        f"UNWIND $uids AS uid MATCH (n:{label} {{uid: uid}}) "
        f"OPTIONAL MATCH {activity} "
        "WITH n, min(p.ts) AS first_seen, max(p.ts) AS last_seen, count(p) AS posts "
        "OPTIONAL MATCH (n)-[:IN_CLUSTER]->(k:Cluster {run_id: $run_id}) "
        f"RETURN n.uid AS uid, {name} AS label, first_seen, last_seen, posts, "
        "k.id AS cluster_id"
    )
    for label, activity, name in (
        ("Account", "(n)-[:POSTED]->(p:Post)", "coalesce(n.handle, n.display_name, n.uid)"),
        ("Page", "(p:Post)-[:POSTED_IN]->(n)", "coalesce(n.name, n.handle, n.uid)"),
        ("Group", "(p:Post)-[:POSTED_IN]->(n)", "coalesce(n.name, n.uid)"),
    )
}
RUN_EDGES_CYPHER = (
    "MATCH (a:Account)-[c:COORDINATED_WITH]->(b:Account) WHERE c.run_id = $run_id "
    "RETURN a.uid AS a, b.uid AS b, c.weight AS weight, c.signals AS signals"
)
MEMBER_EDGES_CYPHER = (
    "UNWIND $uids AS uid "
    "MATCH (a:Account {uid: uid})-[c:COORDINATED_WITH]-(b:Account) WHERE c.run_id = $run_id "
    "RETURN a.uid AS a, b.uid AS b, c.weight AS weight, c.signals AS signals"
)
CLUSTER_PAGES_CYPHER = (
    "UNWIND $clusters AS cluster_id "
    "MATCH (k:Cluster {id: cluster_id})-[link:RUNS|AMPLIFIES]->(page:Page) WHERE k.flagged "
    "RETURN k.id AS cluster_id, page.uid AS page, type(link) AS link, link.shares AS shares"
)
PAGE_DOMAINS_CYPHER = (
    "UNWIND $pages AS uid "
    "MATCH (page:Page {uid: uid})<-[:POSTED_IN]-(:Post)-[:LINKS_TO]->(:Url)"
    "-[:ON_DOMAIN]->(d:Domain) "
    "RETURN page.uid AS page, collect(DISTINCT d.name) AS domains"
)
MEMBER_DOMAINS_CYPHER = (
    "UNWIND $uids AS uid "
    "MATCH (a:Account {uid: uid})-[:POSTED]->(:Post)-[:LINKS_TO]->(:Url)"
    "-[:ON_DOMAIN]->(d:Domain) WHERE d.name IN $domains "
    "RETURN a.uid AS uid, d.name AS domain, count(*) AS shares"
)
PAGE_ADMINS_CYPHER = (
    "UNWIND $pages AS uid "
    "MATCH (a:Account)-[:ADMINISTERS]->(page:Page {uid: uid}) "
    "RETURN page.uid AS page, a.uid AS uid"
)

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

# -- colours and sizes ----------------------------------------------------------------

#: PALETTE / UNCLUSTERED / cluster_colour: the one palette of cibgraph.palette, shared with
#: the report's pictures and HTML.
#: Property graph colours, by node kind.
KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "Account": (31, 119, 180),
    "Page": (255, 127, 14),
    "Group": (44, 160, 44),
    "Post": (199, 199, 199),
    "Url": (148, 103, 189),
    "Domain": (214, 39, 40),
    "Hashtag": (23, 190, 207),
}


def node_size(degree: int) -> float:
    """The GEXF ``viz:size``: 5 + 5 * sqrt(degree), so hubs stand out without swamping."""
    return round(5.0 + 5.0 * math.sqrt(max(degree, 0)), 3)


# -- the coordination graph ------------------------------------------------------------


def coordination_graph(
    graph: Graph, run_id: str | None = None, cluster: str | int | None = None
) -> nx.Graph:
    """The coordination graph of a detection run (the newest by default).

    Nodes are the accounts (and pages) ``IN_CLUSTER`` of the run's clusters - or, with
    ``cluster`` (an id like ``"r2:0"`` or the cluster's index), that cluster's members plus
    their ``COORDINATED_WITH`` neighbours. Node attributes: ``label`` (handle or name),
    ``uid``, ``kind`` (Account/Page/Group), ``cluster`` (index; None outside the run's
    clusters), ``cluster_id``, ``flagged``, ``score`` (the cluster's), ``role``, ``degree``,
    ``posts``, ``first_seen``/``last_seen`` (epoch seconds of the first/last post).

    ``role`` is ``flagged`` (member of a flagged cluster), ``member`` (of an unflagged
    one), ``neighbour`` (coordinated with a member but in no cluster of the run) or
    ``page`` (a page a flagged cluster runs or amplifies, in no cluster itself).

    Edges are the run's ``COORDINATED_WITH`` edges (``relation`` COORDINATED_WITH,
    ``weight``, ``signal`` = the comma-joined signals); with ``cluster`` only those touching
    a member of it. The pages flagged clusters RUN or AMPLIFY are added as nodes, each tied
    to the members behind the link: an ``AMPLIFIES`` edge from every member who linked to
    the page's domains (weight = those links), a ``RUNS`` edge from every member who
    administers it (weight 1). A link no member explains any more (data loaded after the
    run) is drawn from the cluster's highest-degree member with the run's ``shares``.
    """
    selected = None if cluster is None else str(cluster)
    run = _select_run(graph, run_id, selected)
    clusters = {row["id"]: row for row in graph.query(RUN_CLUSTERS_CYPHER, {"run_id": run})}
    if selected is None:
        chosen = list(clusters)
    else:
        chosen = [cid for cid, c in clusters.items() if selected in (cid, str(c["index"]))]
        if not chosen:
            raise CibgraphError(
                f"no cluster {selected!r} in detection run {run}; "
                "`cibgraph query run flagged-clusters -p include_unflagged=true` lists them"
            )

    G = nx.Graph(run_id=run, cluster=chosen[0] if selected is not None else None)
    kinds: dict[str, str] = {}
    home: dict[str, str] = {}  # member uid -> cluster id (selected clusters only)
    for row in _chunked_query(graph, CLUSTER_MEMBERS_CYPHER, "clusters", chosen):
        kinds[row["uid"]] = row["kind"]
        home[row["uid"]] = row["cluster_id"]

    if selected is None:
        edge_rows = graph.query(RUN_EDGES_CYPHER, {"run_id": run})
    else:
        accounts = sorted(u for u, k in kinds.items() if k == "Account")
        edge_rows = list(_chunked_query(graph, MEMBER_EDGES_CYPHER, "uids", accounts, run_id=run))
    edges: dict[frozenset[str], dict[str, Any]] = {}
    for row in edge_rows:
        pair = frozenset((row["a"], row["b"]))
        if len(pair) == 2 and pair not in edges:
            edges[pair] = row
            for uid in pair:
                kinds.setdefault(uid, "Account")

    links = list(
        _chunked_query(graph, CLUSTER_PAGES_CYPHER, "clusters", chosen)
        if any(clusters[c]["flagged"] for c in chosen)
        else []
    )
    for row in links:
        kinds.setdefault(row["page"], "Page")

    for uid, info in _ordered(_node_info(graph, run, kinds), home, clusters, kinds):
        cid = home.get(uid) or info["cluster_id"]
        c = clusters.get(cid) if cid else None
        flagged = bool(c and c["flagged"])
        if c is not None:
            role = "flagged" if flagged else "member"
        else:
            role = "page" if kinds[uid] == "Page" else "neighbour"
        G.add_node(
            uid,
            label=info["label"],
            uid=uid,
            kind=kinds[uid],
            cluster=c["index"] if c else None,
            cluster_id=c["id"] if c else None,
            flagged=flagged,
            score=float(c["score"]) if c and c["score"] is not None else None,
            role=role,
            degree=0,
            posts=info["posts"],
            first_seen=info["first_seen"],
            last_seen=info["last_seen"],
        )
    for row in edges.values():
        G.add_edge(
            row["a"],
            row["b"],
            relation="COORDINATED_WITH",
            weight=float(row["weight"] or 0.0),
            signal=",".join(row["signals"] or []),
        )
    _add_page_links(graph, G, links, home)
    for node, degree in G.degree():
        G.nodes[node]["degree"] = degree
    return G


def _select_run(graph: Graph, run_id: str | None, cluster: str | None) -> str:
    if run_id is None and cluster is not None and ":" in cluster:
        found = graph.query(CLUSTER_RUN_CYPHER, {"cluster": cluster})
        if not found:
            raise CibgraphError(
                f"no cluster {cluster!r}; `cibgraph query run flagged-clusters -p "
                "include_unflagged=true` lists the clusters of the newest run"
            )
        run_id = found[0]["run_id"]
    rows = graph.query(SELECT_RUN_CYPHER, {"run_id": run_id})
    if not rows:
        if run_id is None:
            raise CibgraphError("no detection run in the graph: run `cibgraph detect` first")
        raise CibgraphError(
            f"no detection run {run_id!r}; `cibgraph query run detection-runs` lists the runs"
        )
    return str(rows[0]["run_id"])


def _ordered(
    info: Mapping[str, dict[str, Any]],
    home: Mapping[str, str],
    clusters: Mapping[str, dict[str, Any]],
    kinds: Mapping[str, str],
) -> list[tuple[str, dict[str, Any]]]:
    """Nodes by cluster index, then unclustered accounts, then pages (so an edge between a
    member and a page is listed member first)."""

    def key(item: tuple[str, dict[str, Any]]) -> tuple[int, int, str]:
        uid, row = item
        cid = home.get(uid) or row["cluster_id"]
        if cid in clusters:
            return (0, clusters[cid]["index"], uid)
        return (1 if kinds[uid] != "Page" else 2, 0, uid)

    return sorted(info.items(), key=key)


def _chunked_query(
    graph: Graph, cypher: str, name: str, values: list[str], **params: Any
) -> Iterator[dict[str, Any]]:
    for start in range(0, len(values), CHUNK):
        yield from graph.stream(cypher, {**params, name: values[start : start + CHUNK]})


def _node_info(graph: Graph, run: str, kinds: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Label, activity and cluster in ``run`` of every uid (sorted by uid)."""
    found: dict[str, dict[str, Any]] = {}
    for label, cypher in NODE_INFO_CYPHER.items():
        uids = sorted(u for u, k in kinds.items() if k == label)
        for row in _chunked_query(graph, cypher, "uids", uids, run_id=run):
            found.setdefault(row["uid"], row)
    info = {}
    for uid in sorted(kinds):
        row = found.get(uid, {})
        info[uid] = {
            "label": row.get("label") or uid,
            "posts": row.get("posts") or 0,
            "first_seen": row.get("first_seen"),
            "last_seen": row.get("last_seen"),
            "cluster_id": row.get("cluster_id"),
        }
    return info


def _add_page_links(
    graph: Graph, G: nx.Graph, links: list[dict[str, Any]], home: Mapping[str, str]
) -> None:
    """Tie each (cluster, page) RUNS/AMPLIFIES link to the members behind it."""
    if not links:
        return
    pages = sorted({row["page"] for row in links})
    domains = {
        row["page"]: set(row["domains"])
        for row in _chunked_query(graph, PAGE_DOMAINS_CYPHER, "pages", pages)
    }
    members_of: dict[str, list[str]] = defaultdict(list)
    for uid, cid in home.items():
        members_of[cid].append(uid)
    linked = sorted({u for row in links for u in members_of[row["cluster_id"]]})
    all_domains = sorted(set().union(*domains.values())) if domains else []
    shares: dict[str, Counter[str]] = defaultdict(Counter)  # member -> domain -> links
    if all_domains:
        for row in _chunked_query(
            graph, MEMBER_DOMAINS_CYPHER, "uids", linked, domains=all_domains
        ):
            shares[row["uid"]][row["domain"]] += int(row["shares"])
    admins: dict[str, set[str]] = defaultdict(set)
    for row in _chunked_query(graph, PAGE_ADMINS_CYPHER, "pages", pages):
        admins[row["page"]].add(row["uid"])

    for row in sorted(links, key=lambda r: (r["cluster_id"], r["page"], r["link"])):
        page, link, members = row["page"], row["link"], sorted(members_of[row["cluster_id"]])
        ties: dict[str, float] = {}
        if link == "AMPLIFIES":
            for uid in members:
                n = sum(shares[uid][d] for d in domains.get(page, ()))
                if n:
                    ties[uid] = float(n)
        else:
            ties = {uid: 1.0 for uid in members if uid in admins[page]}
        if not ties and members:
            top = min(members, key=lambda u: (-G.degree(u), u))
            ties = {top: float(row["shares"] or 1)}
        for uid, weight in ties.items():
            _add_page_edge(G, uid, page, link, weight)


def _add_page_edge(G: nx.Graph, uid: str, page: str, link: str, weight: float) -> None:
    if G.has_edge(uid, page):  # a member who both runs and amplifies the page
        data = G.edges[uid, page]
        relations = sorted({*data["relation"].split(","), link})
        data["relation"] = ",".join(relations)
        data["signal"] = ",".join(r.lower() for r in relations)
        data["weight"] = max(data["weight"], weight)
        return
    G.add_edge(uid, page, relation=link, weight=weight, signal=link.lower())


# -- the property graph ----------------------------------------------------------------


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


# -- writers ---------------------------------------------------------------------------

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
#: Keys GEXF carries as XML attributes (or networkx reserves), never as attvalues.
RESERVED = frozenset({"id", "pid", "label", "start", "end", "weight", "viz", "type"})


def _column_type(values: Iterable[Any]) -> str:
    """The GEXF attribute type of a column of values (None ignored)."""
    seen = {type(v) for v in values if v is not None}
    if not seen:
        return "string"
    if seen == {bool}:
        return "boolean"
    if seen == {int}:
        big = any(abs(v) > 2**31 - 1 for v in values if v is not None)
        return "long" if big else "integer"
    if seen <= {int, float}:
        return "double"
    return "string"


def _text(value: Any, kind: str) -> str:
    """A value as GEXF/GraphML text for a column of type ``kind``."""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    if kind in ("integer", "long"):
        return str(int(value))
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def iso_time(epoch: float) -> str:
    """Epoch seconds as a GEXF ``dateTime`` (xs:dateTime, UTC): ``2019-08-13T10:00:00Z``."""
    moment = dt.datetime.fromtimestamp(float(epoch), dt.UTC)
    text = moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def _number(value: Any) -> str:
    return (
        str(value) if isinstance(value, int) and not isinstance(value, bool) else repr(float(value))
    )


def _columns(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Attribute name -> GEXF type, in first-appearance order, reserved names left out."""
    values: dict[str, list[Any]] = {}
    for data in items:
        for key, value in data.items():
            if key not in RESERVED:
                values.setdefault(key, []).append(value)
    return {key: _column_type(vals) for key, vals in values.items()}


def _colour(G: nx.Graph, data: Mapping[str, Any]) -> tuple[int, int, int]:
    if G.graph.get("kind") == "property":
        return KIND_COLOURS.get(str(data.get("kind")), UNCLUSTERED)
    return cluster_colour(data.get("cluster"))


def write_gexf(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GEXF 1.3 with the viz module, for Gephi.

    ``<graph mode="dynamic" timeformat="dateTime">``: a node's ``start``/``end`` are its
    ``first_seen``/``last_seen`` as ISO times in UTC (``2019-08-13T10:00:00Z``; the
    attributes keep the epoch seconds), so Gephi's timeline plays the activity in dates;
    nodes without activity are always present. Node and edge attributes are declared with
    types (string, integer/long, double, boolean); ``label`` becomes the node label and an
    edge's ``weight`` the GEXF weight. ``viz:color`` by cluster (fixed palette, grey
    outside clusters; by kind for the property graph), ``viz:size`` by degree.
    """
    path = Path(path)
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    ET.register_namespace("xsi", XSI_NS)

    def g(tag: str) -> str:
        return f"{{{GEXF_NS}}}{tag}"

    def v(tag: str) -> str:
        return f"{{{VIZ_NS}}}{tag}"

    root = ET.Element(
        g("gexf"),
        {
            "version": "1.3",
            f"{{{XSI_NS}}}schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd",
        },
    )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    meta = ET.SubElement(root, g("meta"), {"lastmodifieddate": today})
    ET.SubElement(meta, g("creator")).text = "cibgraph"
    ET.SubElement(meta, g("description")).text = _description(G)
    graph_el = ET.SubElement(
        root,
        g("graph"),
        {
            "defaultedgetype": "directed" if G.is_directed() else "undirected",
            "mode": "dynamic",
            "timeformat": "dateTime",
        },
    )
    node_cols = _columns(data for _, data in G.nodes(data=True))
    edge_cols = _columns(data for *_, data in G.edges(data=True))
    for cls, cols in (("node", node_cols), ("edge", edge_cols)):
        attrs = ET.SubElement(graph_el, g("attributes"), {"class": cls, "mode": "static"})
        for name, kind in cols.items():
            ET.SubElement(attrs, g("attribute"), {"id": name, "title": name, "type": kind})

    nodes_el = ET.SubElement(graph_el, g("nodes"), {"count": str(G.number_of_nodes())})
    for node, data in G.nodes(data=True):
        attrib = {"id": str(node), "label": str(data.get("label") or node)}
        first, last = data.get("first_seen"), data.get("last_seen")
        if first is not None:
            attrib["start"] = iso_time(first)
        if last is not None:
            attrib["end"] = iso_time(last)
        node_el = ET.SubElement(nodes_el, g("node"), attrib)
        _attvalues(node_el, g, data, node_cols)
        r, gr, b = _colour(G, data)
        ET.SubElement(node_el, v("color"), {"r": str(r), "g": str(gr), "b": str(b)})
        degree = data.get("degree")
        size = node_size(degree if isinstance(degree, int) else G.degree(node))
        ET.SubElement(node_el, v("size"), {"value": repr(size)})

    edges_el = ET.SubElement(graph_el, g("edges"), {"count": str(G.number_of_edges())})
    for i, (u, w, data) in enumerate(G.edges(data=True)):
        attrib = {"id": str(i), "source": str(u), "target": str(w)}
        if data.get("weight") is not None:
            attrib["weight"] = _number(data["weight"])
        edge_el = ET.SubElement(edges_el, g("edge"), attrib)
        _attvalues(edge_el, g, data, edge_cols)

    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)
    return path


def _attvalues(
    element: ET.Element, g: Any, data: Mapping[str, Any], columns: Mapping[str, str]
) -> None:
    present = [(k, data[k]) for k in columns if data.get(k) is not None]
    if present:
        box = ET.SubElement(element, g("attvalues"))
        for key, value in present:
            ET.SubElement(box, g("attvalue"), {"for": key, "value": _text(value, columns[key])})


def _description(G: nx.Graph) -> str:
    if G.graph.get("kind") == "property":
        return "cibgraph property graph: accounts, pages, groups, posts, urls, domains, hashtags"
    text = f"cibgraph coordination graph of detection run {G.graph.get('run_id')}"
    if G.graph.get("cluster"):
        text += f", cluster {G.graph['cluster']} and its neighbours"
    return text


def _serialisable(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` GraphML can hold: no None values, lists comma-joined, and one type
    per attribute (ints mixed with floats become floats, anything else mixed becomes text)."""
    H = G.copy()
    H.graph = {k: v for k, v in G.graph.items() if v is not None}
    for items in (
        [data for _, data in H.nodes(data=True)],
        [data for *_, data in H.edges(data=True)],
    ):
        for data in items:
            for key, value in list(data.items()):
                if value is None:
                    del data[key]
                elif isinstance(value, list | tuple):
                    data[key] = ",".join(str(x) for x in value)
        columns: dict[str, list[Any]] = defaultdict(list)
        for data in items:
            for key, value in data.items():
                columns[key].append(value)
        cast = {"double": float, "string": str}
        for key, values in columns.items():
            to = cast.get(_column_type(values))
            if to is not None:
                for data in items:
                    if key in data:
                        data[key] = to(data[key])
    return H


def write_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GraphML (networkx's writer; None dropped, lists comma-joined)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(_serialisable(G), path)
    return path


def write_csv(G: nx.Graph, folder: str | Path) -> Path:
    """Write ``nodes.csv`` (id, label, attributes) and ``edges.csv`` (source, target, type,
    weight, attributes) into ``folder``: the column names Gephi's spreadsheet import knows."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    node_cols = [c for c in _columns(d for _, d in G.nodes(data=True)) if c != "label"]
    with open(folder / "nodes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "label", *(safe_cell(c) for c in node_cols)])
        for node, data in G.nodes(data=True):
            values = [node, data.get("label", node), *(data.get(c) for c in node_cols)]
            writer.writerow([csv_cell(v) for v in values])
    edge_cols = list(_columns(d for *_, d in G.edges(data=True)))
    kind = "directed" if G.is_directed() else "undirected"
    with open(folder / "edges.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["source", "target", "type", "weight", *(safe_cell(c) for c in edge_cols)])
        for u, w, data in G.edges(data=True):
            values = [u, w, kind, data.get("weight"), *(data.get(c) for c in edge_cols)]
            writer.writerow([csv_cell(v) for v in values])
    return folder


WRITERS = {"gexf": write_gexf, "graphml": write_graphml, "csv": write_csv}


# -- one call ----------------------------------------------------------------------------


def snapshot(
    graph: Graph,
    run_id: str | None = None,
    cluster: str | int | None = None,
    full: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> nx.Graph:
    """The graph an export writes: the property graph with ``full``, else a run's
    coordination graph."""
    if full:
        if run_id is not None or cluster is not None:
            raise CibgraphError(
                "--full exports the whole property graph; it takes no --run or --cluster"
            )
        return property_graph(graph, limit)
    return coordination_graph(graph, run_id, cluster)


def write(G: nx.Graph, out: str | Path, fmt: str = "gexf") -> Path:
    """Write ``G`` to ``out`` (a file; a folder for csv) in ``fmt``."""
    if fmt not in WRITERS:
        raise CibgraphError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    out = Path(out)
    if fmt != "csv" and out.is_dir():
        raise CibgraphError(f"{out} is a directory; give a file name like snapshot.{fmt}")
    if fmt == "csv" and out.exists() and not out.is_dir():
        raise CibgraphError(f"{out} is a file; csv writes nodes.csv and edges.csv into a folder")
    return WRITERS[fmt](G, out)


def export(
    graph: Graph,
    out: str | Path,
    fmt: str = "gexf",
    run_id: str | None = None,
    cluster: str | int | None = None,
    full: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> Path:
    """Build the snapshot (:func:`snapshot`) and write it (:func:`write`); returns the path
    written (the folder for csv)."""
    if fmt not in WRITERS:
        raise CibgraphError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return write(snapshot(graph, run_id, cluster, full, limit), out, fmt)
