"""The QUT coordination-network-toolkit's generic CSV, for side-by-side comparison:
``message_id, user_id, username, repost_id, reply_id, message, timestamp, urls``, read by
position (header row required). ``timestamp`` is epoch seconds, ``urls`` space-separated,
empty ``repost_id``/``reply_id`` mean none. The platform is ``--platform`` (default
twitter).
"""

from __future__ import annotations

from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import clean_id, drop_none, epoch_time, text, unique
from loader.records import PostLinks, Row, uid
from loader.text import hashtags_in
from loader.urls import normalise_url

COLUMNS = (
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
)


def matches(header: list[str]) -> bool:
    return [h.lower() for h in header] == list(COLUMNS)


def parse(rec: dict[str, Any], ctx: Context) -> Row:
    values = dict(zip(COLUMNS, rec.values(), strict=True))
    platform = ctx.platform
    message_id = clean_id(values["message_id"], "message_id")
    user_id = clean_id(values["user_id"], "user_id")
    assert message_id is not None and user_id is not None
    ts, created = epoch_time(values["timestamp"], "timestamp")
    repost = ctx.optional_id(values["repost_id"], "repost_id")
    reply = ctx.optional_id(values["reply_id"], "reply_id")
    message = values["message"] or None
    author = {
        "uid": uid(platform, user_id),
        "platform": platform,
        "id": user_id,
        **({"handle": h} if (h := text(values["username"])) else {}),
    }
    post = drop_none(
        {
            "uid": uid(platform, message_id),
            "platform": platform,
            "id": message_id,
            "text": message,
            "created_at": created,
            "ts": ts,
            "is_repost": True if repost else None,
        }
    )
    links = PostLinks(
        author=author["uid"],
        repost_of=uid(platform, repost) if repost else None,
        reply_to=uid(platform, reply) if reply else None,
        hashtags=hashtags_in(message),
        urls=unique(u for u in map(normalise_url, (values["urls"] or "").split()) if u),
    )
    return Row(accounts=[author], posts=[(post, links)])


FORMAT = FormatSpec(
    name="qut",
    family="qut",
    title="QUT coordination-network-toolkit generic CSV (8 columns by position)",
    columns=COLUMNS,
    matches=matches,  # by position, as the toolkit reads it
    parse=parse,
)
