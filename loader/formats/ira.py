"""fivethirtyeight / Clemson IRA tweets (``IRAhandle_tweets_N.csv``, 21 columns) and the
per-author variant (one CSV per author + ``authors.csv``).

* ``publish_date`` is ``M/D/YYYY H:MM`` (taken as UTC, as published).
* Ids copied through spreadsheets can be ``9.06E+17``: the row is rejected, never loaded
  under a wrong id.
* ``post_type`` is empty, ``RETWEET`` or ``QUOTE_TWEET``; retweet rows carry the original
  text without ``RT @`` and no original id, so they get ``is_repost: true`` but no
  REPOST_OF edge. Hashtags are taken from the text; ``tco*_step1`` are the expanded
  links (``article_url`` is the tweet's own address: kept as the post's ``url``).
  @mentions are left out: the data has handles, not account ids.
* ``account_category`` (RightTroll, LeftTroll, NewsFeed, ...) is a researcher label,
  kept as ``ira_category`` on the account.
* The per-author variant has no tweet id: a post's id is a hash of author, time and text,
  so reloading is idempotent. Its ``author_id`` resolves through ``authors.csv``, which must
  be loaded in the same call (same directory or listed first).
"""

from __future__ import annotations

import hashlib
from typing import Any

from loader.formats.base import Context, FormatSpec, exact
from loader.formats.common import (
    RowError,
    boolean,
    clean_id,
    drop_none,
    epoch,
    hashtags_in,
    integer,
    parse_datetime,
    required,
    text,
    unique,
)
from loader.records import PostLinks, Row, uid
from loader.urls import normalise_url

PLATFORM = "twitter"
DATE_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")

TWEET_COLUMNS = (
    "external_author_id",
    "author",
    "content",
    "region",
    "language",
    "publish_date",
    "harvested_date",
    "following",
    "followers",
    "updates",
    "post_type",
    "account_type",
    "retweet",
    "account_category",
    "new_june_2018",
    "alt_external_id",
    "tweet_id",
    "article_url",
    "tco1_step1",
    "tco2_step1",
    "tco3_step1",
)
AUTHOR_TWEET_COLUMNS = (
    "author_id",
    "content",
    "region",
    "language",
    "publish_date",
    "harvested_date",
    "following",
    "followers",
    "updates",
    "post_type",
    "retweet",
)
AUTHORS_COLUMNS = (
    "author_id",
    "author",
    "external_author_id",
    "account_type",
    "account_category",
    "new_june_2018",
    "congress_2017_id",
    "in_congress_2017",
    "in_congress_2018",
)

#: Context.extra key: author_id -> account props, filled by authors.csv.
AUTHORS_KEY = "ira_authors"


def _account(user_id: str, handle: str | None, rec: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "uid": uid(PLATFORM, user_id),
            "platform": PLATFORM,
            "id": user_id,
            "handle": handle,
            "followers": integer(rec.get("followers"), "followers"),
            "following": integer(rec.get("following"), "following"),
            "location": text(rec.get("region")),
            "ira_category": text(rec.get("account_category")),
            "ira_account_type": text(rec.get("account_type")),
        }
    )


def _post(post_id: str, rec: dict[str, Any], author_uid: str) -> tuple[dict[str, Any], PostLinks]:
    created = parse_datetime(rec["publish_date"], "publish_date", DATE_FORMATS, required_=True)
    assert created is not None
    post_type = (text(rec.get("post_type")) or "").upper()
    retweet = boolean(rec.get("retweet"), "retweet")
    if post_type not in ("", "RETWEET", "QUOTE_TWEET"):
        raise RowError("post_type", f"{post_type!r} is not empty, RETWEET or QUOTE_TWEET")
    content = rec.get("content") or None
    post = drop_none(
        {
            "uid": uid(PLATFORM, post_id),
            "platform": PLATFORM,
            "id": post_id,
            "text": content,
            "created_at": created,
            "ts": epoch(created),
            "language": text(rec.get("language")),
            "type": post_type or None,
            "url": text(rec.get("article_url")),
            "is_repost": bool(retweet) or post_type == "RETWEET",
        }
    )
    # article_url is the tweet's own address on twitter.com, not a shared link.
    link_fields = ("tco1_step1", "tco2_step1", "tco3_step1")
    urls = unique(u for u in (normalise_url(rec.get(f) or "") for f in link_fields) if u)
    return post, PostLinks(author=author_uid, hashtags=hashtags_in(content), urls=urls)


def parse_tweet(rec: dict[str, Any], ctx: Context) -> Row:
    user_id = clean_id(rec["external_author_id"], "external_author_id")
    tweet_id = clean_id(rec["tweet_id"], "tweet_id")
    assert user_id is not None and tweet_id is not None
    acc = _account(user_id, text(rec["author"]), rec)
    return Row(accounts=[acc], posts=[_post(tweet_id, rec, acc["uid"])])


def parse_author(rec: dict[str, Any], ctx: Context) -> Row:
    author_id = required(rec, "author_id")
    user_id = clean_id(rec["external_author_id"], "external_author_id")
    assert user_id is not None
    acc = _account(user_id, text(rec["author"]), rec)
    ctx.extra.setdefault(AUTHORS_KEY, {})[author_id] = acc
    return Row(accounts=[acc])


def parse_author_tweet(rec: dict[str, Any], ctx: Context) -> Row:
    author_id = required(rec, "author_id")
    known = ctx.extra.get(AUTHORS_KEY, {}).get(author_id)
    if known is None:
        raise RowError(
            "author_id",
            f"{author_id!r} is not in authors.csv (load it in the "
            "same command, e.g. the whole directory)",
        )
    published = required(rec, "publish_date")
    digest = hashlib.sha1(
        f"{known['id']}\x1f{published}\x1f{rec.get('content') or ''}".encode()
    ).hexdigest()[:20]
    acc = {**known, **_account(known["id"], known.get("handle"), rec)}
    return Row(accounts=[acc], posts=[_post(f"ira-{digest}", rec, acc["uid"])])


TWEETS = FormatSpec(
    name="ira-tweets",
    family="ira",
    title="fivethirtyeight IRA tweets (IRAhandle_tweets_N.csv, 21 columns)",
    columns=TWEET_COLUMNS,
    matches=exact(TWEET_COLUMNS),
    parse=parse_tweet,
)
AUTHORS = FormatSpec(
    name="ira-authors",
    family="ira",
    title="IRA per-author variant: authors.csv",
    columns=AUTHORS_COLUMNS,
    matches=exact(AUTHORS_COLUMNS),
    parse=parse_author,
    order=0,
)
AUTHOR_TWEETS = FormatSpec(
    name="ira-author-tweets",
    family="ira",
    title="IRA per-author variant: one author's tweets (11 columns)",
    columns=AUTHOR_TWEET_COLUMNS,
    matches=exact(AUTHOR_TWEET_COLUMNS),
    parse=parse_author_tweet,
)
