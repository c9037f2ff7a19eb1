"""Evaluation by category: clusters against labels that are roles, not caught / not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli
from loader_helpers import load_fixture

from analytics.categories import category_scores, match_accounts, read_labels
from analytics.detect import DetectParams, detect
from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph


def test_scores_by_hand() -> None:
    membership = {"a1": 0, "a2": 0, "a3": 0, "b1": 1, "b2": 1, "c1": 1, "x": 2}
    labels = {"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "b2": "B", "c1": "C"}
    found = category_scores(membership, labels)
    # 6 of the 7 labelled accounts are in a cluster; cluster 0 is all A, cluster 1 two B
    # and a C: 5 of 6 in their cluster's majority
    assert (found["covered"], found["coverage"], found["purity"]) == (6, 0.8571, 0.8333)
    # NMI = 2 ln 2 / (ln 2 + H(1/2, 1/3, 1/6)); ARI = (4 - 1.6) / (5 - 1.6)
    assert (found["nmi"], found["ari"]) == (0.8133, 0.7059)
    assert found["categories"] == [
        {"category": "A", "accounts": 4, "covered": 3, "coverage": 0.75, "top_cluster": 0,
         "concentration": 1.0, "top_cluster_purity": 1.0},
        {"category": "B", "accounts": 2, "covered": 2, "coverage": 1.0, "top_cluster": 1,
         "concentration": 1.0, "top_cluster_purity": 0.6667},
        {"category": "C", "accounts": 1, "covered": 1, "coverage": 1.0, "top_cluster": 1,
         "concentration": 1.0, "top_cluster_purity": 0.3333},
    ]  # fmt: skip


def test_labels_name_accounts_by_uid_id_or_handle(tmp_path: Path) -> None:
    path = tmp_path / "authors.csv"
    path.write_text(
        "author_id,author,account_category\n"
        "10_gop,10_gop,RightTroll\n"
        "@AndyHashtagger,x,HashtagGamer\n"
        "twitter:2528776985,y,NonEnglish\n"
        "4MySquad3312143142,4MySquad,LeftTroll\n"
        "nobody,z,Unknown\n"
        ",w,Empty\n",
        encoding="utf-8",
    )
    rows = read_labels(path, "account_category")
    assert rows[0] == ("10_gop", "RightTroll") and len(rows) == 5
    accounts = [
        {"uid": "twitter:905874659358453760", "handle": "10_gop"},
        {"uid": "twitter:@andyhashtagger", "handle": "AndyHashtagger"},
        {"uid": "twitter:2528776985", "handle": "1488reasons"},
        # two IRA authors share the handle 4MySquad: the release's author_id tells them apart
        {"uid": "twitter:3312143142", "handle": "4MySquad", "key": "4MySquad3312143142"},
        {"uid": "twitter:4036537452", "handle": "4MySquad", "key": "4MySquad4036537452"},
    ]
    found, missing = match_accounts(rows, accounts, "twitter")
    assert found == {
        "twitter:905874659358453760": "RightTroll",
        "twitter:@andyhashtagger": "HashtagGamer",
        "twitter:2528776985": "NonEnglish",
        "twitter:3312143142": "LeftTroll",
    }
    assert missing == ["nobody"]
    with pytest.raises(CibgraphError, match="no column 'category'"):
        read_labels(path, "category")
    with pytest.raises(CibgraphError, match="--id-column"):
        read_labels(path, "account_category", "userid")


def test_cli_on_a_recorded_run(graph: Graph, cli_env: dict, tmp_path: Path) -> None:
    """CooRTweet's table: A-B co-share three times, the others once; categories by
    account; the run's clusters scored against them through the CLI."""
    load_fixture(graph, "coortweet", tmp_path)
    params = DetectParams(signals=("object",), min_weight=1, min_size=2, write_edges="none")
    run = detect(graph, params, write=True)
    members = {m for ms in run.members.values() for m in ms}
    assert members == {f"twitter:{a}" for a in "ABCDEFGH"}
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "account_id,role\nA,x\nB,x\nC,y\nD,y\nE,z\nF,z\nG,w\nH,w\nQ,w\n", encoding="utf-8"
    )
    done = run_cli(
        "evaluate", "--labels", str(labels), "--label-column", "role", "--format", "json",
        env=cli_env,
    )  # fmt: skip
    found = json.loads(done.stdout)
    assert (found["labelled"], found["matched"], found["covered"]) == (9, 8, 8)
    assert (found["active"], found["active_coverage"]) == (8, 1.0)
    assert found["unmatched_examples"] == ["Q"]
    clusters = sorted(sorted(m.split(":", 1)[1] for m in ms) for ms in run.members.values())
    # whatever the split, the scores are those of the run's own clusters
    by_uid = {m: k for k, ms in run.members.items() for m in ms}
    expected = category_scores(
        by_uid, {f"twitter:{a}": r for a, r in zip("ABCDEFGH", "xxyyzzww", strict=True)}
    )
    assert {k: found[k] for k in ("coverage", "nmi", "ari", "purity")} == {
        k: expected[k] for k in ("coverage", "nmi", "ari", "purity")
    }
    assert found["categories"] == expected["categories"]
    assert ["E", "F"] in clusters and ["G", "H"] in clusters
