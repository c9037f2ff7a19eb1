"""Records -> graph: the only place that writes loaded data.

Rows are gathered into a :class:`Batch` (deduplicated by key, later values winning) and
written by :func:`write_batch` in ONE transaction: every node and relationship of the
batch, plus the file's checkpoint. A batch therefore commits whole or not at all, and a
checkpoint never runs ahead of (or behind) the data it describes.

Every statement MERGEs on the schema's unique keys, so loading the same data twice leaves
the same nodes and relationships, except where the transaction has just looked the keys
up: posts and Urls not in the graph yet are CREATEd, with the edges they cannot have yet
(a new post's POSTED and TAGS, a new Url's ON_DOMAIN). A load that loses a race for such a
key to another load fails its commit on the unique key and runs the batch again (see
:mod:`cibgraph.graph`), then finding the node. Nodes referenced before they are described
(a retweeted post outside the release, a mentioned account) are created as stubs with only
their key, ``platform`` and ``id``; a later load fills in their properties. ``source``
(the dataset name) is set when a node is created and never overwritten.

A post written again (the same id in a later row, batch or file) takes its last row's
relationships: its own outgoing ones and its POSTED are removed first
(:data:`FORGET_POST_LINKS_CYPHER`), so the result never depends on batch boundaries. Who
wrote an *original*, as a retweet or reply names it, is only a claim: it becomes the
original's POSTED only while the original has no author (:data:`CLAIMED_AUTHOR_CYPHER`),
and the original's own row replaces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loader.records import PostLinks, Props, Row
from loader.statements import (  # noqa: F401 (EDGES, RELATIONS: re-exported)
    CHECKPOINT_CYPHER,
    CLAIMED_AUTHOR_CYPHER,
    DOMAINS_CYPHER,
    EDGE_CYPHER,
    EDGES,
    EXISTING_POSTS_CYPHER,
    EXISTING_URLS_CYPHER,
    FORGET_POST_LINKS_CYPHER,
    HASHTAGS_CYPHER,
    LABELS_CYPHER,
    NEW_AUTHORED_POSTS_CYPHER,
    NEW_POSTS_CYPHER,
    NEW_URLS_CYPHER,
    NEWSLIKE_CYPHER,
    NODE_CYPHER,
    OBJECTS_CYPHER,
    READ_CHECKPOINT_CYPHER,
    RELATION_CYPHER,
    RELATIONS,
    STUB_POSTS_CYPHER,
    URLS_CYPHER,
)
from loader.urls import domain_of

if TYPE_CHECKING:
    from cibgraph.graph import Graph

#: How many keys a load remembers as written (Urls beyond it are simply MERGEd again).
MAX_REMEMBERED = 2_000_000
_STUB_KEYS = frozenset({"uid", "platform", "id"})


def _already(seen: dict[str, Any], record: Props) -> bool:
    """Was this node committed earlier in the load with these properties (or is it a
    stub of a node already committed)?"""
    known = seen.get(record["uid"])
    return known is not None and (known == record or record.keys() <= _STUB_KEYS)


def _ends(pair: tuple[str, str]) -> dict[str, str]:
    (ap, ai), (bp, bi) = pair[0].split(":", 1), pair[1].split(":", 1)
    return {"a": pair[0], "ap": ap, "ai": ai, "b": pair[1], "bp": bp, "bi": bi}


@dataclass
class Nodes:
    """The nodes a batch points at, written before its posts (see :meth:`Batch.nodes`)."""

    accounts: list[Props] = field(default_factory=list)
    pages: list[Props] = field(default_factory=list)
    groups: list[Props] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    stubs: dict[str, dict[str, str]] = field(default_factory=dict)  # posts named, not described
    objects: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    urls: dict[str, str] = field(default_factory=dict)  # url -> its domain

    def __bool__(self) -> bool:
        return any(
            (self.accounts, self.pages, self.groups, self.tags, self.stubs, self.objects, self.urls)
        ) or bool(self.domains)

    def stub(self, post_uid: str) -> None:
        platform, ident = post_uid.split(":", 1)
        self.stubs[post_uid] = {"uid": post_uid, "platform": platform, "id": ident}

    def steps(self, existing_urls: set[str] | None = None) -> list[tuple[str, list[Any]]]:
        """``existing_urls``: the urls already in the graph (MERGEd; the others are
        CREATEd); None: MERGE every url."""
        url_rows = [{"url": u, "domain": d} for u, d in self.urls.items()]
        steps: list[tuple[str, list[Any]]] = [
            (NODE_CYPHER["Account"], self.accounts),
            (NODE_CYPHER["Page"], self.pages),
            (NODE_CYPHER["Group"], self.groups),
            # before the posts: new posts are created with their TAGS edges
            (HASHTAGS_CYPHER, sorted(self.tags)),
            (STUB_POSTS_CYPHER, list(self.stubs.values())),
            (OBJECTS_CYPHER, sorted(self.objects)),
            (DOMAINS_CYPHER, sorted(self.domains)),
        ]
        if existing_urls is None:
            steps.append((URLS_CYPHER, url_rows))
        else:
            steps += [
                (NEW_URLS_CYPHER, [r for r in url_rows if r["url"] not in existing_urls]),
                (URLS_CYPHER, [r for r in url_rows if r["url"] in existing_urls]),
            ]
        return [(cypher, rows) for cypher, rows in steps if rows]


def bolt_post(post: Props) -> Props:
    """``post`` as it is sent: without its ``created_at`` when ``ts`` holds the same instant
    (whole seconds, the usual case), so the statement builds it from ``ts`` on the server
    (see ``_post_created`` in :mod:`loader.statements`). The driver spends about 30 µs of
    Python on each datetime it packs, a fifth of the loading process's time."""
    created, ts = post.get("created_at"), post.get("ts")
    if (
        ts is None
        or not isinstance(created, dt.datetime)
        or created.tzinfo is None
        or created.microsecond
        or created.timestamp() != ts
    ):
        return post
    return {key: value for key, value in post.items() if key != "created_at"}


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
            if links.author and links.author not in self.accounts:
                platform, ident = links.author.split(":", 1)
                self.accounts[links.author] = {
                    "uid": links.author,
                    "platform": platform,
                    "id": ident,
                }
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

    def nodes(self, written: dict[str, Any] | None = None) -> Nodes:
        """Every node the batch's posts and relations point at (not the posts
        themselves), less what this load has already committed identically."""
        seen = written if written is not None else {}
        found = Nodes(
            accounts=[r for r in self.accounts.values() if not _already(seen, r)],
            pages=[r for r in self.pages.values() if not _already(seen, r)],
            groups=[r for r in self.groups.values() if not _already(seen, r)],
        )
        for link in self.links.values():
            found.tags.update(t for t in link.hashtags if seen.get(f"#{t}") is None)
            for target in (link.repost_of, link.reply_to, link.quotes):
                if target and target not in self.posts:
                    found.stub(target)
            found.objects.update(k for k in link.objects if seen.get(f"*{k}") is None)
            for url in link.urls:
                if seen.get(f"~{url}") is None:
                    found.urls[url] = domain_of(url)
        found.domains = {d for d in found.urls.values() if seen.get(f"@{d}") is None}
        return found

    def post_steps(self, existing: set[str]) -> list[tuple[str, list[Any]]]:
        """The posts and their own relationships (every other end written already)."""
        new_authored, new_plain, old = [], [], []
        for post_uid, post in self.posts.items():
            link = self.links[post_uid]
            post = bolt_post(post)
            if post_uid in existing:
                old.append(post)
            elif link.author:
                new_authored.append({"author": link.author, "props": post, "tags": link.hashtags})
            else:
                new_plain.append({"props": post, "tags": link.hashtags})
        steps: list[tuple[str, list[Any]]] = [
            (NEW_AUTHORED_POSTS_CYPHER, new_authored),
            (NEW_POSTS_CYPHER, new_plain),
            (FORGET_POST_LINKS_CYPHER, [post["uid"] for post in old]),
            (NODE_CYPHER["Post"], old),
        ]
        edges: dict[tuple[str, str], list[dict[str, str]]] = {key: [] for key in EDGE_CYPHER}
        for post_uid, link in self.links.items():
            verb = "MERGE" if post_uid in existing else "CREATE"

            def edge(name: str, a: str, b: str, verb: str = verb) -> None:
                edges[(name, verb)].append({"a": a, "b": b})

            if link.author and verb == "MERGE":  # new posts got POSTED when created
                edge("posted", link.author, post_uid)
            if link.posted_in:
                edge("page" if link.posted_in_kind == "Page" else "group", post_uid, link.posted_in)
            for name, target in (
                ("repost", link.repost_of),
                ("reply", link.reply_to),
                ("quotes", link.quotes),
            ):
                if target:
                    edge(name, post_uid, target)
            if verb == "MERGE":  # new posts got TAGS when created
                for tag in link.hashtags:
                    edge("tags", post_uid, tag)
            for url in link.urls:
                edge("links", post_uid, url)
            for mention in link.mentions:
                edge("mentions", post_uid, mention)
            for key in link.objects:
                edge("shares", post_uid, key)
        steps += [(EDGE_CYPHER[key], rows) for key, rows in edges.items()]
        return [(cypher, rows) for cypher, rows in steps if rows]

    def tail_steps(self) -> list[tuple[str, list[Any]]]:
        """What comes after the posts: authors claimed for originals outside the batch,
        relation rows and labels."""
        claimed: dict[str, str] = {}  # original -> the first author a row names for it
        for link in self.links.values():
            for original, author in (
                (link.repost_of, link.repost_of_author),
                (link.reply_to, link.reply_to_author),
            ):
                if original and author and original not in self.posts:
                    claimed.setdefault(original, author)  # the first row's claim
        steps: list[tuple[str, list[Any]]] = [
            # after the posts' own authors
            (CLAIMED_AUTHOR_CYPHER, [{"a": a, "b": b} for b, a in claimed.items()]),
            *(
                (RELATION_CYPHER[name], [_ends(p) for p in sorted(getattr(self, name))])
                for name in RELATIONS
            ),
        ]
        by_kind: dict[str, list[Props]] = {}
        for (label_of, _), label in self.labels.items():
            by_kind.setdefault(label_of, []).append(
                {k: v for k, v in label.items() if k != "label_of"}
            )
        steps += [(LABELS_CYPHER[kind], rows) for kind, rows in sorted(by_kind.items())]
        return [(cypher, rows) for cypher, rows in steps if rows]

    def posts_part(self, uids: Iterable[str]) -> Batch:
        """A batch of only these posts (with their links): for :mod:`loader.parallel`."""
        part = Batch()
        for post_uid in uids:
            part.posts[post_uid] = self.posts[post_uid]
            part.links[post_uid] = self.links[post_uid]
        return part

    def remember(self, written: dict[str, Any]) -> None:
        """After commit: note what need not be sent again during this load."""
        for records in (self.accounts, self.pages, self.groups):
            for key, props in records.items():
                written[key] = props
        for link in self.links.values():
            for tag in link.hashtags:
                written[f"#{tag}"] = True
            for key in link.objects:
                if len(written) < MAX_REMEMBERED:
                    written[f"*{key}"] = True
            for url in link.urls:
                written[f"@{domain_of(url)}"] = True
                if len(written) < MAX_REMEMBERED:  # bounded memory on huge loads
                    written[f"~{url}"] = True


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


def run_steps(tx: Any, steps: list[tuple[str, list[Any]]], source: str) -> None:
    for cypher, rows in steps:
        tx.run(cypher, rows=rows, source=source).consume()


def write_nodes(tx: Any, nodes: Nodes, source: str) -> None:
    """The nodes, Urls not in the graph yet looked up first (and then CREATEd)."""
    urls = sorted(nodes.urls)
    existing = {r["url"] for r in tx.run(EXISTING_URLS_CYPHER, urls=urls)} if urls else set()
    run_steps(tx, nodes.steps(existing), source)


def write_posts(tx: Any, batch: Batch, source: str) -> None:
    """The batch's posts, those not in the graph yet looked up first (and then CREATEd)."""
    uids = list(batch.posts)
    existing = {r["uid"] for r in tx.run(EXISTING_POSTS_CYPHER, uids=uids)} if uids else set()
    run_steps(tx, batch.post_steps(existing), source)


def write_tail(tx: Any, batch: Batch, source: str, checkpoint: Checkpoint | None) -> None:
    """:meth:`Batch.tail_steps`, then the checkpoint: the last writes of a batch."""
    run_steps(tx, batch.tail_steps(), source)
    if checkpoint is not None:
        tx.run(
            CHECKPOINT_CYPHER,
            key=checkpoint.key,
            file=checkpoint.file,
            format=checkpoint.format,
            records=checkpoint.records,
            complete=checkpoint.complete,
            source=source,
            now=dt.datetime.now(dt.UTC),
        ).consume()


def write_batch(
    graph: Graph,
    batch: Batch,
    *,
    source: str,
    checkpoint: Checkpoint | None = None,
    written: dict[str, Any] | None = None,
) -> None:
    """Write ``batch`` (and advance ``checkpoint``) in one transaction.

    ``written`` is a per-load memory of committed nodes (see :meth:`Batch.remember`);
    pass the same dict for every batch of one load, or None.
    """

    def work(tx: Any) -> None:
        write_nodes(tx, batch.nodes(written), source)
        write_posts(tx, batch, source)
        write_tail(tx, batch, source, checkpoint)

    graph.write_transaction(work)
    if written is not None:
        batch.remember(written)


def finish(graph: Graph) -> None:
    """Derive labels that cannot be set in the data transactions (see NEWSLIKE_CYPHER)."""
    for statement in NEWSLIKE_CYPHER:
        graph.execute(statement)
