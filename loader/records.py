"""Normalised records: what every format parser produces and the writer consumes.

Records are plain dicts (sent to the server as Bolt maps without conversion); the
TypedDicts below document their keys. Ids are platform-scoped strings; ``uid`` is
``"<platform>:<id>"`` (see :func:`uid`). Datetimes are timezone-aware UTC
:class:`datetime.datetime` values; posts also carry ``ts`` (epoch seconds) because the
embedded backend cannot take ``.epochSeconds`` of a stored datetime.

A :class:`Row` is everything one input line yields. The writer commits a row's records
in the same transaction, so a row is never half-written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

Props = dict[str, Any]


def uid(platform: str, ident: str) -> str:
    return f"{platform}:{ident}"


class AccountRec(TypedDict, total=False):
    uid: str
    platform: str
    id: str
    handle: str
    display_name: str
    created_at: Any
    followers: int
    following: int
    language: str
    location: str
    description: str
    profile_url: str
    hashed: bool
    ira_category: str
    ira_account_type: str


class PageRec(TypedDict, total=False):
    uid: str
    platform: str
    id: str
    name: str
    handle: str
    category: str
    created_at: Any
    admin_country: str
    followers: int
    description: str
    news_like: bool
    verified: bool


class PostRec(TypedDict, total=False):
    uid: str
    platform: str
    id: str
    text: str
    created_at: Any
    ts: int
    language: str
    client: str
    type: str
    url: str
    like_count: int
    share_count: int
    reply_count: int
    quote_count: int
    interactions: int
    seed_link: bool  # CooRnet: the shared link was in its input list
    is_repost: bool
    latitude: float
    longitude: float


@dataclass
class PostLinks:
    """A post's relationships, by the uid (or key) of the other end."""

    author: str | None = None  # Account uid: (author)-[:POSTED]->(post)
    posted_in: str | None = None  # Page/Group uid
    posted_in_kind: str | None = None  # "Page" | "Group"
    repost_of: str | None = None  # Post uid
    repost_of_author: str | None = None  # Account uid of the original, when known
    reply_to: str | None = None
    reply_to_author: str | None = None
    quotes: str | None = None
    hashtags: list[str] = field(default_factory=list)  # lower-cased tags
    urls: list[str] = field(default_factory=list)  # normalised urls
    mentions: list[str] = field(default_factory=list)  # Account uids
    objects: list[str] = field(default_factory=list)  # keys of anything else it shares


@dataclass
class Row:
    """The records one input line yields (any may be empty)."""

    accounts: list[Props] = field(default_factory=list)
    pages: list[Props] = field(default_factory=list)
    groups: list[Props] = field(default_factory=list)
    posts: list[tuple[Props, PostLinks]] = field(default_factory=list)
    admins: list[tuple[str, str]] = field(default_factory=list)  # (account uid, page uid)
    members: list[tuple[str, str]] = field(default_factory=list)  # (account uid, group uid)
    follows: list[tuple[str, str]] = field(default_factory=list)  # (follower, followed)
    labels: list[Props] = field(default_factory=list)  # {account, label, cluster}


@dataclass
class Reject:
    """A line that was not loaded, and why."""

    file: str
    line: int
    field: str
    reason: str
    raw: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: field {self.field!r}: {self.reason}"
            if self.field
            else (f"{where}: {self.reason}")
        )
