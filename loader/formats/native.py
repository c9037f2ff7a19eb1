"""cibgraph's native format: what the scenario generator writes and what a user maps
their own scrapes to. CSV (one file per kind, header row, any column order, optional
columns may be left out) or JSON lines (one object per line; the kind comes from the
file name, e.g. ``posts.jsonl``, or from a ``"type"`` key on each line).

List columns in CSV (``hashtags``, ``urls``, ``mentions``) are space-separated; in JSONL
they may be arrays. Dates are ISO 8601 (``2019-08-19T03:12:45Z``; no zone = UTC).
See docs/formats.md for every column.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import (
    RowError,
    boolean,
    clean_id,
    drop_none,
    epoch,
    integer,
    is_platform_name,
    iso_datetime,
    required,
    unique,
)
from loader.newslike import is_news_like
from loader.records import PostLinks, Row, uid
from loader.text import hashtags_in
from loader.urls import normalise_url

#: kind -> (required columns, optional columns)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "accounts": (
        ("platform", "id"),
        (
            "handle",
            "display_name",
            "created_at",
            "followers",
            "following",
            "language",
            "location",
            "description",
            "profile_url",
            "hashed",
        ),
    ),
    "pages": (
        ("platform", "id", "name"),
        (
            "handle",
            "category",
            "created_at",
            "admin_country",
            "followers",
            "description",
            "news_like",
        ),
    ),
    "groups": (("platform", "id", "name"), ("created_at", "members", "description")),
    "posts": (
        ("platform", "id", "created_at"),
        (
            "account_id",
            "page_id",
            "group_id",
            "text",
            "language",
            "client",
            "type",
            "url",
            "repost_of",
            "reply_to",
            "quotes",
            "hashtags",
            "urls",
            "mentions",
            "like_count",
            "share_count",
            "reply_count",
        ),
    ),
    "page_admins": (("platform", "account_id", "page_id"), ()),
    "group_members": (("platform", "account_id", "group_id"), ()),
    "follows": (("platform", "follower_id", "followed_id"), ()),
    "labels": (("platform", "id", "label"), ("kind", "cluster")),
}
#: JSONL "type" values (singular) -> kind
TYPES = {
    "account": "accounts",
    "page": "pages",
    "group": "groups",
    "post": "posts",
    "page_admin": "page_admins",
    "group_member": "group_members",
    "follow": "follows",
    "label": "labels",
}
LABEL_KINDS = {"account": "Account", "page": "Page", "group": "Group"}
#: kind -> groups of columns of which a record needs one (a post's owner)
OWNERS: dict[str, tuple[tuple[str, ...], ...]] = {"posts": (("account_id", "page_id", "group_id"),)}


def _platform(rec: dict[str, Any]) -> str:
    return _platform_name(required(rec, "platform"))


@functools.lru_cache(maxsize=1024)  # a file names a few platforms, on every row
def _platform_name(written: str) -> str:
    value = written.lower()
    if not is_platform_name(value):
        raise RowError("platform", f"{value!r} is not a platform name like twitter")
    return value


def _ident(rec: dict[str, Any], name: str, *, optional: bool = False) -> str | None:
    value = rec.get(name)
    return clean_id(None if value is None else str(value), name, required_=not optional)


def _str(rec: dict[str, Any], name: str) -> str | None:
    value = rec.get(name)
    if value is None:
        return None
    return (value if type(value) is str else str(value)).strip() or None


def _opt_ident(rec: dict[str, Any], name: str, ctx: Context) -> str | None:
    """``optional(_ident, rec, name, optional=True)``, none and plain digits at once."""
    value = rec.get(name)
    if value is None or value == "":
        return None
    if type(value) is str and value.isdigit():
        return value
    return ctx.optional(_ident, rec, name, optional=True)


def _count(rec: dict[str, Any], name: str, ctx: Context) -> int | None:
    """``optional(_int, rec, name)``, none, numbers and plain digits at once."""
    value = rec.get(name)
    if value is None or value == "":
        return None
    kind = type(value)
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is str and value.isdigit() and value.isascii() and len(value) < 19:
        return int(value)
    return ctx.optional(_int, rec, name)


def _int(rec: dict[str, Any], name: str) -> int | None:
    value = rec.get(name)
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool)
        else integer(None if value is None else str(value), name)
    )


def _bool(rec: dict[str, Any], name: str) -> bool | None:
    value = rec.get(name)
    return (
        value if isinstance(value, bool) else boolean(None if value is None else str(value), name)
    )


def _list(rec: dict[str, Any], name: str) -> list[str]:
    value = rec.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return str(value).split()


def _date(rec: dict[str, Any], name: str, *, needed: bool = False) -> Any:
    return iso_datetime(_str(rec, name), name, required_=needed)


def account(rec: dict[str, Any], ctx: Context) -> Row:
    platform, ident = _platform(rec), _ident(rec, "id")
    assert ident is not None
    return Row(
        accounts=[
            drop_none(
                {
                    "uid": uid(platform, ident),
                    "platform": platform,
                    "id": ident,
                    "handle": _str(rec, "handle"),
                    "display_name": _str(rec, "display_name"),
                    "created_at": ctx.optional(_date, rec, "created_at"),
                    "followers": _count(rec, "followers", ctx),
                    "following": _count(rec, "following", ctx),
                    "language": _str(rec, "language"),
                    "location": _str(rec, "location"),
                    "description": _str(rec, "description"),
                    "profile_url": _str(rec, "profile_url"),
                    "hashed": ctx.optional(_bool, rec, "hashed"),
                }
            )
        ]
    )


def page(rec: dict[str, Any], ctx: Context) -> Row:
    platform, ident = _platform(rec), _ident(rec, "id")
    assert ident is not None
    name, category = _str(rec, "name"), _str(rec, "category")
    news_like = ctx.optional(_bool, rec, "news_like")
    return Row(
        pages=[
            drop_none(
                {
                    "uid": uid(platform, ident),
                    "platform": platform,
                    "id": ident,
                    "name": name,
                    "handle": _str(rec, "handle"),
                    "category": category,
                    "created_at": ctx.optional(_date, rec, "created_at"),
                    "admin_country": _str(rec, "admin_country"),
                    "followers": _count(rec, "followers", ctx),
                    "description": _str(rec, "description"),
                    "news_like": is_news_like(category, name) if news_like is None else news_like,
                }
            )
        ]
    )


def group(rec: dict[str, Any], ctx: Context) -> Row:
    platform, ident = _platform(rec), _ident(rec, "id")
    assert ident is not None
    return Row(
        groups=[
            drop_none(
                {
                    "uid": uid(platform, ident),
                    "platform": platform,
                    "id": ident,
                    "name": _str(rec, "name"),
                    "created_at": ctx.optional(_date, rec, "created_at"),
                    "followers": _count(rec, "members", ctx),
                    "description": _str(rec, "description"),
                }
            )
        ]
    )


def post(rec: dict[str, Any], ctx: Context) -> Row:
    platform, ident = _platform(rec), _ident(rec, "id")
    assert ident is not None
    created = _date(rec, "created_at", needed=True)
    author = _ident(rec, "account_id", optional=True)
    page_id = _ident(rec, "page_id", optional=True)
    group_id = _ident(rec, "group_id", optional=True)
    if not (author or page_id or group_id):
        raise RowError("account_id", "a post needs an account_id, page_id or group_id")
    if page_id and group_id:
        raise RowError("group_id", "a post is in a page or a group, not both")
    body = rec.get("text")
    body = None if body in (None, "") else str(body)
    ref = {name: _opt_ident(rec, name, ctx) for name in ("repost_of", "reply_to", "quotes")}
    hashtags = [t.lstrip("#").lower() for t in _list(rec, "hashtags")] or hashtags_in(body)
    links = PostLinks(
        author=uid(platform, author) if author else None,
        posted_in=uid(platform, page_id or group_id) if (page_id or group_id) else None,
        posted_in_kind="Page" if page_id else "Group" if group_id else None,
        repost_of=uid(platform, ref["repost_of"]) if ref["repost_of"] else None,
        reply_to=uid(platform, ref["reply_to"]) if ref["reply_to"] else None,
        quotes=uid(platform, ref["quotes"]) if ref["quotes"] else None,
        hashtags=unique(t for t in hashtags if t),
        urls=unique(u for u in map(normalise_url, _list(rec, "urls")) if u),
        mentions=unique(
            uid(platform, m)
            for m in (
                ctx.optional_id(m, "mentions", required_=True) for m in _list(rec, "mentions")
            )
            if m
        ),
    )
    props = drop_none(
        {
            "uid": uid(platform, ident),
            "platform": platform,
            "id": ident,
            "text": body,
            "created_at": created,
            "ts": epoch(created),
            "language": _str(rec, "language"),
            "client": _str(rec, "client"),
            "type": _str(rec, "type"),
            "url": _str(rec, "url"),
            "is_repost": True if ref["repost_of"] else None,
            "like_count": _count(rec, "like_count", ctx),
            "share_count": _count(rec, "share_count", ctx),
            "reply_count": _count(rec, "reply_count", ctx),
        }
    )
    stubs = [{"uid": m, "platform": platform, "id": m.split(":", 1)[1]} for m in links.mentions]
    if author:
        stubs.insert(0, {"uid": uid(platform, author), "platform": platform, "id": author})
    return Row(accounts=stubs, posts=[(props, links)])


def _pair(rec: dict[str, Any], a: str, b: str) -> tuple[str, str]:
    platform = _platform(rec)
    first, second = _ident(rec, a), _ident(rec, b)
    assert first is not None and second is not None
    return uid(platform, first), uid(platform, second)


def page_admin(rec: dict[str, Any], ctx: Context) -> Row:
    return Row(admins=[_pair(rec, "account_id", "page_id")])


def group_member(rec: dict[str, Any], ctx: Context) -> Row:
    return Row(members=[_pair(rec, "account_id", "group_id")])


def follow(rec: dict[str, Any], ctx: Context) -> Row:
    return Row(follows=[_pair(rec, "follower_id", "followed_id")])


def label(rec: dict[str, Any], ctx: Context) -> Row:
    platform, ident = _platform(rec), _ident(rec, "id")
    assert ident is not None
    kind = (_str(rec, "kind") or "account").lower()
    if kind not in LABEL_KINDS:
        raise RowError("kind", f"{kind!r} is not account, page or group")
    return Row(
        labels=[
            drop_none(
                {
                    "label_of": LABEL_KINDS[kind],
                    "uid": uid(platform, ident),
                    "platform": platform,
                    "id": ident,
                    "truth_label": required(rec, "label"),
                    "truth_cluster": _str(rec, "cluster"),
                }
            )
        ]
    )


PARSERS: dict[str, Callable[[dict[str, Any], Context], Row]] = {
    "accounts": account,
    "pages": page,
    "groups": group,
    "posts": post,
    "page_admins": page_admin,
    "group_members": group_member,
    "follows": follow,
    "labels": label,
}
ORDER = {"accounts": 0, "pages": 0, "groups": 0, "posts": 1}


def kind_of_jsonl(path: Path) -> str | None:
    stem = path.name.split(".")[0].lower()
    return stem if stem in KINDS else TYPES.get(stem)


def parse_jsonl(rec: dict[str, Any], ctx: Context) -> Row:
    kind = ctx.extra.get("native_kind")
    declared = rec.get("type")
    if declared is not None:
        kind = TYPES.get(str(declared), str(declared))
    if kind not in PARSERS:
        raise RowError(
            "type",
            f"{declared!r} is not one of {', '.join(TYPES)}"
            if declared is not None
            else 'no "type" key and the file name does not say the kind (e.g. posts.jsonl)',
        )
    return PARSERS[kind](rec, ctx)


CSV_FORMATS = tuple(
    FormatSpec(
        name=f"native-{kind.replace('_', '-')}",
        family="native",
        title=f"native {kind} (CSV)",
        columns=KINDS[kind][0] + KINDS[kind][1],
        required=KINDS[kind][0] + OWNERS.get(kind, ()),
        parse=PARSERS[kind],
        order=ORDER.get(kind, 2),
    )
    for kind in KINDS
)
JSONL_FORMAT = FormatSpec(
    name="native-jsonl",
    family="native",
    title='native JSON lines (kind from file name or "type")',
    columns=("type",),
    parse=parse_jsonl,
    jsonl=True,
)
