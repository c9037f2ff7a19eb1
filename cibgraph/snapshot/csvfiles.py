"""Nodes and edges as two CSV files, with the column names Gephi's spreadsheet import
knows; every cell made safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

from cibgraph.output import csv_cell, safe_cell
from cibgraph.snapshot.columns import attribute_columns


def write_csv(G: nx.Graph, folder: str | Path) -> Path:
    """Write ``nodes.csv`` (id, label, attributes) and ``edges.csv`` (source, target, type,
    weight, attributes) into ``folder``: the column names Gephi's spreadsheet import knows."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    node_cols = [c for c in attribute_columns(d for _, d in G.nodes(data=True)) if c != "label"]
    with open(folder / "nodes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "label", *(safe_cell(c) for c in node_cols)])
        for node, data in G.nodes(data=True):
            values = [node, data.get("label", node), *(data.get(c) for c in node_cols)]
            writer.writerow([csv_cell(v) for v in values])
    edge_cols = list(attribute_columns(d for *_, d in G.edges(data=True)))
    kind = "directed" if G.is_directed() else "undirected"
    with open(folder / "edges.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["source", "target", "type", "weight", *(safe_cell(c) for c in edge_cols)])
        for u, w, data in G.edges(data=True):
            values = [u, w, kind, data.get("weight"), *(data.get(c) for c in edge_cols)]
            writer.writerow([csv_cell(v) for v in values])
    return folder
