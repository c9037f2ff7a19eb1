"""Tidy actions: who did what to which object, when, as integer codes.

:class:`Actions` holds them as integer-coded numpy columns, one table per signal, ready
for vectorised joins (:mod:`analytics.coaction`). Detection fills it from the action
store (:mod:`analytics.store`); :func:`build` fills it from row dicts for small worlds.

The actor of a post is its author account; a post with no author (a CrowdTangle page or
group post) is acted by its page or group, so page networks are detected too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from loader.text import MIN_TEXT_CHARS, normalise_text

#: Signals built from posts (time-windowed) and from the graph's structure (no time).
POST_SIGNALS = ("url", "domain", "repost", "reply", "hashtag", "object", "text", "near_text")
STRUCTURE_SIGNALS = ("admin", "creation")
SIGNALS = POST_SIGNALS + STRUCTURE_SIGNALS

__all__ = ["MIN_TEXT_CHARS", "normalise_text"]  # re-exported from loader.text


class Codes:
    """String <-> dense integer codes (so joins run on integers)."""

    def __init__(self) -> None:
        self._index: dict[str, int] | None = {}
        self.values: list[str] = []

    @classmethod
    def of(cls, values: list[str]) -> Codes:
        """Codes for distinct ``values`` (code = position); the reverse index is built
        only if something asks for a code."""
        codes = cls()
        codes.values = values
        codes._index = None
        return codes

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {v: i for i, v in enumerate(self.values)}
        return self._index

    def code(self, value: str) -> int:
        index = self.index
        found = index.get(value)
        if found is None:
            found = index[value] = len(self.values)
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
    """Everything detection needs, integer-coded (read from the action store by
    :class:`analytics.store.StoreReader`, or built from rows by :func:`build`)."""

    actors: Codes = field(default_factory=Codes)
    posts: Codes = field(default_factory=Codes)
    post_actor: Any = field(default_factory=list)  # post code -> actor code
    post_ts: Any = field(default_factory=list)  # post code -> epoch seconds
    #: Normalised text by post code ("" for reposts / none); empty when no text signal
    #: was asked for, and then ``text_source`` normalises the posts asked about.
    texts: list[str] = field(default_factory=list)
    text_source: Callable[[Any], list[str]] | None = None
    #: Length of the normalised text by post code, when the store gave it without the
    #: texts themselves (the ``text`` signal without ``near_text``).
    text_length: np.ndarray | None = None
    tables: dict[str, SignalTable] = field(default_factory=dict)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    admins: list[tuple[str, str]] = field(default_factory=list)
    #: Uids of the actors that are pages (a page network's members), not accounts.
    pages: set[str] = field(default_factory=set)

    @property
    def actor_count(self) -> int:
        return len(self.actors)

    def texts_of(self, post_codes: Any) -> list[str]:
        """Normalised texts of ``post_codes``."""
        if self.texts:
            return [self.texts[int(p)] for p in post_codes]
        if self.text_source is None:
            raise ValueError("texts were not read: ask for a text signal")
        return self.text_source(post_codes)

    def text_lengths(self, post_codes: np.ndarray) -> np.ndarray:
        """Lengths (in characters) of the normalised texts of ``post_codes``."""
        if self.text_length is not None:
            return self.text_length[post_codes]
        texts = self.texts_of(post_codes)
        return np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))


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


def build(
    posts: Iterable[Mapping[str, Any]],
    *,
    accounts: Iterable[Mapping[str, Any]] = (),
    admins: Iterable[Mapping[str, Any]] = (),
    signals: Iterable[str] = SIGNALS,
    progress: Callable[[int], None] | None = None,
) -> Actions:
    """Actions from row dicts (``actor, post, ts, text, is_repost, reposts, replies, urls,
    domains, hashtags`` and optionally ``objects``): small hand-made worlds in tests and
    benchmarks. Detection itself reads the action store (:mod:`analytics.store`)."""
    wanted = set(signals)
    acts = Actions()
    raw: dict[str, list[tuple[int, int, int, str]]] = {s: [] for s in POST_SIGNALS}
    keys = {
        "url": "urls",
        "domain": "domains",
        "repost": "reposts",
        "reply": "replies",
        "hashtag": "hashtags",
        "object": "objects",
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
            # not the reposter's choice - reposts count for the repost signal only (and
            # for objects, which the row itself says the post shares).
            if signal in wanted and (original or signal in ("repost", "object")):
                for obj in set(row.get(key) or ()):
                    raw[signal].append((actor, post, ts, obj))
        if "text" in wanted and len(text) >= MIN_TEXT_CHARS:
            raw["text"].append((actor, post, ts, text))
        if progress is not None and n % 10_000 == 0:
            progress(10_000)
    for signal in POST_SIGNALS:
        if signal in wanted and signal != "near_text":
            acts.tables[signal] = _table(raw[signal], Codes())
    from cibgraph.graph import utc_datetime

    acts.accounts = {
        row["uid"]: {**row, "created_at": utc_datetime(row.get("created_at"))} for row in accounts
    }
    acts.admins = [(row["actor"], row["object"]) for row in admins]
    return acts
