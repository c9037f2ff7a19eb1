"""CrowdTangle historical export of Facebook Pages or Groups (CSV, ``,`` or ``;``).

Both eras: the newer ~40-column export (``Post Created``, ``Care``) and the 2020 one
(``Created``, ``Thankful``); Groups exports say ``Group Name`` instead of ``Page Name``.
Each row is a post in a Page or Group; the export names no person, so posts have no
POSTED edge, only POSTED_IN. ``Post Created`` carries a zone abbreviation
(``2019-08-19 03:12:45 EDT``; the table is :mod:`loader.formats.zones`); an abbreviation
in no table rejects the row rather than guess. Counts and scores are read in the
exporter's locale (``407.137``, ``1,4``); a damaged one is dropped from its row.
``Final Link`` (after redirects) is preferred to ``Link``. A Page is NewsLike when
its category or name says news/media (:func:`loader.newslike.is_news_like`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import (
    COUNTS,
    RowError,
    clean_id,
    drop_none,
    epoch,
    locale_count,
    locale_decimal,
    parse_datetime,
    text,
)
from loader.formats.zones import offset_minutes
from loader.newslike import is_news_like
from loader.records import PostLinks, Row, uid
from loader.text import hashtags_in
from loader.urls import normalise_url

PLATFORM = "facebook"

#: Columns of the newer Pages export, in order (Groups: "Group Name" for "Page Name").
COLUMNS = (
    "Page Name",
    "User Name",
    "Facebook Id",
    "Page Category",
    "Page Admin Top Country",
    "Page Description",
    "Page Created",
    "Likes at Posting",
    "Followers at Posting",
    "Post Created",
    "Post Created Date",
    "Post Created Time",
    "Type",
    "Total Interactions",
    "Likes",
    "Comments",
    "Shares",
    "Love",
    "Wow",
    "Haha",
    "Sad",
    "Angry",
    "Care",
    "Video Share Status",
    "Is Video Owner?",
    "Post Views",
    "Total Views",
    "Total Views For All Crossposts",
    "Video Length",
    "URL",
    "Message",
    "Link",
    "Final Link",
    "Image Text",
    "Link Text",
    "Description",
    "Sponsor Id",
    "Sponsor Name",
    "Sponsor Category",
    "Overperforming Score",
)

_POST_ID = re.compile(r"(?:/posts/|/videos/|/permalink/|story_fbid=|/photos/[^/]+/)(\d+)")


def created_at(value: str | None, name: str) -> dt.datetime | None:
    """``2019-08-19 03:12:45 EDT`` (any abbreviation of :mod:`loader.formats.zones`, or a
    numeric zone such as ``-03``) -> aware UTC datetime."""
    raw = text(value)
    if raw is None:
        return None
    return _created_at(raw, name)


@functools.lru_cache(maxsize=1 << 16)  # a page's posts share minutes, its creation date
def _created_at(raw: str, name: str) -> dt.datetime:
    parts = raw.rsplit(" ", 1)
    if len(parts) == 2 and not parts[1][:1].isdigit():
        offset = offset_minutes(parts[1])
        if offset is None:
            if parts[1].isalpha():
                raise RowError(name, f"unknown time zone abbreviation {parts[1]!r} in {raw!r}")
        else:
            local = parse_datetime(parts[0], name, ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"))
            assert local is not None
            return local - dt.timedelta(minutes=offset)
    return parse_datetime(raw, name, ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%z"))


def post_id(url: str | None, entity_id: str, created: dt.datetime) -> str:
    """The post's id from its URL (``.../posts/123``), else the URL path, else time."""
    if url:
        found = _POST_ID.search(url)
        if found:
            return f"{entity_id}_{found.group(1)}"
        normal = normalise_url(url)
        if normal:
            return normal.split("://", 1)[1]
    return f"{entity_id}_{epoch(created)}"


def parse(rec: dict[str, Any], ctx: Context) -> Row:
    is_group = "Group Name" in rec
    entity_id = clean_id(rec["Facebook Id"], "Facebook Id")
    assert entity_id is not None
    name_field = "Group Name" if is_group else "Page Name"
    created_field = "Post Created" if "Post Created" in rec else "Created"
    created = created_at(rec[created_field], created_field)
    if created is None:
        raise RowError(created_field, "required date is empty")
    entity = ctx.memo(
        (entity_id, *map(rec.get, _ENTITY_COLUMNS)),
        lambda: _entity(rec, ctx, entity_id, name_field, is_group),
    )
    message = rec.get("Message") or None
    post_url = text(rec.get("URL"))
    pid = post_id(post_url, entity_id, created)
    post = drop_none(
        {
            "uid": uid(PLATFORM, pid),
            "platform": PLATFORM,
            "id": pid,
            "text": message,
            "created_at": created,
            "ts": epoch(created),
            "type": text(rec.get("Type")),
            "url": post_url,
            "like_count": COUNTS.get(rec.get("Likes"))
            or ctx.optional_integer(rec.get("Likes"), "Likes", locale_count),
            "share_count": COUNTS.get(rec.get("Shares"))
            or ctx.optional_integer(rec.get("Shares"), "Shares", locale_count),
            "reply_count": COUNTS.get(rec.get("Comments"))
            or ctx.optional_integer(rec.get("Comments"), "Comments", locale_count),
            "interactions": ctx.optional_integer(
                _weighted(rec, "Total Interactions", ctx), "Total Interactions", locale_count
            ),
            "overperforming": ctx.optional(_score, _weighted(rec, "Overperforming Score", ctx)),
        }
    )
    link = normalise_url(rec.get("Final Link") or "") or normalise_url(rec.get("Link") or "")
    links = PostLinks(
        posted_in=entity["uid"],
        posted_in_kind="Group" if is_group else "Page",
        hashtags=hashtags_in(message),
        urls=[link] if link else [],
    )
    return Row(
        groups=[entity] if is_group else [],
        pages=[] if is_group else [entity],
        posts=[(post, links)],
    )


#: The columns a page or group is read from, on every post.
_ENTITY_COLUMNS = (
    "Page Name",
    "Group Name",
    "User Name",
    "Page Category",
    "Page Admin Top Country",
    "Page Description",
    "Page Created",
    "Followers at Posting",
    "Likes at Posting",
)


def _entity(
    rec: dict[str, Any], ctx: Context, entity_id: str, name_field: str, is_group: bool
) -> dict[str, Any]:
    name = text(rec[name_field])
    category = text(rec.get("Page Category"))
    entity = drop_none(
        {
            "uid": uid(PLATFORM, entity_id),
            "platform": PLATFORM,
            "id": entity_id,
            "name": name,
            "handle": text(rec.get("User Name")),
            "category": category,
            "admin_country": text(rec.get("Page Admin Top Country")),
            "description": text(rec.get("Page Description")),
            "created_at": ctx.optional(created_at, rec.get("Page Created"), "Page Created"),
            "followers": ctx.optional(
                locale_count, rec.get("Followers at Posting"), "Followers at Posting"
            )
            or ctx.optional(locale_count, rec.get("Likes at Posting"), "Likes at Posting"),
        }
    )
    if not is_group:
        entity["news_like"] = is_news_like(category, name)
    return entity


def _weighted(rec: dict[str, Any], name: str, ctx: Context) -> str | None:
    """``name``'s value, also when the export wrote its weights into the column name
    (``Overperforming Score (weighted  —  Likes 1x Shares 1x ...)``); which column that
    is, is found once per file (every record of a file has its header)."""
    if rec.get(name) is not None:
        return rec[name]
    column = ctx.memo(
        ("weighted column", name),
        lambda: next((k for k in rec if k.startswith(name + " (")), None),
    )
    return None if column is None else rec.get(column)


def _score(value: str | None) -> float | None:
    """``Overperforming Score`` in the exporter's locale (``1,4``, ``-2.35``); it may
    carry a long formula suffix: the leading number is kept."""
    raw = text(value)
    if raw is None:
        return None
    return _leading_score(raw) if len(raw) <= 64 else _leading_number(raw)


def _leading_number(raw: str) -> float | None:
    found = _LEADING_NUMBER.match(raw)
    return locale_decimal(found.group(0), "Overperforming Score") if found else None


_LEADING_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)*")
_leading_score = functools.lru_cache(maxsize=1 << 14)(_leading_number)  # scores recur


FORMAT = FormatSpec(
    name="crowdtangle",
    family="crowdtangle",
    title="CrowdTangle historical export, Pages or Groups (both eras, , or ;)",
    columns=(*COLUMNS, "Group Name", "Created"),
    also=("Thankful",),  # the 2020-era export's reaction
    prefixes=("Overperforming Score (", "Total Interactions ("),
    required=("Facebook Id", ("Page Name", "Group Name"), ("Post Created", "Created")),
    parse=parse,
)
