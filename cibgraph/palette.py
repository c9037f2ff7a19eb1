"""One colour per cluster, everywhere: the report's pictures, its HTML and the Gephi files.

Cluster index ``i`` of a run gets ``PALETTE[i % 12]`` (matplotlib's tab10 without its
grey, then tab20's light tones), so cluster 1 is the same orange in the coordination
picture, the activity chart, the interactive graph, the tables and ``graph.gexf``.
"""

from __future__ import annotations

PALETTE: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
)
#: Nodes in no cluster of the run (neighbours outside it, amplified pages).
UNCLUSTERED: tuple[int, int, int] = (160, 160, 160)


def cluster_colour(index: int | None) -> tuple[int, int, int]:
    """The colour of a cluster index as (r, g, b); grey for None."""
    return UNCLUSTERED if index is None else PALETTE[index % len(PALETTE)]


def cluster_hex(index: int | None) -> str:
    """The colour of a cluster index as ``#rrggbb``; grey for None."""
    return "#{:02x}{:02x}{:02x}".format(*cluster_colour(index))


KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "Account": (31, 119, 180),
    "Page": (255, 127, 14),
    "Group": (44, 160, 44),
    "Post": (199, 199, 199),
    "Url": (148, 103, 189),
    "Domain": (214, 39, 40),
    "Hashtag": (23, 190, 207),
}
