"""A detection run against labels that are categories, not operation / organic.

Real releases label their accounts by role (the IRA corpus: RightTroll, LeftTroll,
NewsFeed, HashtagGamer, ...), not by "caught or not". What an analyst asks of the
clusters then is whether they recover those roles:

* **coverage**: the share of the labelled accounts found in the graph that detection put
  in any cluster (a recovered structure that covers 40% of an operation is a finding too);
* **NMI** and **ARI** of the clusters against the categories, over the covered accounts;
* **purity**: the share of the covered accounts whose cluster's largest category is their
  own (each cluster counted by its majority);
* per category: accounts, covered, the cluster most of them are in and the share they
  have there (``concentration``: 60 of 63 hashtag gamers in one cluster = 0.95), and that
  cluster's share of the category (``top_cluster_purity``).

Labels are matched to accounts by uid (``twitter:123``), by ``platform:id``, by a
release's own account key (the IRA per-author ``author_id``), or by handle
(case-insensitive), since releases label by whichever they have.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analytics.communities import adjusted_rand_index, normalized_mutual_info
from analytics.evaluate import LATEST_RUN_CYPHER, MEMBERS_CYPHER
from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph

#: An account's names a labels file may use: uid, handle, and a release's own key (the
#: IRA per-author release's author_id, where two authors can share a handle).
ACCOUNTS_CYPHER = (
    "MATCH (a:Account) RETURN a.uid AS uid, a.handle AS handle, a.ira_author_id AS key"
)
ACTIVE_CYPHER = "MATCH (a:Account) WHERE count { (a)-[:POSTED]->() } > 0 RETURN a.uid AS uid"
#: Id columns tried in this order when ``id_column`` is not given.
ID_COLUMNS = ("uid", "id", "userid", "user_id", "account_id", "author_id", "handle", "author")


@dataclass
class CategoryEvaluation:
    run_id: str
    label_column: str
    labelled: int  # rows of the labels file
    matched: int  # of them, accounts in the graph
    covered: int  # of those, in a cluster of the run
    coverage: float
    active: int  # of the matched, accounts that posted (the only ones a run can place)
    active_coverage: float
    nmi: float
    ari: float
    purity: float
    categories: list[dict[str, Any]] = field(default_factory=list)
    #: cluster x category: per cluster, its labelled members by category
    clusters: list[dict[str, Any]] = field(default_factory=list)
    unmatched_examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_labels(
    path: Path, label_column: str, id_column: str | None = None
) -> list[tuple[str, str]]:
    """(id, category) rows of a CSV labels file; rows with an empty id or label skipped."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            if not header:
                raise CibgraphError(f"{path}: the labels file is empty (no header)")
            if label_column not in header:
                raise CibgraphError(
                    f"{path}: no column {label_column!r} (it has: {', '.join(header)})"
                )
            column = id_column or next((c for c in ID_COLUMNS if c in header), None)
            if column is None or column not in header:
                raise CibgraphError(
                    f"{path}: no id column"
                    + (f" {id_column!r}" if id_column else f" (looked for {', '.join(ID_COLUMNS)})")
                    + "; name one with --id-column"
                )
            rows = [
                (row[column].strip(), row[label_column].strip())
                for row in reader
                if (row.get(column) or "").strip() and (row.get(label_column) or "").strip()
            ]
    except OSError as exc:
        raise CibgraphError(f"cannot read labels file {path}: {exc.strerror}") from None
    if not rows:
        raise CibgraphError(
            f"{path}: no labelled rows (every row needs a value in {column!r} and {label_column!r})"
        )
    return rows


def match_accounts(
    rows: list[tuple[str, str]], accounts: list[dict[str, Any]], platform: str
) -> tuple[dict[str, str], list[str]]:
    """account uid -> category for the rows that name an account; and the ids that
    named none."""
    uids = {a["uid"] for a in accounts}
    by_key = {str(a["key"]).lower(): a["uid"] for a in accounts if a.get("key")}
    by_handle: dict[str, str] = {}
    for a in accounts:
        if a.get("handle"):
            by_handle.setdefault(str(a["handle"]).lower(), a["uid"])
    found: dict[str, str] = {}
    missing: list[str] = []
    for ident, category in rows:
        name = ident.lstrip("@").lower()
        candidates = (ident, f"{platform}:{ident}", by_key.get(name), by_handle.get(name))
        uid = next((c for c in candidates if c in uids), None)
        if uid is None:
            missing.append(ident)
        else:
            found[uid] = category
    return found, missing


def category_scores(membership: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """Coverage, NMI, ARI, purity, the per-category table and the cluster x category
    table (largest first) of clusters (``membership``: uid -> cluster) against categories
    (``labels``: uid -> category)."""
    covered = sorted(u for u in labels if u in membership)
    clusters = [membership[u] for u in covered]
    cats = [labels[u] for u in covered]
    codes = _codes
    nmi = normalized_mutual_info(codes(clusters), codes(cats)) if covered else 0.0
    ari = adjusted_rand_index(codes(clusters), codes(cats)) if covered else 0.0
    by_cluster: dict[Any, Counter[str]] = defaultdict(Counter)
    for cluster, cat in zip(clusters, cats, strict=True):
        by_cluster[cluster][cat] += 1
    majority = sum(c.most_common(1)[0][1] for c in by_cluster.values())
    table = []
    for cat in sorted(set(labels.values())):
        members = [u for u, c in labels.items() if c == cat]
        inside = Counter(membership[u] for u in members if u in membership)
        n_in = sum(inside.values())
        top, top_n = inside.most_common(1)[0] if inside else (None, 0)
        table.append(
            {
                "category": cat,
                "accounts": len(members),
                "covered": n_in,
                "coverage": round(n_in / len(members), 4) if members else 0.0,
                "top_cluster": top,
                "concentration": round(top_n / n_in, 4) if n_in else 0.0,
                "top_cluster_purity": (
                    round(top_n / sum(by_cluster[top].values()), 4) if top is not None else 0.0
                ),
            }
        )
    every = sorted(set(labels.values()))
    crosstab = [
        {"cluster": cluster, "labelled": sum(counts.values()), **{c: counts[c] for c in every}}
        for cluster, counts in by_cluster.items()
    ]
    crosstab.sort(key=lambda row: (-row["labelled"], str(row["cluster"])))
    return {
        "clusters": crosstab,
        "covered": len(covered),
        "coverage": round(len(covered) / len(labels), 4) if labels else 0.0,
        "nmi": round(nmi, 4),
        "ari": round(ari, 4),
        "purity": round(majority / len(covered), 4) if covered else 0.0,
        "categories": table,
    }


def _index(cluster_id: str) -> int | str:
    """A cluster's number in its run (``run-...:3`` -> 3), as the report shows it."""
    tail = str(cluster_id).rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else str(cluster_id)


def _codes(values: list[Any]) -> list[int]:
    index: dict[Any, int] = {}
    return [index.setdefault(v, len(index)) for v in values]


def evaluate_categories(
    graph: Graph,
    rows: list[tuple[str, str]],
    *,
    label_column: str,
    platform: str = "twitter",
    run_id: str | None = None,
) -> CategoryEvaluation:
    """Score a recorded run (default: the newest) against category labels ``rows``."""
    found = graph.query(LATEST_RUN_CYPHER, {"run_id": run_id})
    if not found:
        raise CibgraphError(
            "no detection run to evaluate"
            + (f" with id {run_id}" if run_id else "; run `cibgraph detect`")
        )
    run = found[0]["id"]
    labels, missing = match_accounts(rows, graph.query(ACCOUNTS_CYPHER), platform)
    if not labels:
        raise CibgraphError(
            f"none of the {len(rows)} labelled ids names an account in the graph "
            f"(first: {', '.join(missing[:3])}); check --id-column and --platform"
        )
    membership = {
        r["uid"]: _index(r["cluster"]) for r in graph.query(MEMBERS_CYPHER, {"run_id": run})
    }
    scores = category_scores(membership, labels)
    active = {r["uid"] for r in graph.query(ACTIVE_CYPHER)} & set(labels)
    return CategoryEvaluation(
        run_id=run,
        label_column=label_column,
        labelled=len(rows),
        matched=len(labels),
        active=len(active),
        active_coverage=round(scores["covered"] / len(active), 4) if active else 0.0,
        unmatched_examples=missing[:5],
        **scores,
    )
