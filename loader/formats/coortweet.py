"""CooRTweet's tidy input: one row per share of an object, as the R package CooRTweet
takes it (``object_id, account_id, content_id, timestamp_share``) and its users save it.

* The object is anything shared: a retweeted tweet's id, a URL, a hashtag, a domain, an
  image hash. It becomes an ``Object`` node the post ``SHARES``, and detection's
  ``object`` signal co-acts on it; nothing else is read into it (an object that looks like
  a URL stays an object, not a ``Url``).
* ``content_id`` is the post, ``account_id`` its author; a post that shares several
  objects is several rows with the same ``content_id``, and keeps every object, also when
  the rows are apart (a file sorted by object), as long as fewer than a million other
  posts come between them.
* ``timestamp_share`` is epoch seconds (CooRTweet's integer UNIX time, or a float after a
  spreadsheet); an ISO 8601 time is accepted too.
* A row whose object is its own content (``object_id`` = ``content_id``: a tweet listed
  as sharing itself) loads the post without that object, as CooRTweet drops such pairs.
* R's ``write.csv`` writes ``NA`` for a missing value and a first unnamed column of row
  numbers (ignored).
* The platform is not in the file: ``--platform`` (default ``twitter``) names it.
"""

from __future__ import annotations

from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import clean_id, drop_none, epoch_time, items_so_far, r_text
from loader.records import PostLinks, Row, uid

COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
#: What CooRTweet's own helpers add or R writes beside them (read when present).
ALSO = ("",)
#: Posts whose rows were read recently -> their objects so far (a bounded memory).
RECENT_KEY = "coortweet_objects"
RECENT = 1_000_000


def parse(rec: dict[str, Any], ctx: Context) -> Row:
    platform = ctx.platform
    content_id = clean_id(r_text(rec.get("content_id")), "content_id")
    account_id = clean_id(r_text(rec.get("account_id")), "account_id")
    assert content_id is not None and account_id is not None
    ts, created = epoch_time(r_text(rec.get("timestamp_share")), "timestamp_share", iso=True)
    obj = r_text(rec.get("object_id"))
    author = {"uid": uid(platform, account_id), "platform": platform, "id": account_id}
    post_uid = uid(platform, content_id)
    post = drop_none(
        {"uid": post_uid, "platform": platform, "id": content_id, "created_at": created, "ts": ts}
    )
    shared = [obj] if obj is not None and obj != content_id else []
    links = PostLinks(
        author=author["uid"],
        objects=items_so_far(ctx.extra, RECENT_KEY, post_uid, shared, RECENT),
    )
    return Row(accounts=[author], posts=[(post, links)])


FORMAT = FormatSpec(
    name="coortweet",
    family="coortweet",
    title="CooRTweet's input (object_id, account_id, content_id, timestamp_share)",
    columns=COLUMNS,
    also=ALSO,
    required=COLUMNS,
    parse=parse,
    stateful=True,
    merges_rows=True,
)
