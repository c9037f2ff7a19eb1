"""Records -> graph: the only place that writes loaded data.

Rows are gathered into a :class:`Batch` (deduplicated by key, later values winning) and
written by :func:`write_batch` in ONE transaction: every node and relationship of the
batch, plus the file's checkpoint. A batch therefore commits whole or not at all, and a
checkpoint never runs ahead of (or behind) the data it describes.

Every statement MERGEs on the schema's unique keys, so loading the same data twice leaves
the same nodes and relationships. Nodes referenced before they are described (a retweeted
post outside the release, a mentioned account) are created as stubs with only their key,
``platform`` and ``id``; a later load fills in their properties. ``source`` (the dataset
name) is set when a node is created and never overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cibgraph.graph import Graph
from loader.records import PostLinks, Props, Row
from loader.urls import domain_of

ACCOUNTS_CYPHER = (
    "UNWIND $rows AS r MERGE (n:Account {uid: r.uid}) ON CREATE SET n.source = $source SET n += r"
)
PAGES_CYPHER = (
    "UNWIND $rows AS r MERGE (n:Page {uid: r.uid}) ON CREATE SET n.source = $source SET n += r"
)
# The NewsLike label follows the `news_like` property. It is set in a transaction of its
# own after the data commits: ArcadeDB cannot relabel a node created in the same
# transaction (the label change re-inserts it under the unique key and fails).
NEWSLIKE_CYPHER = (
    "MATCH (n:Page) WHERE n.news_like = true AND NOT n:NewsLike SET n:NewsLike",
    "MATCH (n:NewsLike) WHERE n.news_like = false REMOVE n:NewsLike",
)
GROUPS_CYPHER = (
    "UNWIND $rows AS r MERGE (n:Group {uid: r.uid}) ON CREATE SET n.source = $source SET n += r"
)
POSTS_CYPHER = (
    "UNWIND $rows AS r MERGE (n:Post {uid: r.uid}) ON CREATE SET n.source = $source SET n += r"
)
STUB_POSTS_CYPHER = (
    "UNWIND $rows AS r MERGE (n:Post {uid: r.uid}) "
    "ON CREATE SET n.platform = r.platform, n.id = r.id, n.source = $source"
)
HASHTAGS_CYPHER = "UNWIND $rows AS t MERGE (n:Hashtag {tag: t}) ON CREATE SET n.source = $source"
DOMAINS_CYPHER = "UNWIND $rows AS d MERGE (n:Domain {name: d}) ON CREATE SET n.source = $source"
URLS_CYPHER = (
    "UNWIND $rows AS r MERGE (u:Url {url: r.url}) ON CREATE SET u.source = $source "
    "WITH u, r MATCH (d:Domain {name: r.domain}) MERGE (u)-[:ON_DOMAIN]->(d)"
)
POSTED_CYPHER = (
    "UNWIND $rows AS r MATCH (a:Account {uid: r.a}) MATCH (p:Post {uid: r.b}) "
    "MERGE (a)-[:POSTED]->(p)"
)
POSTED_IN_PAGE_CYPHER = (
    "UNWIND $rows AS r MATCH (p:Post {uid: r.a}) MATCH (g:Page {uid: r.b}) "
    "MERGE (p)-[:POSTED_IN]->(g)"
)
POSTED_IN_GROUP_CYPHER = (
    "UNWIND $rows AS r MATCH (p:Post {uid: r.a}) MATCH (g:Group {uid: r.b}) "
    "MERGE (p)-[:POSTED_IN]->(g)"
)
REPOST_OF_CYPHER = (
    "UNWIND $rows AS r MATCH (p:Post {uid: r.a}) MATCH (o:Post {uid: r.b}) "
    "MERGE (p)-[:REPOST_OF]->(o)"
)
REPLY_TO_CYPHER = (
    "UNWIND $rows AS r MATCH (p:Post {uid: r.a}) MATCH (o:Post {uid: r.b}) "
    "MERGE (p)-[:REPLY_TO]->(o)"
)
QUOTES_CYPHER = (
    "UNWIND $rows AS r MATCH (p:Post {uid: r.a}) MATCH (o:Post {uid: r.b}) MERGE (p)-[:QUOTES]->(o)"
)
TAGS_CYPHER = (
    "UNWIND $rows AS r MATCH (p:Post {uid: r.a}) MATCH (h:Hashtag {tag: r.b}) "
    "MERGE (p)-[:TAGS]->(h)"
)
LINKS_TO_CYPHER = (
    "UNWIND $rows AS r MATCH (p:Post {uid: r.a}) MATCH (u:Url {url: r.b}) "
    "MERGE (p)-[:LINKS_TO]->(u)"
)
MENTIONS_CYPHER = (
    "UNWIND $rows AS r MATCH (p:Post {uid: r.a}) MATCH (a:Account {uid: r.b}) "
    "MERGE (p)-[:MENTIONS]->(a)"
)
# Relation files may name nodes no other file describes: MERGE stubs for both ends.
ADMINISTERS_CYPHER = (
    "UNWIND $rows AS r "
    "MERGE (a:Account {uid: r.a}) ON CREATE SET a.platform = r.ap, a.id = r.ai, "
    "a.source = $source "
    "MERGE (g:Page {uid: r.b}) ON CREATE SET g.platform = r.bp, g.id = r.bi, g.source = $source "
    "MERGE (a)-[:ADMINISTERS]->(g)"
)
MEMBER_OF_CYPHER = (
    "UNWIND $rows AS r "
    "MERGE (a:Account {uid: r.a}) ON CREATE SET a.platform = r.ap, a.id = r.ai, "
    "a.source = $source "
    "MERGE (g:Group {uid: r.b}) ON CREATE SET g.platform = r.bp, g.id = r.bi, "
    "g.source = $source "
    "MERGE (a)-[:MEMBER_OF]->(g)"
)
FOLLOWS_CYPHER = (
    "UNWIND $rows AS r "
    "MERGE (a:Account {uid: r.a}) ON CREATE SET a.platform = r.ap, a.id = r.ai, "
    "a.source = $source "
    "MERGE (b:Account {uid: r.b}) ON CREATE SET b.platform = r.bp, b.id = r.bi, "
    "b.source = $source "
    "MERGE (a)-[:FOLLOWS]->(b)"
)
LABELS_CYPHER: dict[str, str] = {
    label: (
        f"UNWIND $rows AS r MERGE (n:{label} {{uid: r.uid}}) "
        "ON CREATE SET n.platform = r.platform, n.id = r.id, n.source = $source "
        "SET n.truth_label = r.truth_label, n.truth_cluster = r.truth_cluster"
    )
    for label in ("Account", "Page", "Group")
}
CHECKPOINT_CYPHER = (
    "MERGE (c:LoadCheckpoint {key: $key}) "
    "SET c.file = $file, c.format = $format, c.dataset = $source, c.records = $records, "
    "c.complete = $complete, c.updated_at = $now"
)
READ_CHECKPOINT_CYPHER = (
    "MATCH (c:LoadCheckpoint {key: $key}) RETURN c.records AS records, c.complete AS complete"
)


def _ends(pair: tuple[str, str]) -> dict[str, str]:
    (ap, ai), (bp, bi) = pair[0].split(":", 1), pair[1].split(":", 1)
    return {"a": pair[0], "ap": ap, "ai": ai, "b": pair[1], "bp": bp, "bi": bi}


@dataclass
class Batch:
    """Records of many rows, deduplicated by key (later values win)."""

    accounts: dict[str, Props] = field(default_factory=dict)
    pages: dict[str, Props] = field(default_factory=dict)
    groups: dict[str, Props] = field(default_factory=dict)
    posts: dict[str, Props] = field(default_factory=dict)
    links: dict[str, PostLinks] = field(default_factory=dict)
    admins: set[tuple[str, str]] = field(default_factory=set)
    members: set[tuple[str, str]] = field(default_factory=set)
    follows: set[tuple[str, str]] = field(default_factory=set)
    labels: dict[tuple[str, str], Props] = field(default_factory=dict)
    rows: int = 0

    def add(self, row: Row) -> None:
        for target, records in (
            (self.accounts, row.accounts),
            (self.pages, row.pages),
            (self.groups, row.groups),
        ):
            for rec in records:
                known = target.get(rec["uid"])
                if known is None:
                    target[rec["uid"]] = dict(rec)
                else:
                    known.update(rec)
        for post, links in row.posts:
            known = self.posts.get(post["uid"])
            if known is None:
                self.posts[post["uid"]] = dict(post)
            else:
                known.update(post)
            self.links[post["uid"]] = links
        self.admins.update(row.admins)
        self.members.update(row.members)
        self.follows.update(row.follows)
        for label in row.labels:
            self.labels[(label["label_of"], label["uid"])] = label
        self.rows += 1

    def __len__(self) -> int:
        """Records held (what --batch-size counts)."""
        return (
            len(self.accounts)
            + len(self.pages)
            + len(self.groups)
            + len(self.posts)
            + len(self.admins)
            + len(self.members)
            + len(self.follows)
            + len(self.labels)
        )

    def statements(self) -> list[tuple[str, dict[str, Any]]]:
        """The batch as (cypher, params) steps, nodes before the edges that need them."""
        steps: list[tuple[str, list[Any]]] = []
        steps += [
            (ACCOUNTS_CYPHER, list(self.accounts.values())),
            (PAGES_CYPHER, list(self.pages.values())),
            (GROUPS_CYPHER, list(self.groups.values())),
            (POSTS_CYPHER, list(self.posts.values())),
        ]

        stubs: dict[str, dict[str, str]] = {}
        edges: dict[str, list[dict[str, str]]] = {
            name: []
            for name in (
                "posted",
                "page",
                "group",
                "repost",
                "reply",
                "quotes",
                "tags",
                "links",
                "mentions",
            )
        }
        tags: set[str] = set()
        urls: dict[str, str] = {}
        for post_uid, link in self.links.items():
            if link.author:
                edges["posted"].append({"a": link.author, "b": post_uid})
            if link.posted_in:
                kind = "page" if link.posted_in_kind == "Page" else "group"
                edges[kind].append({"a": post_uid, "b": link.posted_in})
            for name, target in (
                ("repost", link.repost_of),
                ("reply", link.reply_to),
                ("quotes", link.quotes),
            ):
                if target:
                    edges[name].append({"a": post_uid, "b": target})
                    if target not in self.posts:
                        platform, ident = target.split(":", 1)
                        stubs[target] = {"uid": target, "platform": platform, "id": ident}
            for original, author in (
                (link.repost_of, link.repost_of_author),
                (link.reply_to, link.reply_to_author),
            ):
                if original and author:
                    edges["posted"].append({"a": author, "b": original})
            for tag in link.hashtags:
                tags.add(tag)
                edges["tags"].append({"a": post_uid, "b": tag})
            for url in link.urls:
                urls[url] = domain_of(url)
                edges["links"].append({"a": post_uid, "b": url})
            for mention in link.mentions:
                edges["mentions"].append({"a": post_uid, "b": mention})

        steps += [
            (STUB_POSTS_CYPHER, list(stubs.values())),
            (HASHTAGS_CYPHER, sorted(tags)),
            (DOMAINS_CYPHER, sorted(set(urls.values()))),
            (URLS_CYPHER, [{"url": u, "domain": d} for u, d in urls.items()]),
            (POSTED_CYPHER, edges["posted"]),
            (POSTED_IN_PAGE_CYPHER, edges["page"]),
            (POSTED_IN_GROUP_CYPHER, edges["group"]),
            (REPOST_OF_CYPHER, edges["repost"]),
            (REPLY_TO_CYPHER, edges["reply"]),
            (QUOTES_CYPHER, edges["quotes"]),
            (TAGS_CYPHER, edges["tags"]),
            (LINKS_TO_CYPHER, edges["links"]),
            (MENTIONS_CYPHER, edges["mentions"]),
            (ADMINISTERS_CYPHER, [_ends(p) for p in sorted(self.admins)]),
            (MEMBER_OF_CYPHER, [_ends(p) for p in sorted(self.members)]),
            (FOLLOWS_CYPHER, [_ends(p) for p in sorted(self.follows)]),
        ]
        by_kind: dict[str, list[Props]] = {}
        for (label_of, _), label in self.labels.items():
            by_kind.setdefault(label_of, []).append(
                {k: v for k, v in label.items() if k != "label_of"}
            )
        steps += [(LABELS_CYPHER[kind], rows) for kind, rows in sorted(by_kind.items())]
        return [(cypher, {"rows": rows}) for cypher, rows in steps if rows]


@dataclass
class Checkpoint:
    key: str
    file: str
    format: str
    records: int  # data records of the file consumed (loaded or rejected)
    complete: bool = False


def read_checkpoint(graph: Graph, key: str) -> tuple[int, bool]:
    rows = graph.query(READ_CHECKPOINT_CYPHER, {"key": key})
    if not rows:
        return 0, False
    return int(rows[0]["records"] or 0), bool(rows[0]["complete"])


def write_batch(
    graph: Graph, batch: Batch, *, source: str, checkpoint: Checkpoint | None = None
) -> None:
    """Write ``batch`` (and advance ``checkpoint``) in one transaction."""
    steps = batch.statements()
    if checkpoint is not None:
        steps.append(
            (
                CHECKPOINT_CYPHER,
                {
                    "key": checkpoint.key,
                    "file": checkpoint.file,
                    "format": checkpoint.format,
                    "records": checkpoint.records,
                    "complete": checkpoint.complete,
                    "now": dt.datetime.now(dt.UTC),
                },
            )
        )
    graph.execute_many([(cypher, {**params, "source": source}) for cypher, params in steps])


def finish(graph: Graph) -> None:
    """Derive labels that cannot be set in the data transactions (see NEWSLIKE_CYPHER)."""
    for statement in NEWSLIKE_CYPHER:
        graph.execute(statement)
