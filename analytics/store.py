"""The action store, read side: Parquet -> integer-coded :class:`~analytics.actions.Actions`.

Detection reads the store written by the loader (:mod:`loader.store`), never the posts
over Bolt. DuckDB scans the Parquet files, keeps the last row of each post, assigns dense
integer codes (actors and posts sorted by their uid, objects sorted per signal) and hands
back numpy columns: no per-row Python objects on the way.

:func:`ensure_store` checks that a graph's store still matches the graph (the fingerprint
in its manifest) and, when the graph was filled by someone else or the store is stale,
builds it again from the graph once, with progress.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pyarrow as pa

from analytics.actions import MIN_TEXT_CHARS, POST_SIGNALS, Actions, Codes, SignalTable
from cibgraph.errors import CibgraphError
from loader.records import PostLinks
from loader.store import (
    StoreWriter,
    clear,
    graph_fingerprint,
    read_manifest,
    seal,
)
from loader.text import (
    FIRST_OCCURRENCES_SQL,
    HASHTAGS_ASCII_SQL,
    IS_ASCII_SQL,
    TEXT_KEY_ASCII_SQL,
    hashtags_in,
    normalise_text,
)

if TYPE_CHECKING:
    from cibgraph.graph import Graph

#: Posts of the graph as actions (only to build the store for a graph filled elsewhere).
GRAPH_ACTIONS_CYPHER = """
MATCH (p:Post) WHERE p.ts IS NOT NULL
OPTIONAL MATCH (a:Account)-[:POSTED]->(p)
OPTIONAL MATCH (p)-[:POSTED_IN]->(g)
WITH p, a, g
WHERE a IS NOT NULL OR g IS NOT NULL
RETURN p.uid AS uid, a.uid AS author, g.uid AS posted_in, p.ts AS ts, p.text AS text,
       coalesce(p.is_repost, false) AS is_repost,
       [(p)-[:REPOST_OF]->(o:Post) | o.uid] AS reposts,
       [(p)-[:REPLY_TO]->(o:Post) | o.uid] AS replies,
       [(p)-[:QUOTES]->(o:Post) | o.uid] AS quotes,
       [(p)-[:LINKS_TO]->(u:Url) | u.url] AS urls,
       [(p)-[:TAGS]->(h:Hashtag) | h.tag] AS hashtags,
       [(p)-[:SHARES]->(o:Object) | o.key] AS objects
"""
GRAPH_ACCOUNTS_CYPHER = (
    "MATCH (a:Account) RETURN a.uid AS uid, a.handle AS handle, a.created_at AS created_at, "
    "a.hashed AS hashed"
)
GRAPH_PAGES_CYPHER = (
    "MATCH (p:Page) RETURN p.uid AS uid, p.name AS name, "
    "(p:NewsLike OR coalesce(p.news_like, false)) AS news_like"
)
GRAPH_ADMINS_CYPHER = "MATCH (a:Account)-[:ADMINISTERS]->(p:Page) RETURN a.uid AS a, p.uid AS p"
#: Rows per Parquet part when building a store outside a load.
PART_ROWS = 100_000

# -- reading ---------------------------------------------------------------------------

#: Columns each signal needs besides the core ones (text and hashtags are derived from
#: the text when a fast reader left them out).
_CORE = ("post", "actor", "ts", "kind", "repost_of", "reply_to", "posted_in")
_NEEDS: dict[str, tuple[str, ...]] = {
    "url": ("urls",),
    "domain": ("domains",),
    "hashtag": ("hashtags", "text"),
    "object": ("objects",),
    "text": ("text_key", "text"),
    "near_text": ("text_key", "text"),
}
#: Where the actions are read from: the store's Parquet files, or the tables a fast
#: reader left in memory (``mem_actions``, see :meth:`StoreReader.in_memory`).
_PARQUET_ACTIONS = (
    "read_parquet($files, filename = true, file_row_number = true, union_by_name = true, "
    "hive_partitioning = false)"
)
_DUPLICATES_SQL = "SELECT count(*) - count(DISTINCT post) FROM {source}"
# One row per post (the last one: later batches, later files, later rows), with codes:
# actors numbered in uid order, posts in uid order or by their dense row number, so the
# same input always gives the same codes.
_POSTS_SQL = """
CREATE TEMP TABLE posts AS
WITH raw AS (
    SELECT {columns}, seq, {file} AS file, {rown} AS rown FROM {source}
), last AS (
    SELECT * FROM raw {dedup}
), actors AS (
    SELECT actor, (row_number() OVER (ORDER BY actor) - 1)::BIGINT AS actor_code
    FROM (SELECT DISTINCT actor FROM last)
){codes}
SELECT {post_code} AS post_code, a.actor_code, l.*
FROM last l JOIN actors a USING (actor){codes_join}
"""
#: Post codes in post uid order; a source whose ``rown`` already numbers its rows 0..n-1
#: (the in-memory tables) with no post twice uses ``rown`` itself and skips this sort.
_POST_CODES_CTE = """, codes AS (
    SELECT post, (row_number() OVER (ORDER BY post) - 1)::BIGINT AS post_code
    FROM (SELECT post FROM last)
)"""
_LAST_ROW = (
    "QUALIFY row_number() OVER (PARTITION BY post ORDER BY seq DESC, file DESC, rown DESC) = 1"
)
_ACTORS_SQL = "SELECT actor FROM posts GROUP BY actor, actor_code ORDER BY actor_code"
_POST_COLUMNS_SQL = "SELECT actor_code, ts FROM posts ORDER BY post_code"
#: signal -> rows (actor, post, ts, obj) of the posts table; reposts count for the repost
#: signal only (QUT: a repost's links, tags and reply are the original's, not the reposter's).
_SIGNAL_OBJECTS = {
    "repost": "SELECT actor_code, post_code, ts, repost_of AS obj FROM posts "
    "WHERE kind = 'repost' AND repost_of IS NOT NULL",
    "reply": "SELECT actor_code, post_code, ts, reply_to AS obj FROM posts "
    "WHERE kind <> 'repost' AND reply_to IS NOT NULL",
    "url": "SELECT DISTINCT actor_code, post_code, ts, unnest(urls) AS obj FROM posts "
    "WHERE kind <> 'repost'",
    "domain": "SELECT DISTINCT actor_code, post_code, ts, unnest(domains) AS obj FROM posts "
    "WHERE kind <> 'repost'",
    "hashtag": "SELECT DISTINCT actor_code, post_code, ts, unnest(hashtags) AS obj FROM posts "
    "WHERE kind <> 'repost'",
    # an object is what the row says the post shares, whatever its kind (CooRTweet's input)
    "object": "SELECT DISTINCT actor_code, post_code, ts, unnest(objects) AS obj FROM posts",
    "text": "SELECT actor_code, post_code, ts, text_key AS obj FROM posts "
    f"WHERE kind <> 'repost' AND length(text_key) >= {MIN_TEXT_CHARS}",
}
_CODED_SQL = """
WITH rows AS ({rows}), objects AS (
    SELECT obj, (row_number() OVER (ORDER BY obj) - 1)::BIGINT AS code
    FROM (SELECT DISTINCT obj FROM rows WHERE obj IS NOT NULL AND obj <> '')
)
SELECT r.actor_code AS actor, r.post_code AS post, r.ts, o.code AS obj
FROM rows r JOIN objects o USING (obj)
ORDER BY post, obj
"""
_OBJECTS_SQL = """
SELECT DISTINCT obj FROM ({rows}) WHERE obj IS NOT NULL AND obj <> '' ORDER BY obj
"""
_ACCOUNTS_SQL = """
SELECT uid,
       arg_max(handle, seq) FILTER (WHERE handle IS NOT NULL) AS handle,
       arg_max(created_ts, seq) FILTER (WHERE created_ts IS NOT NULL) AS created_ts,
       arg_max(hashed, seq) FILTER (WHERE hashed IS NOT NULL) AS hashed
FROM {source}
GROUP BY uid
"""
_PARQUET_ENTITIES = "read_parquet($files, union_by_name = true, hive_partitioning = false)"
_PAGES_SQL = """
SELECT uid, arg_max(news_like, seq) FILTER (WHERE news_like IS NOT NULL) AS news_like
FROM read_parquet($files, union_by_name = true, hive_partitioning = false)
GROUP BY uid
"""
_ADMINS_SQL = (
    "SELECT DISTINCT account, page FROM read_parquet($files, hive_partitioning = false) "
    "ORDER BY account, page"
)
#: Domains linked by posts in news-like pages (the scoring's "which site is whose").
_NEWS_DOMAINS_SQL = """
SELECT c.posted_in AS page, list(DISTINCT d ORDER BY d) AS domains
FROM (SELECT filename, file_row_number, unnest(domains) AS d
      FROM read_parquet($files, filename = true, file_row_number = true,
                        union_by_name = true, hive_partitioning = false)) p
JOIN posts c ON c.file = p.filename AND c.rown = p.file_row_number
WHERE c.posted_in IN (SELECT unnest($pages))
GROUP BY c.posted_in
"""


def _files(root: Path, table: str) -> list[str]:
    return sorted(str(p) for p in (Path(root) / table).glob("dataset=*/*.parquet"))


def duckdb_connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the memory limit co-action uses (``CIBGRAPH_DUCKDB_MEMORY``,
    else a share of the machine's memory: :func:`analytics.coaction.memory_limit`)."""
    from analytics.coaction import memory_limit

    limit = memory_limit()
    return duckdb.connect(config={"memory_limit": limit} if limit else {})


class StoreReader:
    """Integer-coded actions of the store at ``root`` (one DuckDB session).

    Only the columns ``signals`` need are read (all of them by default): the repost signal
    never touches a text or a URL list.
    """

    def __init__(
        self,
        root: Path,
        signals: Iterable[str] | None = None,
        *,
        memory: duckdb.DuckDBPyConnection | None = None,
    ) -> None:
        self.root = Path(root)
        self.memory = memory is not None
        self.con = memory if memory is not None else duckdb_connect()
        wanted = set(_NEEDS) if signals is None else set(signals)
        extra = sorted({c for s in wanted & set(_NEEDS) for c in _NEEDS[s]})
        self.columns = (*_CORE, *extra)
        files = [] if self.memory else _files(self.root, "actions")
        if self.memory:
            source, where = {"source": "mem_actions", "file": "file", "rown": "rown"}, {}
        else:
            source = {"source": _PARQUET_ACTIONS, "file": "filename", "rown": "file_row_number"}
            where = {"files": files}
        if files or self.memory:
            duplicates = self.con.execute(
                _DUPLICATES_SQL.format(source=source["source"]), where
            ).fetchone()
            dedup = bool(duplicates and duplicates[0])
            dense = self.memory and not dedup
            sql = _POSTS_SQL.format(
                columns=", ".join(self.columns),
                dedup=_LAST_ROW if dedup else "",
                codes="" if dense else _POST_CODES_CTE,
                post_code="l.rown" if dense else "c.post_code",
                codes_join="" if dense else " JOIN codes c USING (post)",
                **source,
            )
            self.con.execute(sql, where)
        else:
            types = {
                "ts": "BIGINT",
                "urls": "VARCHAR[]",
                "domains": "VARCHAR[]",
                "hashtags": "VARCHAR[]",
                "objects": "VARCHAR[]",
            }
            cols = ", ".join(f"{c} {types.get(c, 'VARCHAR')}" for c in self.columns)
            self.con.execute(
                f"CREATE TEMP TABLE posts (post_code BIGINT, actor_code BIGINT, {cols}, "
                "seq BIGINT, file VARCHAR, rown BIGINT)"
            )
        self.files = files
        self._text_keys_filled = False
        self._hashtags_filled = False

    @classmethod
    def in_memory(
        cls, con: duckdb.DuckDBPyConnection, names: list[str], signals: Iterable[str] | None
    ) -> StoreReader:
        """A reader of the tables :func:`loader.fastread.read_columnar` left in ``con``
        (``{name}_actions`` and ``{name}_accounts`` for each of ``names``, later names
        winning over earlier ones as later files do in a store); ``con`` stays open."""
        for table in ("actions", "accounts"):
            parts, offset = [], 0
            for i, name in enumerate(names):  # rown: 0..n-1 over all the tables, in order
                parts.append(
                    f"SELECT *, {i}::BIGINT AS file, rowid + {offset} AS rown FROM {name}_{table}"
                )
                offset += con.execute(f"SELECT count(*) FROM {name}_{table}").fetchone()[0]  # type: ignore[index]
            view = " UNION ALL BY NAME ".join(parts)
            con.execute(f"CREATE OR REPLACE TEMP VIEW mem_{table} AS {view}")
        return cls(Path("."), signals, memory=con)

    def close(self) -> None:
        if not self.memory:
            self.con.close()

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _derive(self, column: str, where: str, value_type: pa.DataType, derive: Any) -> None:
        """Fill ``column`` where a fast reader left it null (and ``where`` holds) with
        ``derive(text)``, as the row parser would have computed it: once per distinct
        text (copy-paste campaigns repeat theirs), joined back on the text."""
        missing = self.con.execute(
            f"SELECT DISTINCT text FROM posts WHERE {column} IS NULL AND {where} "
            "AND text IS NOT NULL"
        ).fetchnumpy()
        texts = missing["text"].tolist()
        if texts:
            filled = pa.table(
                {
                    "filled_text": pa.array(texts, type=pa.string()),
                    "value": pa.array([derive(t) for t in texts], value_type),
                }
            )
            self.con.register("filled", filled)
            self.con.execute(
                f"UPDATE posts SET {column} = filled.value FROM filled "
                f"WHERE posts.text = filled.filled_text AND posts.{column} IS NULL AND {where}"
            )
            self.con.unregister("filled")

    def _fill_text_keys(self) -> None:
        """The normalised-text key where a fast reader left it out ("" for reposts)."""
        if not self._text_keys_filled:
            self._text_keys_filled = True
            # ASCII texts in SQL (exact there), the rest once per distinct text in Python
            self.con.execute(
                f"UPDATE posts SET text_key = {TEXT_KEY_ASCII_SQL.format(text='text')} "
                f"WHERE text_key IS NULL AND kind <> 'repost' AND text IS NOT NULL "
                f"AND {IS_ASCII_SQL.format(text='text')}"
            )
            self._derive("text_key", "kind <> 'repost'", pa.string(), normalise_text)
            self.con.execute("UPDATE posts SET text_key = '' WHERE text_key IS NULL")

    def _fill_hashtags(self) -> None:
        """Hashtags taken from the text where a fast reader left them out, as the row
        parser does for layouts without a hashtag column."""
        if not self._hashtags_filled:
            self._hashtags_filled = True
            # only a text with a '#' can hold one (hashtags_in would find none in the rest);
            # ASCII texts in SQL (exact there), the rest once per distinct text in Python
            tagged = "contains(text, '#')"
            self.con.execute(
                f"UPDATE posts SET hashtags = {FIRST_OCCURRENCES_SQL.format(tags='f.tags')} "
                f"FROM (SELECT post_code AS code, {HASHTAGS_ASCII_SQL.format(text='text')} "
                f"AS tags FROM posts WHERE hashtags IS NULL AND {tagged} "
                f"AND {IS_ASCII_SQL.format(text='text')}) f WHERE posts.post_code = f.code"
            )
            self._derive("hashtags", tagged, pa.list_(pa.string()), hashtags_in)
            self.con.execute("UPDATE posts SET hashtags = [] WHERE hashtags IS NULL")

    def table(self, signal: str) -> SignalTable:
        if signal == "text":
            self._fill_text_keys()
        if signal == "hashtag":
            self._fill_hashtags()
        rows = _SIGNAL_OBJECTS[signal]
        found = self.con.execute(_CODED_SQL.format(rows=rows)).fetchnumpy()
        distinct = self.con.execute(_OBJECTS_SQL.format(rows=rows)).fetchall()
        objects = Codes.of([r[0] for r in distinct])
        return SignalTable(
            found["actor"].astype(np.int64),
            found["post"].astype(np.int64),
            found["ts"].astype(np.int64),
            found["obj"].astype(np.int64),
            objects,
        )

    def texts(self) -> list[str]:
        """The normalised text of every post, by post code ("" for reposts)."""
        self._fill_text_keys()
        rows = self.con.execute(
            "SELECT CASE WHEN kind = 'repost' THEN '' ELSE coalesce(text_key, '') END "
            "FROM posts ORDER BY post_code"
        ).fetchall()
        return [r[0] for r in rows]

    def text_lengths(self) -> np.ndarray:
        """The length of every post's normalised text, by post code (0 for reposts)."""
        self._fill_text_keys()
        found = self.con.execute(
            "SELECT CASE WHEN kind = 'repost' THEN 0 ELSE length(coalesce(text_key, '')) END "
            "AS n FROM posts ORDER BY post_code"
        ).fetchnumpy()
        return found["n"].astype(np.int64)

    def actions(self, signals: Iterable[str]) -> Actions:
        wanted = set(signals)
        acts = Actions()
        acts.actors = Codes.of([r[0] for r in self.con.execute(_ACTORS_SQL).fetchall()])
        columns = self.con.execute(_POST_COLUMNS_SQL).fetchnumpy()
        acts.post_actor = columns["actor_code"].astype(np.int64)
        acts.post_ts = columns["ts"].astype(np.int64)
        if "near_text" in wanted:
            acts.texts = self.texts()
        elif "text" in wanted:
            acts.text_length = self.text_lengths()
        else:
            acts.text_source = self._text_of if "text" in self.columns else None
        for signal in POST_SIGNALS:
            if signal in wanted and signal in _SIGNAL_OBJECTS:
                acts.tables[signal] = self.table(signal)
        acts.accounts = self.accounts()
        acts.admins = self.admins()
        acts.pages = self.pages()
        return acts

    def _text_of(self, post_codes: np.ndarray) -> list[str]:
        self.con.register("wanted", {"post_code": np.asarray(post_codes, dtype=np.int64)})
        rows = self.con.execute(
            "SELECT p.post_code, p.kind, p.text, p.text_key FROM posts p "
            "JOIN wanted w USING (post_code) ORDER BY p.post_code"
        ).fetchall()
        self.con.unregister("wanted")
        by_code = {
            code: "" if kind == "repost" else (key if key is not None else normalise_text(text))
            for code, kind, text, key in rows
        }
        return [by_code.get(int(c), "") for c in post_codes]

    def accounts(self) -> dict[str, dict[str, Any]]:
        files = [] if self.memory else _files(self.root, "accounts")
        if not files and not self.memory:
            return {}
        source = "mem_accounts" if self.memory else _PARQUET_ENTITIES
        out = {}
        for uid, handle, created_ts, hashed in self.con.execute(
            _ACCOUNTS_SQL.format(source=source), {"files": files} if files else {}
        ).fetchall():
            created = None if created_ts is None else dt.datetime.fromtimestamp(created_ts, dt.UTC)
            out[uid] = {"uid": uid, "handle": handle, "created_at": created, "hashed": hashed}
        return out

    def pages(self) -> set[str]:
        """Uids of every page the store knows."""
        files = [] if self.memory else _files(self.root, "pages")  # fast readers: none
        if not files:
            return set()
        return {uid for uid, _news in self.con.execute(_PAGES_SQL, {"files": files}).fetchall()}

    def admins(self) -> list[tuple[str, str]]:
        files = [] if self.memory else _files(self.root, "admins")  # fast readers: none
        if not files:
            return []
        return [(a, p) for a, p in self.con.execute(_ADMINS_SQL, {"files": files}).fetchall()]

    def news_domains(self) -> dict[str, set[str]]:
        """News-like page -> the domains its posts link to."""
        files = [] if self.memory else _files(self.root, "pages")  # fast readers: none
        if not files:
            return {}
        pages = [
            uid for uid, news in self.con.execute(_PAGES_SQL, {"files": files}).fetchall() if news
        ]
        if not pages:
            return {}
        rows = self.con.execute(_NEWS_DOMAINS_SQL, {"pages": pages, "files": self.files}).fetchall()
        return {page: set(domains) for page, domains in rows}


# -- a store for a graph filled elsewhere ----------------------------------------------


def ensure_store(graph: Graph, progress: Callable[[str], None] | None = None) -> Path:
    """The graph's action store, built from the graph first if it is missing or stale."""
    if graph.store_dir is None:
        raise CibgraphError("this graph has no action store folder (settings.action_store)")
    root = graph.store_dir
    current = graph_fingerprint(graph)
    if read_manifest(root).get("graph_fingerprint") == current:
        return root
    say = progress or (lambda _m: None)
    say(f"building the action store from the graph (once, into {root})")
    build_from_graph(graph, root, progress=say)
    seal(root, current)
    return root


def build_from_graph(graph: Graph, root: Path, progress: Callable[[str], None]) -> int:
    """Write the graph's actions, accounts, pages and admins into a fresh store."""
    from cibgraph.graph import utc_datetime

    clear(root)
    writer = StoreWriter(root, "graph")
    written = 0
    part = 0
    batch: list[tuple[dict[str, Any], PostLinks]] = []

    def flush() -> None:
        nonlocal written, part, batch
        if batch:
            written += writer.write(f"graph-{part:06d}", posts=batch)
            part += 1
            batch = []
            progress(f"  {written:,} actions")

    for row in graph.stream(GRAPH_ACTIONS_CYPHER):
        links = PostLinks(
            author=row["author"],
            posted_in=row["posted_in"],
            repost_of=(row["reposts"] or [None])[0],
            reply_to=(row["replies"] or [None])[0],
            quotes=(row["quotes"] or [None])[0],
            hashtags=sorted(set(row["hashtags"] or ())),
            objects=sorted(set(row["objects"] or ())),
            urls=sorted(set(row["urls"] or ())),
        )
        post = {"uid": row["uid"], "ts": row["ts"], "text": row["text"]}
        if row["is_repost"]:
            post["is_repost"] = True
        batch.append((post, links))
        if len(batch) >= PART_ROWS:
            flush()
    flush()
    accounts = [
        {**r, "created_at": utc_datetime(r.get("created_at"))}
        for r in graph.stream(GRAPH_ACCOUNTS_CYPHER)
    ]
    pages = list(graph.stream(GRAPH_PAGES_CYPHER))
    admins = {(r["a"], r["p"]) for r in graph.stream(GRAPH_ADMINS_CYPHER)}
    writer.write("graph-entities", accounts=accounts, pages=pages, admins=admins)
    return written
