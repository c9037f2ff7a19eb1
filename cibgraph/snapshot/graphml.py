"""GraphML, by networkx's writer, from a copy it can hold."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from cibgraph.snapshot.columns import column_type


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
            to = cast.get(column_type(values))
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
