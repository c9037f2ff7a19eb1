"""Graph -> tidy action rows: who did what to which object, when.

One streaming Cypher read pulls every timed post with its actor and the objects it
touches; :class:`Actions` holds them as integer-coded numpy columns, one table per
signal, ready for vectorised joins (:mod:`analytics.coaction`).

The actor of a post is its author account; a post with no author (a CrowdTangle page or
group post) is acted by its page or group, so page networks are detected too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cibgraph.graph import Graph, utc_datetime

ACTIONS_CYPHER = """
MATCH (p:Post) WHERE p.ts IS NOT NULL
OPTIONAL MATCH (a:Account)-[:POSTED]->(p)
OPTIONAL MATCH (p)-[:POSTED_IN]->(g)
WITH p, coalesce(a.uid, g.uid) AS actor
WHERE actor IS NOT NULL
RETURN actor, p.uid AS post, p.ts AS ts, p.text AS text,
       coalesce(p.is_repost, false) AS is_repost,
       [(p)-[:REPOST_OF]->(o:Post) | o.uid] AS reposts,
       [(p)-[:REPLY_TO]->(o:Post) | o.uid] AS replies,
       [(p)-[:LINKS_TO]->(u:Url) | u.url] AS urls,
       [(p)-[:LINKS_TO]->(:Url)-[:ON_DOMAIN]->(d:Domain) | d.name] AS domains,
       [(p)-[:TAGS]->(h:Hashtag) | h.tag] AS hashtags
"""
ADMINS_CYPHER = "MATCH (a:Account)-[:ADMINISTERS]->(p:Page) RETURN a.uid AS actor, p.uid AS object"
ACCOUNTS_CYPHER = (
    "MATCH (a:Account) RETURN a.uid AS uid, a.handle AS handle, a.created_at AS created_at, "
    "a.hashed AS hashed"
)

#: Signals built from posts (time-windowed) and from the graph's structure (no time).
POST_SIGNALS = ("url", "domain", "repost", "reply", "hashtag", "text", "near_text")
STRUCTURE_SIGNALS = ("admin", "creation")
SIGNALS = POST_SIGNALS + STRUCTURE_SIGNALS
#: Shorter normalised texts ("ok", "lol") are not evidence of copy-paste.
MIN_TEXT_CHARS = 10

_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_RT = re.compile(r"^rt\s+@?\w*:?\s*", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise_text(text: str | None) -> str:
    """QUT's co-tweet normalisation and a little more: lower case, no @mentions, no URLs,
    no RT prefix, no punctuation or emoji, white space folded."""
    if not text:
        return ""
    value = unicodedata.normalize("NFKC", text).lower()
    value = _RT.sub("", value)
    value = _URL.sub(" ", value)
    value = _MENTION.sub(" ", value)
    value = _NON_WORD.sub(" ", value)
    return _SPACE.sub(" ", value).strip()


class Codes:
    """String <-> dense integer codes (so joins run on integers)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def code(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def __len__(self) -> int:
        return len(self.values)


@dataclass
class SignalTable:
    """(actor, post, ts, object) rows of one signal as numpy columns."""

    actor: np.ndarray
    post: np.ndarray
    ts: np.ndarray
    obj: np.ndarray
    objects: Codes

    def __len__(self) -> int:
        return len(self.actor)

    def columns(self) -> dict[str, np.ndarray]:
        return {"actor": self.actor, "post": self.post, "ts": self.ts, "obj": self.obj}


@dataclass
class Actions:
    """Everything detection needs from the graph, integer-coded."""

    actors: Codes = field(default_factory=Codes)
    posts: Codes = field(default_factory=Codes)
    post_actor: list[int] = field(default_factory=list)
    post_ts: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # normalised, "" for reposts / none
    tables: dict[str, SignalTable] = field(default_factory=dict)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    admins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def actor_count(self) -> int:
        return len(self.actors)


def _table(rows: Iterable[tuple[int, int, int, str]], objects: Codes) -> SignalTable:
    actor, post, ts, obj = [], [], [], []
    for a, p, t, o in rows:
        actor.append(a)
        post.append(p)
        ts.append(t)
        obj.append(objects.code(o))
    return SignalTable(
        np.asarray(actor, dtype=np.int64),
        np.asarray(post, dtype=np.int64),
        np.asarray(ts, dtype=np.int64),
        np.asarray(obj, dtype=np.int64),
        objects,
    )


def collect(
    graph: Graph,
    signals: Iterable[str] = SIGNALS,
    progress: Callable[[int], None] | None = None,
) -> Actions:
    """Pull the actions for ``signals`` with one streaming read of the posts (plus small
    reads of accounts and page admins)."""
    wanted = set(signals)
    return build(
        graph.stream(ACTIONS_CYPHER),
        accounts=graph.stream(ACCOUNTS_CYPHER),
        admins=graph.stream(ADMINS_CYPHER) if "admin" in wanted else (),
        signals=wanted,
        progress=progress,
    )


def build(
    posts: Iterable[Mapping[str, Any]],
    *,
    accounts: Iterable[Mapping[str, Any]] = (),
    admins: Iterable[Mapping[str, Any]] = (),
    signals: Iterable[str] = SIGNALS,
    progress: Callable[[int], None] | None = None,
) -> Actions:
    """Actions from rows shaped like :data:`ACTIONS_CYPHER`'s (the graph, or a file)."""
    wanted = set(signals)
    acts = Actions()
    raw: dict[str, list[tuple[int, int, int, str]]] = {s: [] for s in POST_SIGNALS}
    keys = {
        "url": "urls",
        "domain": "domains",
        "repost": "reposts",
        "reply": "replies",
        "hashtag": "hashtags",
    }
    for n, row in enumerate(posts, start=1):
        actor = acts.actors.code(row["actor"])
        post = acts.posts.code(row["post"])
        ts = int(row["ts"])
        acts.post_actor.append(actor)
        acts.post_ts.append(ts)
        original = not row["is_repost"] and not row["reposts"]
        text = normalise_text(row["text"]) if original else ""
        acts.texts.append(text)
        for signal, key in keys.items():
            # QUT: the links, hashtags and replies inside a repost are the original's,
            # not the reposter's choice - reposts count for the repost signal only.
            if signal in wanted and (original or signal == "repost"):
                for obj in set(row[key] or ()):
                    raw[signal].append((actor, post, ts, obj))
        if "text" in wanted and len(text) >= MIN_TEXT_CHARS:
            raw["text"].append((actor, post, ts, text))
        if progress is not None and n % 10_000 == 0:
            progress(10_000)
    for signal in POST_SIGNALS:
        if signal in wanted and signal != "near_text":
            acts.tables[signal] = _table(raw[signal], Codes())
    acts.accounts = {
        row["uid"]: {**row, "created_at": utc_datetime(row.get("created_at"))} for row in accounts
    }
    acts.admins = [(row["actor"], row["object"]) for row in admins]
    return acts
