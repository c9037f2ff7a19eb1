"""CooRnet's ``ct_shares``: the shares of links that CooRnet (the R package) collects from
CrowdTangle's links API and that its users save as CSV (``write.csv`` of
``ct_shares.df``).

* One row per (post, link): a post that shares three links is three rows with the same
  post id. The rows of a post are read together, and the post keeps every link (the
  loader's "last row wins" would otherwise keep one).
* The post's id is ``platformId`` (``<page id>_<post id>``) or, in the shortest layout,
  ``id``; its owner is a Page or Group (``account.platformId``, else the number in
  ``account.url``); ``account.accountType`` says which (``facebook_group`` is a Group).
  As in CrowdTangle exports, no person is named: posts are POSTED_IN their page or group.
* ``date`` is UTC (``2020-10-29 14:56:05``, or ISO ``2020-10-29T14:56:05Z`` after
  ``readr``); R writes missing values as ``NA`` and logicals as ``TRUE``/``FALSE``;
  ``write.csv`` adds a first unnamed column of row numbers (ignored).
* ``expanded`` is the shared link after CrowdTangle expanded it; ``is_orig`` (the link
  was in CooRnet's input list) is kept on the post as ``seed_link``.
"""

from __future__ import annotations

import re
from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import (
    clean_id,
    drop_none,
    epoch,
    items_so_far,
    parse_datetime,
)
from loader.newslike import is_news_like
from loader.records import PostLinks, Row, uid
from loader.text import hashtags_in
from loader.urls import normalise_url

COLUMNS = (
    "id",
    "platformId",
    "platform",
    "date",
    "type",
    "title",
    "description",
    "message",
    "postUrl",
    "expanded",
    "is_orig",
    "statistics.actual.likeCount",
    "statistics.actual.shareCount",
    "statistics.actual.commentCount",
    "account.id",
    "account.name",
    "account.handle",
    "account.subscriberCount",
    "account.url",
    "account.platform",
    "account.platformId",
    "account.accountType",
    "account.pageCategory",
    "account.pageAdminTopCountry",
    "account.pageDescription",
    "account.pageCreatedDate",
    "account.verified",
)
#: Read when present: the other reactions, CooRnet's marks, R's row names.
ALSO = (
    "",
    "iscoordinated",
    *(
        f"statistics.actual.{n}Count"
        for n in ("love", "wow", "haha", "sad", "angry", "thankful", "care")
    ),
)
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%SZ")
_ACCOUNT_URL = re.compile(r"facebook\.com/(?:groups/)?(\d+)")
#: Posts whose rows were read recently -> their links so far (rows of a post are adjacent
#: as CooRnet writes them; a bounded memory keeps hostile files from growing it).
RECENT_KEY = "coornet_links"
RECENT = 100_000


def parse(rec: dict[str, Any], ctx: Context) -> Row:
    # r_text of every field, inline: the rows are wide and many
    values = {k: None if v is None or (t := v.strip()) in _MISSING else t for k, v in rec.items()}
    post_id = clean_id(values.get("platformId") or values.get("id"), "platformId")
    assert post_id is not None
    owner = values.get("account.platformId")
    if owner is None and values.get("account.url"):
        found = _ACCOUNT_URL.search(values["account.url"] or "")
        owner = found.group(1) if found else None
    owner = clean_id(owner, "account.platformId")
    assert owner is not None
    created = parse_datetime(values.get("date"), "date", DATE_FORMATS, required_=True)
    assert created is not None
    platform = (values.get("account.platform") or values.get("platform") or "facebook").lower()
    is_group = (values.get("account.accountType") or "").lower().endswith("group") or (
        "/groups/" in (values.get("account.url") or "")
    )
    name = values.get("account.name")
    category = values.get("account.pageCategory")
    entity = drop_none(
        {
            "uid": uid(platform, owner),
            "platform": platform,
            "id": owner,
            "name": name,
            "handle": values.get("account.handle"),
            "category": category,
            "admin_country": values.get("account.pageAdminTopCountry"),
            "description": values.get("account.pageDescription"),
            "followers": ctx.optional_integer(
                values.get("account.subscriberCount"), "account.subscriberCount"
            ),
            "verified": ctx.optional_boolean(values.get("account.verified"), "account.verified"),
            "created_at": ctx.optional(
                parse_datetime,
                values.get("account.pageCreatedDate"),
                "account.pageCreatedDate",
                DATE_FORMATS,
            ),
        }
    )
    if not is_group:
        entity["news_like"] = is_news_like(category, name)
    body = values.get("message") or values.get("description") or values.get("title")
    post = drop_none(
        {
            "uid": uid(platform, post_id),
            "platform": platform,
            "id": post_id,
            "text": values.get("message"),
            "created_at": created,
            "ts": epoch(created),
            "type": values.get("type"),
            "url": values.get("postUrl"),
            "seed_link": ctx.optional_boolean(values.get("is_orig"), "is_orig"),
            "like_count": ctx.optional_integer(
                values.get("statistics.actual.likeCount"), "statistics.actual.likeCount"
            ),
            "share_count": ctx.optional_integer(
                values.get("statistics.actual.shareCount"), "statistics.actual.shareCount"
            ),
            "reply_count": ctx.optional_integer(
                values.get("statistics.actual.commentCount"), "statistics.actual.commentCount"
            ),
        }
    )
    link = normalise_url(values.get("expanded") or "")
    urls = items_so_far(ctx.extra, RECENT_KEY, post["uid"], [link] if link else [], RECENT)
    links = PostLinks(
        posted_in=entity["uid"],
        posted_in_kind="Group" if is_group else "Page",
        hashtags=hashtags_in(body),
        urls=urls,
    )
    return Row(
        groups=[entity] if is_group else [],
        pages=[] if is_group else [entity],
        posts=[(post, links)],
    )


#: What r_text reads as missing.
_MISSING = ("", "NA")
FORMAT = FormatSpec(
    name="coornet-shares",
    family="coornet",
    title="CooRnet's ct_shares (CrowdTangle link shares saved from R)",
    columns=COLUMNS,
    also=ALSO,
    required=(("platformId", "id"), ("account.platformId", "account.url"), "date", "expanded"),
    parse=parse,
    stateful=True,
    merges_rows=True,
)
