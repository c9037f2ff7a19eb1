"""Gephi snapshots (cibgraph/snapshot, `cibgraph export`) on the hand-built query world.

The world (tests/query_world.py) has two detection runs; the newest, r2, has clusters
r2:0 = c1..c4 (flagged, AMPLIFIES p1), r2:1 = amp1..amp3 (flagged, AMPLIFIES p2) and
r2:2 = o1..o3 (not flagged), and the 9 COORDINATED_WITH edges of query_world.COORDINATED.
GEXF files are validated against tests/schemas/gexf-1.3-subset (see its README).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import query_world
from helpers import read_gexf, run_cli
from lxml import etree

from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph
from cibgraph.snapshot import (
    PALETTE,
    UNCLUSTERED,
    coordination_graph,
    export,
    iso_time,
    property_graph,
    write,
    write_csv,
    write_gexf,
    write_graphml,
)

SCHEMA = Path(__file__).parent / "schemas" / "gexf-1.3-subset" / "gexf.xsd"
GEXF = "{http://gexf.net/1.3}"
T0 = int(query_world.T0.timestamp())  # 1565690400

CORE = ["c1", "c2", "c3", "c4"]
AMPLIFIERS = ["amp1", "amp2", "amp3"]
ORGANIC = ["o1", "o2", "o3"]
ACCOUNTS = {f"twitter:{a}" for a in CORE + AMPLIFIERS + ORGANIC}
PAGES = {"facebook:p1", "facebook:p2"}
COORDINATION = {
    frozenset((f"twitter:{a}", f"twitter:{b}")): float(w) for a, b, w in query_world.COORDINATED
}
# member -> page edges: each member's links to the page's domain (p1: hktruthdaily.example,
# U1 and U3; p2: hkvoicenews.example, U2)
PAGE_LINKS = {
    frozenset(("twitter:c1", "facebook:p1")): 2.0,
    frozenset(("twitter:c2", "facebook:p1")): 2.0,
    frozenset(("twitter:c3", "facebook:p1")): 2.0,
    frozenset(("twitter:c4", "facebook:p1")): 1.0,
    frozenset(("twitter:amp1", "facebook:p2")): 1.0,
}


WORLD_MARKS = {  # what the query world holds, checked before reusing the graph
    "MATCH (a:Account) RETURN count(a) AS n": len(query_world.ACCOUNTS),
    "MATCH (p:Post) RETURN count(p) AS n": len(query_world.POSTS),
    "MATCH (k:Cluster) RETURN count(k) AS n": 4,
    "MATCH ()-[c:COORDINATED_WITH]->() RETURN count(c) AS n": len(query_world.COORDINATED),
}


@pytest.fixture
def world(session_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The query world, built once and rebuilt whenever the graph is not exactly it (these
    tests only read; another test may have emptied or changed the graph)."""
    for cypher, expected in WORLD_MARKS.items():
        rows = session_graph.query(cypher)
        if not rows or rows[0]["n"] != expected:
            query_world.build(session_graph, tmp_path_factory.mktemp("export_world"))
            break
    return session_graph


def edge_weights(G: nx.Graph, relation: str) -> dict[frozenset[str], float]:
    return {
        frozenset((u, v)): d["weight"]
        for u, v, d in G.edges(data=True)
        if d["relation"] == relation
    }


def validate(path: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    doc = etree.parse(str(path))
    assert schema.validate(doc), str(schema.error_log)


def test_coordination_graph_of_the_newest_run(world: Graph) -> None:
    G = coordination_graph(world)
    assert G.graph == {"run_id": "r2", "cluster": None}
    assert set(G.nodes) == ACCOUNTS | PAGES
    assert edge_weights(G, "COORDINATED_WITH") == COORDINATION
    assert edge_weights(G, "AMPLIFIES") == PAGE_LINKS
    assert G.number_of_edges() == 9 + 5
    assert {G.edges[e]["signal"] for e in COORDINATION} == {"co_url"}
    assert G.edges["twitter:c4", "facebook:p1"]["signal"] == "amplifies"

    assert G.nodes["twitter:c1"] == {
        "label": "patriot_hk01",
        "uid": "twitter:c1",
        "kind": "Account",
        "cluster": 0,
        "cluster_id": "r2:0",
        "flagged": True,
        "score": 0.95,
        "role": "flagged",
        "degree": 3,
        "posts": 4,
        "first_seen": T0 + 10,
        "last_seen": T0 + 20000,
    }
    o1 = G.nodes["twitter:o1"]
    assert (o1["cluster_id"], o1["role"], o1["flagged"], o1["score"], o1["degree"]) == (
        "r2:2",
        "member",
        False,
        0.1,
        0,
    )
    amp1 = G.nodes["twitter:amp1"]
    assert (amp1["cluster"], amp1["degree"], amp1["first_seen"]) == (1, 4, T0 + 3720)
    p1 = G.nodes["facebook:p1"]
    assert (p1["label"], p1["kind"], p1["role"], p1["cluster"], p1["flagged"]) == (
        "HK Truth Daily 香港真相日報",
        "Page",
        "page",
        None,
        False,
    )
    assert (p1["degree"], p1["first_seen"], p1["last_seen"]) == (4, T0, T0)
    # members come first (by cluster), pages last: member -> page edges read that way
    assert list(G.nodes)[:4] == [f"twitter:{a}" for a in CORE]
    assert list(G.nodes)[-2:] == sorted(PAGES)


def test_an_older_run_by_id(world: Graph) -> None:
    G = coordination_graph(world, run_id="r1")
    assert G.graph["run_id"] == "r1"
    assert set(G.nodes) == {"twitter:o1", "twitter:o2"}
    assert G.number_of_edges() == 0  # the COORDINATED_WITH edges belong to r2
    assert {G.nodes[n]["cluster_id"] for n in G} == {"r1:0"}
    assert {G.nodes[n]["score"] for n in G} == {0.9}


def test_one_cluster_and_its_neighbours(world: Graph) -> None:
    G = coordination_graph(world, cluster="r2:0")
    assert G.graph == {"run_id": "r2", "cluster": "r2:0"}
    assert set(G.nodes) == {f"twitter:{a}" for a in [*CORE, "amp1", "amp2"]} | {"facebook:p1"}
    # edges touching the cluster; amp1-amp2 belongs to the other cluster
    assert edge_weights(G, "COORDINATED_WITH") == {
        pair: w for pair, w in COORDINATION.items() if pair & {f"twitter:{a}" for a in CORE}
    }
    assert len(edge_weights(G, "COORDINATED_WITH")) == 6
    assert edge_weights(G, "AMPLIFIES") == {
        pair: w for pair, w in PAGE_LINKS.items() if "facebook:p1" in pair
    }
    # neighbours keep their own cluster
    assert G.nodes["twitter:amp1"]["cluster_id"] == "r2:1"
    assert G.nodes["twitter:amp1"]["role"] == "flagged"
    assert G.nodes["twitter:c4"]["degree"] == 4  # c3, amp1, amp2, p1

    by_index = coordination_graph(world, cluster=0)
    assert set(by_index.nodes) == set(G.nodes)
    assert set(coordination_graph(world, cluster="r1:0").nodes) == {"twitter:o1", "twitter:o2"}
    with pytest.raises(CibgraphError, match=r"no cluster '7' in detection run r2"):
        coordination_graph(world, cluster="7")
    with pytest.raises(CibgraphError, match=r"no detection run 'r9'"):
        coordination_graph(world, run_id="r9")


def test_gexf_is_valid_1_3_with_colours_sizes_and_timeline(world: Graph, tmp_path: Path) -> None:
    path = write_gexf(coordination_graph(world), tmp_path / "run.gexf")
    validate(path)

    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    assert root.nsmap == {
        None: "http://gexf.net/1.3",
        "viz": "http://gexf.net/1.3/viz",
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    }
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == (
        "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    )
    meta = root.find(f"{GEXF}meta")
    assert meta.findtext(f"{GEXF}creator") == "cibgraph"
    assert meta.findtext(f"{GEXF}description") == (
        "cibgraph coordination graph of detection run r2"
    )
    today = dt.datetime.now(dt.UTC).date()
    assert dt.date.fromisoformat(meta.get("lastmodifieddate")) in {
        today,
        today - dt.timedelta(days=1),
    }
    graph_el = root.find(f"{GEXF}graph")
    assert dict(graph_el.attrib) == {
        "defaultedgetype": "undirected",
        "mode": "dynamic",
        "timeformat": "dateTime",
    }
    declared = {
        (a.getparent().get("class"), a.get("title")): a.get("type")
        for a in graph_el.iter(f"{GEXF}attribute")
    }
    assert declared == {
        ("node", "uid"): "string",
        ("node", "kind"): "string",
        ("node", "cluster"): "integer",
        ("node", "cluster_id"): "string",
        ("node", "flagged"): "boolean",
        ("node", "score"): "double",
        ("node", "role"): "string",
        ("node", "degree"): "integer",
        ("node", "posts"): "integer",
        ("node", "first_seen"): "integer",
        ("node", "last_seen"): "integer",
        ("edge", "relation"): "string",
        ("edge", "signal"): "string",
    }
    c1 = graph_el.find(f"{GEXF}nodes/{GEXF}node[@id='twitter:c1']")
    assert (c1.get("label"), c1.get("start"), c1.get("end")) == (
        "patriot_hk01",
        iso_time(T0 + 10),
        iso_time(T0 + 20000),
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c1.get("start"))

    # networkx 3.6 reads GEXF 1.3 (it tries every version it knows)
    R = read_gexf(path)
    assert isinstance(R, nx.Graph) and not R.is_directed()
    assert R.number_of_nodes() == 12 and R.number_of_edges() == 14
    assert set(R.nodes) == ACCOUNTS | PAGES
    assert {frozenset((u, v)): d["weight"] for u, v, d in R.edges(data=True)} == (
        COORDINATION | PAGE_LINKS
    )
    assert R.edges["twitter:c1", "twitter:c2"]["signal"] == "co_url"
    assert R.edges["twitter:c1", "facebook:p1"]["relation"] == "AMPLIFIES"
    node = R.nodes["twitter:c1"]
    assert (node["label"], node["cluster"], node["flagged"], node["score"]) == (
        "patriot_hk01",
        0,
        True,
        0.95,
    )
    assert (node["start"], node["end"]) == (iso_time(T0 + 10), iso_time(T0 + 20000))
    assert node["viz"]["size"] == pytest.approx(5 + 5 * math.sqrt(3), abs=1e-3)
    assert "cluster" not in R.nodes["facebook:p1"]  # no attvalue outside a cluster

    colours: dict[object, set[tuple[int, int, int]]] = {}
    for _, data in R.nodes(data=True):
        c = data["viz"]["color"]
        colours.setdefault(data.get("cluster"), set()).add((c["r"], c["g"], c["b"]))
    assert colours == {
        0: {PALETTE[0]},
        1: {PALETTE[1]},
        2: {PALETTE[2]},
        None: {UNCLUSTERED},
    }
    assert PALETTE[:3] == ((31, 119, 180), (255, 127, 14), (44, 160, 44))


def test_the_schema_catches_broken_gexf(world: Graph, tmp_path: Path) -> None:
    path = write_gexf(coordination_graph(world, cluster="r2:1"), tmp_path / "ok.gexf")
    validate(path)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    doc = etree.parse(str(path))
    colour = doc.find(".//{http://gexf.net/1.3/viz}color")
    colour.set("r", "300")
    assert not schema.validate(doc)
    assert "color-channel" in str(schema.error_log) or "300" in str(schema.error_log)


def test_graphml_reads_back_the_same_graph(world: Graph, tmp_path: Path) -> None:
    G = coordination_graph(world)
    path = write_graphml(G, tmp_path / "run.graphml")
    R = nx.read_graphml(path)
    assert set(R.nodes) == set(G.nodes)
    assert {frozenset((u, v)): d["weight"] for u, v, d in R.edges(data=True)} == (
        COORDINATION | PAGE_LINKS
    )
    assert R.nodes["twitter:c1"]["cluster"] == 0 and R.nodes["twitter:c1"]["flagged"] is True
    assert R.nodes["twitter:c1"]["first_seen"] == T0 + 10
    assert "cluster" not in R.nodes["facebook:p1"]  # None is left out, not written
    assert R.graph["run_id"] == "r2" and "cluster" not in R.graph

    # the one-call API: same file
    again = export(world, tmp_path / "again.graphml", fmt="graphml")
    assert again == tmp_path / "again.graphml"
    assert set(nx.read_graphml(again).nodes) == set(G.nodes)


def test_csv_nodes_and_edges(world: Graph, tmp_path: Path) -> None:
    folder = write_csv(coordination_graph(world), tmp_path / "csv")
    with open(folder / "nodes.csv", encoding="utf-8") as f:
        nodes = list(csv.DictReader(f))
    with open(folder / "edges.csv", encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    assert list(nodes[0]) == [
        "id",
        "label",
        "uid",
        "kind",
        "cluster",
        "cluster_id",
        "flagged",
        "score",
        "role",
        "degree",
        "posts",
        "first_seen",
        "last_seen",
    ]
    assert len(nodes) == 12
    assert nodes[0] == {
        "id": "twitter:c1",
        "label": "patriot_hk01",
        "uid": "twitter:c1",
        "kind": "Account",
        "cluster": "0",
        "cluster_id": "r2:0",
        "flagged": "true",
        "score": "0.95",
        "role": "flagged",
        "degree": "3",
        "posts": "4",
        "first_seen": str(T0 + 10),
        "last_seen": str(T0 + 20000),
    }
    with pytest.raises(CibgraphError, match=r"is a file; csv writes nodes\.csv"):
        write(coordination_graph(world), folder / "nodes.csv", "csv")
    with pytest.raises(CibgraphError, match="is a directory; give a file name"):
        write(coordination_graph(world), folder, "gexf")
    p2 = next(r for r in nodes if r["id"] == "facebook:p2")
    assert (p2["cluster"], p2["score"], p2["role"], p2["flagged"]) == ("", "", "page", "false")
    assert list(edges[0]) == ["source", "target", "type", "weight", "relation", "signal"]
    assert len(edges) == 14
    assert {
        (r["source"], r["target"], r["weight"], r["relation"])
        for r in edges
        if r["signal"] != "co_url"
    } == {
        ("twitter:c1", "facebook:p1", "2.0", "AMPLIFIES"),
        ("twitter:c2", "facebook:p1", "2.0", "AMPLIFIES"),
        ("twitter:c3", "facebook:p1", "2.0", "AMPLIFIES"),
        ("twitter:c4", "facebook:p1", "1.0", "AMPLIFIES"),
        ("twitter:amp1", "facebook:p2", "1.0", "AMPLIFIES"),
    }
    assert {r["type"] for r in edges} == {"undirected"}


def test_full_property_graph(world: Graph, tmp_path: Path) -> None:
    P = property_graph(world)
    assert isinstance(P, nx.MultiDiGraph)
    assert Counter(kind for _, kind in P.nodes(data="kind")) == {
        "Account": 16,
        "Page": 8,
        "Group": 1,
        "Post": 26,
        "Url": 3,
        "Domain": 2,
        "Hashtag": 3,
    }
    assert Counter(rel for *_, rel in P.edges(data="relation")) == {
        "POSTED": 24,
        "TAGS": 15,
        "ADMINISTERS": 12,
        "LINKS_TO": 11,
        "COORDINATED_WITH": 9,
        "FOLLOWS": 9,
        "REPOST_OF": 6,
        "ON_DOMAIN": 3,
        "MEMBER_OF": 2,
        "POSTED_IN": 2,
    }
    c1 = P.nodes["Account:twitter:c1"]
    assert (c1["label"], c1["platform_id"], c1["created_at"]) == (
        "patriot_hk01",
        "c1",
        "2019-06-01T10:00:00Z",
    )
    assert P.nodes["Page:facebook:p1"]["labels"] == "Page,NewsLike"
    assert P.nodes["Post:twitter:s1"]["first_seen"] == T0 + 10
    assert P.nodes["Hashtag:hongkong"]["label"] == "#hongkong"
    assert P.has_edge("Url:" + query_world.U1, "Domain:hktruthdaily.example")

    path = write_gexf(P, tmp_path / "full.gexf")
    validate(path)
    R = read_gexf(path)
    assert R.is_directed() and R.number_of_nodes() == 59 and R.number_of_edges() == 93
    colour = R.nodes["Account:twitter:c1"]["viz"]["color"]
    assert (colour["r"], colour["g"], colour["b"]) == (31, 119, 180)  # accounts blue
    assert R.nodes["Post:twitter:s1"]["start"] == iso_time(T0 + 10)
    assert set(nx.read_graphml(write_graphml(P, tmp_path / "full.graphml")).nodes) == set(P.nodes)

    with pytest.raises(CibgraphError) as refused:
        property_graph(world, limit=10)
    assert "has 59 nodes" in str(refused.value)
    assert "more than the limit of 10" in str(refused.value)


@pytest.mark.slow
def test_cli_export_end_to_end(world: Graph, cli_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "run.gexf"
    proc = run_cli("export", str(out), env=cli_env)
    assert proc.stdout.strip() == f"wrote 12 nodes and 14 edges (run r2) to {out} as gexf"
    validate(out)
    assert read_gexf(out).number_of_edges() == 14

    folder = tmp_path / "cluster0"
    proc = run_cli("export", "--cluster", "r2:0", "--format", "csv", str(folder), env=cli_env)
    assert "wrote 7 nodes and 10 edges (run r2, cluster r2:0)" in proc.stdout
    with open(folder / "nodes.csv", encoding="utf-8") as f:
        assert [r["label"] for r in csv.DictReader(f)] == [
            "patriot_hk01",
            "patriot_hk02",
            "patriot_hk03",
            "patriot_hk04",
            "JohnSmith12345678",
            "MaryLee87654321",
            "HK Truth Daily 香港真相日報",
        ]

    graphml = tmp_path / "old.graphml"
    run_cli("export", "--run", "r1", "--format", "graphml", str(graphml), env=cli_env)
    assert set(nx.read_graphml(graphml).nodes) == {"twitter:o1", "twitter:o2"}

    full = tmp_path / "full.gexf"
    proc = run_cli("export", "--full", str(full), env=cli_env)
    assert proc.stdout.strip() == f"wrote 59 nodes and 93 edges (property graph) to {full} as gexf"
    validate(full)

    refused = run_cli(
        "export", "--full", "--limit", "10", str(tmp_path / "no.gexf"), env=cli_env, check=False
    )
    assert refused.returncode == 1
    assert "has 59 nodes" in refused.stderr and "limit of 10" in refused.stderr
    assert not (tmp_path / "no.gexf").exists()
    mixed = run_cli(
        "export", "--full", "--run", "r2", str(tmp_path / "x.gexf"), env=cli_env, check=False
    )
    assert mixed.returncode == 1 and "takes no --run or --cluster" in mixed.stderr

    help_text = run_cli("export", "--help", env=cli_env).stdout
    assert "cibgraph export --cluster 0 cluster0.gexf" in help_text


@pytest.mark.slow
def test_cli_export_without_a_detection_run(
    graph: Graph, cli_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "run.gexf"
    proc = run_cli("export", str(out), env=cli_env, check=False)
    assert proc.returncode == 1
    assert "no detection run in the graph: run `cibgraph detect` first" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    with pytest.raises(CibgraphError, match="run `cibgraph detect` first"):
        coordination_graph(graph)
