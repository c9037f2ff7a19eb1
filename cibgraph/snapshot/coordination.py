"""A detection run's coordination graph: the accounts (and pages) of its clusters, their
``COORDINATED_WITH`` edges, and the news-like pages the flagged clusters run or amplify."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph

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
