"""One batch written by several sessions at once, each owning its share of the keys.

Two sessions writing a whole batch each collide: a post one session CREATEs is stubbed
by the other as a retweet's original, a hashtag both need is MERGEd by both, and the
unique-key race recurs on every retry. So a batch is written in three steps, each key
by exactly one session:

1. **nodes** (:meth:`Batch.nodes`): accounts, pages, groups, hashtags, objects and the
   posts that are only named (a retweet's original), split by key; a Url goes with its
   Domain, so that its ON_DOMAIN edge finds it. A post of the batch that a post of
   another share points at is stubbed here too, by the share that owns it.
2. **posts** (:meth:`Batch.post_steps`): the posts split by author (a post without one
   by its own key), each with its own relationships: every other end now exists.
3. **tail**, one transaction: authors claimed for originals, relation rows, labels and
   the file's checkpoint.

Every step commits on its own, and the checkpoint commits last: a load killed between
steps runs the batch again when it resumes, and finds what the first steps wrote (posts
in the graph take the MERGE path, as in any re-load), so nothing is lost or duplicated.
Only the Cypher of :mod:`loader.statements` is run, unchanged.

A load takes one session unless told otherwise. Into Neo4j on 2 cores, two sessions were
slower than one (874 against 2,015 posts/s): posts of both sessions still add
relationships to the same popular nodes (an original reposted thousands of times, a
hashtag, a domain), and the locks Neo4j takes on such dense nodes deadlock and retry. The
embedded server refuses several sessions (they conflict on its pages, retry and are
slower; see the loading docs).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from loader.writer import (
    Batch,
    Checkpoint,
    Nodes,
    write_batch,
    write_nodes,
    write_posts,
    write_tail,
)

if TYPE_CHECKING:
    from cibgraph.graph import Graph


def _share(key: str, n: int) -> int:
    return zlib.crc32(key.encode()) % n


def split_nodes(batch: Batch, nodes: Nodes, n: int) -> list[Nodes]:
    """``nodes`` in ``n`` disjoint shares by key (a Url with its Domain), plus stubs of
    the batch's own posts that a post of another share points at."""
    shares = [Nodes() for _ in range(n)]
    for kind in ("accounts", "pages", "groups"):
        for record in getattr(nodes, kind):
            getattr(shares[_share(record["uid"], n)], kind).append(record)
    for tag in nodes.tags:
        shares[_share("#" + tag, n)].tags.add(tag)
    for key in nodes.objects:
        shares[_share("*" + key, n)].objects.add(key)
    for post_uid, stub in nodes.stubs.items():
        shares[_share(post_uid, n)].stubs[post_uid] = stub
    for domain in nodes.domains:
        shares[_share("@" + domain, n)].domains.add(domain)
    for url, domain in nodes.urls.items():
        shares[_share("@" + domain, n)].urls[url] = domain
    owner = post_owners(batch, n)
    for post_uid, link in batch.links.items():
        for target in (link.repost_of, link.reply_to, link.quotes):
            if target in owner and owner[target] != owner[post_uid]:
                shares[owner[target]].stub(target)
    return shares


def post_owners(batch: Batch, n: int) -> dict[str, int]:
    """Post uid -> the share that writes it: by author, so that one author's POSTED
    edges come from one session."""
    return {post_uid: _share(link.author or post_uid, n) for post_uid, link in batch.links.items()}


class ParallelWriter:
    """Writes a load's batches with ``writers`` sessions (1: :func:`write_batch`)."""

    def __init__(self, graph: Graph, writers: int) -> None:
        if writers < 1:
            raise ValueError(f"--writers must be at least 1, not {writers}")
        self.graph = graph
        self.writers = writers
        self._pool = ThreadPoolExecutor(writers) if writers > 1 else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()

    def __enter__(self) -> ParallelWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _all(self, works: list[Callable[[Any], None]]) -> None:
        """Each ``work(tx)`` in its own transaction, at once; the first failure raised
        after all have finished."""
        assert self._pool is not None
        futures = [self._pool.submit(self.graph.write_transaction, w) for w in works]
        errors = [f.exception() for f in futures]
        for error in errors:
            if error is not None:
                raise error

    def write(
        self,
        batch: Batch,
        *,
        source: str,
        checkpoint: Checkpoint | None = None,
        written: dict[str, Any] | None = None,
    ) -> None:
        """Like :func:`write_batch` (same graph, same checkpoint), in three steps."""
        if self._pool is None:
            write_batch(self.graph, batch, source=source, checkpoint=checkpoint, written=written)
            return
        n = self.writers
        shares = split_nodes(batch, batch.nodes(written), n)
        self._all([lambda tx, s=s: write_nodes(tx, s, source) for s in shares if s])
        owner = post_owners(batch, n)
        parts = [batch.posts_part(u for u, o in owner.items() if o == i) for i in range(n)]
        self._all([lambda tx, p=p: write_posts(tx, p, source) for p in parts if p.posts])
        self.graph.write_transaction(lambda tx: write_tail(tx, batch, source, checkpoint))
        if written is not None:
            batch.remember(written)
