"""GEXF 1.3, written by our own code (networkx writes only 1.1draft/1.2draft; Gephi reads
1.3 natively): colours from the one palette, sizes by degree, a dateTime timeline."""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from cibgraph.palette import KIND_COLOURS, UNCLUSTERED, cluster_colour
from cibgraph.snapshot.columns import attribute_columns

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def node_size(degree: int) -> float:
    """The GEXF ``viz:size``: 5 + 5 * sqrt(degree), so hubs stand out without swamping."""
    return round(5.0 + 5.0 * math.sqrt(max(degree, 0)), 3)


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
    node_cols = attribute_columns(data for _, data in G.nodes(data=True))
    edge_cols = attribute_columns(data for *_, data in G.edges(data=True))
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
