"""The report's pictures, as PNG bytes (matplotlib, Agg backend: no display needed).

* the coordination graph, coloured by cluster (flagged clusters first, a bounded sample);
  a flagged cluster has its colour of :mod:`cibgraph.palette` (as in the HTML and the
  Gephi files), the unflagged ones are grey;
* activity over time of flagged clusters against the rest of the graph (the baseline);
* account creation dates, flagged against the rest.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from cibgraph.palette import cluster_hex

GREY = "#c7c7c7"


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def coordination_graph(result: Any, max_nodes: int = 600, seed: int = 42) -> bytes | None:
    """Spring layout of the combined coordination graph: flagged clusters' members (a
    sample if large) plus a sample of unflagged ones; colour = cluster."""
    combined, membership = result.combined, result.membership
    if combined is None or len(combined) == 0:
        return None
    rng = random.Random(seed)
    flagged = [c.index for c in result.flagged]
    chosen: set[int] = set()
    by_cluster: dict[int, list[int]] = {}
    for actor, cluster in membership.items():
        by_cluster.setdefault(cluster, []).append(actor)
    per_cluster = max(20, max_nodes // max(1, len(by_cluster)))
    for cluster in sorted(by_cluster, key=lambda c: (c not in flagged, c)):
        members = sorted(by_cluster[cluster])
        rng.shuffle(members)
        chosen.update(members[:per_cluster])
        if len(chosen) >= max_nodes:
            break
    g = nx.Graph()
    for u, v, w in zip(
        combined.u.tolist(), combined.v.tolist(), combined.weight.tolist(), strict=True
    ):
        if u in chosen and v in chosen:
            g.add_edge(u, v, weight=w)
    if g.number_of_nodes() == 0:
        return None
    pos = nx.spring_layout(g, seed=seed, weight="weight", iterations=60)
    colour = {c: cluster_hex(c) for c in flagged}
    fig, ax = plt.subplots(figsize=(9, 7))
    nx.draw_networkx_edges(g, pos, ax=ax, alpha=0.15, width=0.5)
    nodes = list(g.nodes)
    nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=nodes,
        ax=ax,
        node_size=18,
        node_color=[colour.get(membership.get(n), GREY) for n in nodes],
    )
    for cluster, c in colour.items():
        ax.scatter([], [], color=c, label=f"cluster {cluster} (flagged)")
    ax.scatter([], [], color=GREY, label="not flagged")
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_title("Coordination graph (sample), coloured by cluster")
    ax.axis("off")
    return _png(fig)


def activity_timeline(result: Any) -> bytes | None:
    """Posts per day: each flagged cluster against everyone else (the baseline)."""
    acts = result.actions
    if acts is None or len(acts.post_ts) == 0:
        return None
    ts = np.asarray(acts.post_ts, dtype=np.int64)
    actor = np.asarray(acts.post_actor, dtype=np.int64)
    lookup = np.full(acts.actor_count, -1, dtype=np.int64)
    for a, c in result.membership.items():
        lookup[a] = c
    cluster = lookup[actor]
    day = (ts // 86400) * 86400
    days = np.unique(day)
    fig, ax = plt.subplots(figsize=(9, 3.8))
    flagged = {c.index for c in result.flagged}
    baseline = ~np.isin(cluster, list(flagged))
    counts = [int(((day == d) & baseline).sum()) for d in days]
    x = [dt.datetime.fromtimestamp(int(d), dt.UTC) for d in days]
    ax.plot(x, counts, color="#555555", label="everyone else (baseline)", linewidth=1.5)
    for c in sorted(flagged):
        mine = cluster == c
        ax.plot(
            x,
            [int(((day == d) & mine).sum()) for d in days],
            linewidth=1,
            color=cluster_hex(c),
            label=f"cluster {c}",
        )
    ax.set_ylabel("posts per day")
    ax.set_title("Activity of flagged clusters against the baseline")
    ax.legend(fontsize=7, ncol=3, frameon=False)
    fig.autofmt_xdate()
    return _png(fig)


def creation_histogram(result: Any) -> bytes | None:
    """Account creation dates: members of flagged clusters against all other accounts."""
    acts = result.actions
    if acts is None or not acts.accounts:
        return None
    flagged = result.flagged_uids()
    inside, outside = [], []
    for uid, account in acts.accounts.items():
        created = account.get("created_at")
        if created is not None:
            (inside if uid in flagged else outside).append(created)
    if not inside and not outside:
        return None
    fig, ax = plt.subplots(figsize=(9, 3.5))
    every = inside + outside
    bins = np.linspace(min(every).timestamp(), max(every).timestamp(), 60)
    ax.hist([d.timestamp() for d in outside], bins=bins, color=GREY, label="other accounts")
    ax.hist(
        [d.timestamp() for d in inside],
        bins=bins,
        color="#d62728",
        alpha=0.8,
        label="flagged clusters",
    )
    ticks = np.linspace(bins[0], bins[-1], 6)
    ax.set_xticks(ticks, [dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m") for t in ticks])
    ax.set_yscale("log")
    ax.set_ylabel("accounts created")
    ax.set_title("Account creation dates")
    ax.legend(fontsize=8, frameon=False)
    return _png(fig)
