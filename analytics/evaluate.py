"""Detection quality against ground truth (the scenario's truth.csv, or labels in the graph).

Positives are the operation's *active* accounts: labelled ``operation`` or ``amplifier``
and having posted (or administering a page) - dormant amplifiers leave no trace to detect
and are reported separately. Precision counts every flagged operation account as right
(active or not); recall is over the active ones. Reported: precision, recall and F1; the
same by role; how many of each hard-negative kind and of the organic population were flagged;
ARI/NMI of the detected clusters against the truth groups; and how many fake news pages a
flagged cluster runs or amplifies.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analytics.communities import adjusted_rand_index, normalized_mutual_info
from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph

POSITIVE_LABELS = ("operation", "amplifier")

LATEST_RUN_CYPHER = (
    "MATCH (r:DetectionRun) WHERE $run_id IS NULL OR r.id = $run_id "
    "RETURN r.id AS id ORDER BY r.created_at DESC LIMIT 1"
)
MEMBERS_CYPHER = (
    "MATCH (n:Account)-[:IN_CLUSTER]->(k:Cluster {run_id: $run_id}) "
    "RETURN n.uid AS uid, k.id AS cluster, k.flagged AS flagged"
)
ACTIVE_CYPHER = (
    "MATCH (a:Account) WHERE count { (a)-[:POSTED]->() } > 0 "
    "OR count { (a)-[:ADMINISTERS]->() } > 0 RETURN a.uid AS uid"
)
TRUTH_CYPHER = (
    "MATCH (n) WHERE n.truth_label IS NOT NULL "
    "RETURN n.uid AS uid, labels(n) AS labels, n.truth_label AS label, "
    "n.truth_cluster AS cluster"
)
PAGES_TIED_CYPHER = (
    "MATCH (k:Cluster {run_id: $run_id, flagged: true})-[:RUNS|AMPLIFIES]->(p:Page) "
    "RETURN DISTINCT p.uid AS uid"
)


@dataclass
class Evaluation:
    run_id: str
    precision: float
    recall: float
    f1: float
    flagged: int
    positives: int
    by_role: dict[str, dict[str, Any]] = field(default_factory=dict)
    hard_negatives: dict[str, dict[str, int]] = field(default_factory=dict)
    ari: float = 0.0
    nmi: float = 0.0
    fake_pages: dict[str, Any] = field(default_factory=dict)
    dormant_amplifiers: int = 0
    unlabelled_flagged: int = 0  # flagged accounts missing from the truth (count as wrong)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def read_truth(path: Path) -> list[dict[str, str]]:
    """Rows of a labels file (platform, kind?, id, label, cluster?) with a ``uid``."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise CibgraphError(f"cannot read truth file {path}: {exc.strerror}") from None
    if not rows:
        raise CibgraphError(
            f"{path}: the truth file has no rows (a header platform,kind,id,label,cluster, "
            "then one row per labelled account)"
        )
    out = []
    for number, row in enumerate(rows, start=2):
        if not row.get("platform") or not row.get("id") or not row.get("label"):
            raise CibgraphError(f"{path}:{number}: truth rows need platform, id and label")
        out.append(
            {
                "uid": f"{row['platform']}:{row['id']}",
                "kind": row.get("kind") or "account",
                "label": row["label"],
                "cluster": row.get("cluster") or "",
            }
        )
    return out


def flag_quality(
    labels: dict[str, str], flagged: set[str], active: set[str]
) -> tuple[float, float, float]:
    """(precision, recall, F1) of the flagged accounts ``flagged`` against account
    ``labels`` (uid -> truth label), over the ``active`` positives. A flagged account the
    labels do not mention counts as wrong."""
    positives = {u for u, label in labels.items() if label in POSITIVE_LABELS and u in active}
    correct = {u for u in flagged if labels.get(u) in POSITIVE_LABELS}
    precision = len(correct) / len(flagged) if flagged else 0.0
    recall = len(correct & positives) / len(positives) if positives else 0.0
    return precision, recall, _f1(precision, recall)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(
    graph: Graph, truth: list[dict[str, str]] | None = None, run_id: str | None = None
) -> Evaluation:
    """Score a recorded run (default: the newest) against ``truth`` (default: the
    ``truth_label`` properties loaded into the graph)."""
    found = graph.query(LATEST_RUN_CYPHER, {"run_id": run_id})
    if not found:
        raise CibgraphError(
            "no detection run to evaluate"
            + (f" with id {run_id}" if run_id else "; run `cibgraph detect`")
        )
    run = found[0]["id"]
    loaded = [
        {
            "uid": r["uid"],
            "kind": _kind(r["labels"]),
            "label": r["label"],
            "cluster": r["cluster"] or "",
        }
        for r in graph.query(TRUTH_CYPHER)
    ]
    if truth is None:
        truth = loaded
    elif not any(t["kind"] == "page" for t in truth):  # page truth from the graph, if loaded
        truth = truth + [t for t in loaded if t["kind"] == "page"]
    if not truth:
        raise CibgraphError("no ground truth: pass --truth truth.csv or load a labels file")
    accounts = {t["uid"]: t for t in truth if t["kind"] == "account"}
    membership = {
        r["uid"]: (r["cluster"], bool(r["flagged"]))
        for r in graph.query(MEMBERS_CYPHER, {"run_id": run})
    }
    flagged = {uid for uid, (_, f) in membership.items() if f and uid in accounts}
    flagged_all = {uid for uid, (_, f) in membership.items() if f}  # accounts only
    active = {r["uid"] for r in graph.query(ACTIVE_CYPHER)}
    positives = {u for u, t in accounts.items() if t["label"] in POSITIVE_LABELS and u in active}
    # precision: any flagged operation account is right (a dormant amplifier caught is
    # still the operation); recall: over the active ones, the only ones detectable
    unknown = flagged_all - set(accounts)  # flagged accounts the truth does not mention
    precision, recall, f1 = flag_quality(
        {u: t["label"] for u, t in accounts.items()}, flagged_all, active
    )

    by_role = {}
    for role in POSITIVE_LABELS:
        members = {u for u in positives if accounts[u]["label"] == role}
        caught = members & flagged
        by_role[role] = {
            "accounts": len(members),
            "flagged": len(caught),
            "recall": round(len(caught) / len(members), 4) if members else 0.0,
        }
    negatives: dict[str, dict[str, int]] = {}
    for uid, t in accounts.items():
        label = t["label"]
        if label in POSITIVE_LABELS:
            continue
        entry = negatives.setdefault(label, {"accounts": 0, "flagged": 0})
        entry["accounts"] += 1
        entry["flagged"] += uid in flagged
    # clusters vs truth groups, over the truth accounts detection put in a cluster
    common = sorted(u for u in membership if u in accounts)
    detected = [membership[u][0] for u in common]
    expected = [accounts[u]["cluster"] or accounts[u]["label"] for u in common]
    ari = adjusted_rand_index(_codes(detected), _codes(expected)) if common else 0.0
    nmi = normalized_mutual_info(_codes(detected), _codes(expected)) if common else 0.0
    fake = {t["uid"] for t in truth if t["kind"] == "page" and t["label"] == "fake_news_page"}
    tied = {r["uid"] for r in graph.query(PAGES_TIED_CYPHER, {"run_id": run})}
    dormant = len({u for u, t in accounts.items() if t["label"] == "amplifier" and u not in active})
    return Evaluation(
        run_id=run,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        flagged=len(flagged_all),
        positives=len(positives),
        by_role=by_role,
        hard_negatives=dict(sorted(negatives.items())),
        unlabelled_flagged=len(unknown),
        ari=round(ari, 4),
        nmi=round(nmi, 4),
        fake_pages={
            "total": len(fake),
            "tied_to_flagged_cluster": len(fake & tied),
            "missed": sorted(fake - tied),
        },
        dormant_amplifiers=dormant,
    )


def _kind(labels: list[str]) -> str:
    return "page" if "Page" in labels else "group" if "Group" in labels else "account"


def _codes(labels: list[str]) -> list[int]:
    index: dict[str, int] = {}
    return [index.setdefault(label, len(index)) for label in labels]
