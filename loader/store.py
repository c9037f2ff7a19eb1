"""Records -> the columnar action store: Parquet files detection reads instead of the graph.

The loader's one parse pass hands every batch both to the graph writer and to
:class:`StoreWriter`, so the store and the graph hold the same actions. Layout (documented
for DuckDB, polars, pandas and Spark users in ``docs/action-store.md``)::

    <store>/
      manifest.json                         version, datasets, the graph fingerprint
      actions/dataset=<slug>/<part>.parquet  one row per timed post (tables()['actions'])
      accounts/dataset=<slug>/<part>.parquet uid, handle, created_ts, hashed
      pages/dataset=<slug>/<part>.parquet    uid, name, news_like
      admins/dataset=<slug>/<part>.parquet   account, page

A part is named after the file's checkpoint key and the first record it covers, and is
written (atomically: a temporary name, then a rename) just before its batch commits to the
graph. A load resumed after a crash writes that batch again under the same name, so a part
whose batch never committed is replaced, not doubled. Rows carry ``seq`` (when their
batch was written); readers keep the last row of each post, account or page.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loader.records import PostLinks, Props
from loader.text import normalise_text
from loader.urls import domain_of

if TYPE_CHECKING:
    import pyarrow as pa

STORE_VERSION = 2  # 2: actions have objects
MANIFEST = "manifest.json"

#: The store's tables, in the order a batch writes them.
TABLE_NAMES = ("actions", "accounts", "pages", "admins")
_SCHEMA_NAMES = {
    "ACTION_SCHEMA": "actions",
    "ACCOUNT_SCHEMA": "accounts",
    "PAGE_SCHEMA": "pages",
    "ADMIN_SCHEMA": "admins",
}


@functools.cache
def tables() -> dict[str, pa.Schema]:
    """table -> its Arrow schema (pyarrow is imported here, when a store is written or
    read: a load that writes no store never pays for it)."""
    import pyarrow as pa

    return {
        "actions": pa.schema(
            [
                ("post", pa.string()),  # uid of the post ("platform:id")
                ("actor", pa.string()),  # its author's uid, or its page/group's when it has none
                ("ts", pa.int64()),  # epoch seconds, UTC
                ("kind", pa.string()),  # post | repost | reply | quote
                ("repost_of", pa.string()),  # uid of the reposted post, when known
                ("reply_to", pa.string()),  # uid of the post replied to
                ("posted_in", pa.string()),  # uid of the page or group it was posted in
                ("urls", pa.list_(pa.string())),  # normalised urls (loader.urls)
                ("domains", pa.list_(pa.string())),  # their domains, without www.
                ("hashtags", pa.list_(pa.string())),  # lower-cased, without '#'
                ("objects", pa.list_(pa.string())),  # keys of anything else it shares
                ("text", pa.string()),  # the text as published
                # normalise_text(text) ("" for reposts; null: not computed)
                ("text_key", pa.string()),
                ("seq", pa.int64()),  # when the batch was written (ns): a post's last row wins
            ]
        ),
        "accounts": pa.schema(
            [
                ("uid", pa.string()),
                ("handle", pa.string()),
                ("created_ts", pa.int64()),  # account creation, epoch seconds
                ("hashed", pa.bool_()),
                ("seq", pa.int64()),
            ]
        ),
        "pages": pa.schema(
            [
                ("uid", pa.string()),
                ("name", pa.string()),
                ("news_like", pa.bool_()),
                ("seq", pa.int64()),
            ]
        ),
        "admins": pa.schema([("account", pa.string()), ("page", pa.string())]),
    }


def __getattr__(name: str) -> Any:
    """``ACTION_SCHEMA``, ``ACCOUNT_SCHEMA``, ``PAGE_SCHEMA``, ``ADMIN_SCHEMA`` and
    ``TABLES``, built on first use (see :func:`tables`)."""
    if name == "TABLES":
        return tables()
    if name in _SCHEMA_NAMES:
        return tables()[_SCHEMA_NAMES[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def dataset_slug(dataset: str) -> str:
    """A folder name for ``dataset`` that cannot leave the store (no '/', '..', NUL)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", dataset).strip("._") or "dataset"
    return slug[:100]


def action_kind(post: Props, links: PostLinks) -> str:
    if post.get("is_repost") or links.repost_of:
        return "repost"
    if links.reply_to:
        return "reply"
    if links.quotes:
        return "quote"
    return "post"


def action_row(post: Props, links: PostLinks, seq: int) -> dict[str, Any] | None:
    """The action of one post, or None if it has no time or no actor (not an action)."""
    actor = links.author or links.posted_in
    ts = post.get("ts")
    if actor is None or ts is None:
        return None
    kind = action_kind(post, links)
    text = post.get("text")
    return {
        "post": post["uid"],
        "actor": actor,
        "ts": int(ts),
        "kind": kind,
        "repost_of": links.repost_of,
        "reply_to": links.reply_to,
        "posted_in": links.posted_in,
        "urls": list(links.urls),
        "domains": list(dict.fromkeys(domain_of(u) for u in links.urls)),
        "hashtags": list(links.hashtags),
        "objects": list(links.objects),
        "text": text,
        "text_key": "" if kind == "repost" else normalise_text(text),
        "seq": seq,
    }


def account_row(account: Props, seq: int) -> dict[str, Any]:
    created = account.get("created_at")
    return {
        "uid": account["uid"],
        "handle": account.get("handle"),
        "created_ts": int(created.timestamp()) if created is not None else None,
        "hashed": account.get("hashed"),
        "seq": seq,
    }


def page_row(page: Props, seq: int) -> dict[str, Any]:
    return {
        "uid": page["uid"],
        "name": page.get("name"),
        "news_like": page.get("news_like"),
        "seq": seq,
    }


def sql_path(path: Path) -> str:
    """``path`` inside a DuckDB string literal (``COPY ... TO`` takes no parameter)."""
    return str(path).replace("'", "''")


def write_part(path: Path, schema: pa.Schema, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` as one Parquet file at ``path``, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp, compression="zstd")
    tmp.replace(path)


class StoreWriter:
    """Writes one dataset's batches into the store at ``root``."""

    def __init__(self, root: Path, dataset: str) -> None:
        self.root = Path(root)
        self.dataset = dataset
        self.slug = dataset_slug(dataset)

    def part_path(self, table: str, part: str) -> Path:
        return self.root / table / f"dataset={self.slug}" / f"{part}.parquet"

    def write(
        self,
        part: str,
        *,
        posts: Iterable[tuple[Props, PostLinks]] = (),
        accounts: Iterable[Props] = (),
        pages: Iterable[Props] = (),
        admins: Iterable[tuple[str, str]] = (),
        seq: int | None = None,
    ) -> int:
        """Write one batch as part ``part`` of each table it has rows for (replacing a
        part of that name). Returns the number of actions written. ``seq`` orders its rows
        against other parts' (default: now)."""
        seq = time.time_ns() if seq is None else seq
        rows = {
            "actions": [a for p, links in posts if (a := action_row(p, links, seq))],
            "accounts": [account_row(a, seq) for a in accounts],
            "pages": [page_row(p, seq) for p in pages],
            "admins": [{"account": a, "page": p} for a, p in sorted(admins)],
        }
        for table, found in rows.items():
            path = self.part_path(table, part)
            if found:
                write_part(path, tables()[table], found)
            else:
                path.unlink(missing_ok=True)  # a replaced part that had rows before
        self.note_dataset()
        return len(rows["actions"])

    def write_batch(self, part: str, batch: Any, seq: int | None = None) -> int:
        """Write a loader batch (:class:`loader.writer.Batch`) as part ``part``."""
        return self.write(
            part,
            posts=((batch.posts[u], batch.links[u]) for u in batch.posts),
            accounts=batch.accounts.values(),
            pages=batch.pages.values(),
            admins=batch.admins,
            seq=seq,
        )

    def drop_parts(self, prefix: str, which: Callable[[str], bool]) -> None:
        """Delete this dataset's parts named ``prefix...`` for which ``which(name)``, and
        what a writer stopped midway left of them."""
        for table in TABLE_NAMES:
            folder = self.root / table / f"dataset={self.slug}"
            for path in folder.glob(f"{prefix}*.parquet"):
                if which(path.stem):
                    path.unlink(missing_ok=True)
            for path in folder.glob(f".{prefix}*.tmp"):
                path.unlink(missing_ok=True)

    def note_dataset(self) -> None:
        manifest = read_manifest(self.root)
        if manifest["datasets"].get(self.slug) != self.dataset:
            manifest["datasets"][self.slug] = self.dataset
            write_manifest(self.root, manifest)


def read_manifest(root: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((Path(root) / MANIFEST).read_text())
        if manifest.get("version") == STORE_VERSION:
            manifest.setdefault("datasets", {})
            return manifest
    except (OSError, ValueError, AttributeError):
        pass
    return {"version": STORE_VERSION, "datasets": {}, "graph_fingerprint": None}


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    tmp.replace(root / MANIFEST)


def seal(root: Path, fingerprint: str | None) -> None:
    """Record that the store now matches the graph whose fingerprint is ``fingerprint``
    (None: it matches no graph, e.g. a store built straight from files)."""
    manifest = read_manifest(root)
    if (Path(root) / CONCURRENT_MARK).exists():
        fingerprint = None  # another load wrote the graph without the store: rebuild it
    manifest["graph_fingerprint"] = fingerprint
    write_manifest(root, manifest)


# -- the graph side of the fingerprint ---------------------------------------------------

#: What the store must agree with: node counts of what actions come from, and every
#: file load's checkpoint. Cheap (counts by label), and it changes on any load.
FINGERPRINT_CYPHER = {
    "posts": "MATCH (p:Post) RETURN count(p) AS n",
    "accounts": "MATCH (a:Account) RETURN count(a) AS n",
    "pages": "MATCH (p:Page) RETURN count(p) AS n",
    "admins": "MATCH (:Account)-[r:ADMINISTERS]->(:Page) RETURN count(r) AS n",
}
CHECKPOINTS_CYPHER = (
    "MATCH (c:LoadCheckpoint) RETURN c.key AS key, c.records AS records, "
    "c.complete AS complete ORDER BY key"
)
EMPTY_FINGERPRINT = "posts=0;accounts=0;pages=0;admins=0;loads=none"


def graph_fingerprint(graph: Any) -> str:
    """A short string that changes whenever the graph's actions may have changed."""
    counts = ";".join(
        f"{name}={graph.query(cypher)[0]['n']}" for name, cypher in FINGERPRINT_CYPHER.items()
    )
    loads = [f"{r['key']}:{r['records']}:{r['complete']}" for r in graph.query(CHECKPOINTS_CYPHER)]
    if not loads:
        return f"{counts};loads=none"
    return f"{counts};loads={hashlib.sha1('|'.join(loads).encode()).hexdigest()[:16]}"


def clear(root: Path) -> None:
    """Remove every table of the store (the manifest is reset, unsealed)."""
    root = Path(root)
    for table in TABLE_NAMES:
        shutil.rmtree(root / table, ignore_errors=True)
    (root / CONCURRENT_MARK).unlink(missing_ok=True)
    write_manifest(root, {"version": STORE_VERSION, "datasets": {}, "graph_fingerprint": None})


#: Held (flock) by the one load that writes the store; a concurrent load of the same graph
#: writes only the graph and leaves this mark, so the store is rebuilt before it is read.
LOAD_LOCK = ".load.lock"
CONCURRENT_MARK = ".written-without-store"


def open_for_load(
    root: Path, graph: Any, dataset: str, stack: ExitStack | None = None
) -> StoreWriter | None:
    """The writer a load into ``graph`` should feed, or None.

    The store is written only when it already matches the graph (or the graph is empty):
    then after the load it matches again. Otherwise it is cleared and left unsealed, and
    the next ``detect`` builds it again from the graph. Only one load at a time writes it
    (a lock held until ``stack`` closes): a load that finds another one writing leaves
    the store to be rebuilt, so it can never be sealed without that load's actions.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    lock = open(root / LOAD_LOCK, "a")  # noqa: SIM115 - held until the load ends
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        (root / CONCURRENT_MARK).touch()
        return None
    if stack is not None:
        stack.callback(lock.close)
    if (root / CONCURRENT_MARK).exists():
        # a load that could not take the lock may still be writing the graph (and this
        # load would skip the batches its checkpoints name): write no store, keep the mark,
        # and the next detect rebuilds the store from the graph
        clear(root)
        (root / CONCURRENT_MARK).touch()
        return None
    current = graph_fingerprint(graph)
    sealed = read_manifest(root).get("graph_fingerprint")
    if current == EMPTY_FINGERPRINT or sealed != current:
        clear(root)
        if current != EMPTY_FINGERPRINT:
            return None
    return StoreWriter(root, dataset)
