"""fivethirtyeight / Clemson IRA tweets (``IRAhandle_tweets_N.csv``, 21 columns) and the
per-author variant (one CSV per author + ``authors.csv``).

* ``publish_date`` is ``M/D/YYYY H:MM`` (taken as UTC, as published).
* Ids copied through spreadsheets can be ``9.06E+17``: such an id is taken from
  ``article_url`` (``twitter.com/<author id>/statuses/<tweet id>``, which keeps both
  exactly); without it the row is rejected, never loaded under a wrong id. Such copies
  also write ``publish_date`` with a two-digit year (``10/1/17 19:58``).
* ``post_type`` is empty, ``RETWEET`` or ``QUOTE_TWEET`` (``R`` / ``Q`` in the per-author
  files; any other value is dropped from the row, which loads); retweet rows carry the original
  text (mostly without ``RT @``) and no original id, so a retweet reposts a stub named by
  the digest of that normalised text (:func:`loader.text.retweet_key`). Hashtags are taken
  from the text; ``tco*_step1`` are the expanded links (``article_url`` is the tweet's own
  address: kept as the post's ``url``); the per-author files have no link column, so their
  links are read from the text. A rounded ``external_author_id`` (``906000000000000000``)
  takes the exact id from ``congress_2017_id`` or keys the account on its handle.
  @mentions are left out: the data has handles, not account ids.
* ``account_category`` (RightTroll, LeftTroll, NewsFeed, ...) is a researcher label,
  kept as ``ira_category`` on the account.
* The per-author variant has no tweet id: a post's id is a hash of author, time and text,
  so reloading is idempotent. Its ``author_id`` resolves through ``authors.csv``, which must
  be loaded in the same call (same directory or listed first).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import (
    COUNTS,
    RowError,
    clean_id,
    drop_none,
    epoch,
    parse_datetime,
    required,
    text,
    unique,
)
from loader.records import PostLinks, Row, uid
from loader.text import hashtags_in, retweet_key, urls_in
from loader.urls import normalise_url

PLATFORM = "twitter"
DATE_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%y %H:%M",  # after a spreadsheet: 10/1/17 19:58
)

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


def _account(user_id: str, handle: str | None, rec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return drop_none(
        {
            "uid": uid(PLATFORM, user_id),
            "platform": PLATFORM,
            "id": user_id,
            "handle": handle,
            "followers": COUNTS.get(rec.get("followers"))
            or ctx.optional_integer(rec.get("followers"), "followers"),
            "following": COUNTS.get(rec.get("following"))
            or ctx.optional_integer(rec.get("following"), "following"),
            "location": text(rec.get("region")),
            "ira_category": text(rec.get("account_category")),
            "ira_account_type": text(rec.get("account_type")),
        }
    )


def _post(
    post_id: str, rec: dict[str, Any], author_uid: str, ctx: Context
) -> tuple[dict[str, Any], PostLinks]:
    created = parse_datetime(rec["publish_date"], "publish_date", DATE_FORMATS, required_=True)
    assert created is not None
    written = rec.get("post_type")
    post_type = (
        POST_TYPES[written]  # as _post_type reads it
        if written is not None and written in POST_TYPES
        else (ctx.optional(_post_type, written) if written is not None else None) or ""
    )
    retweet = ctx.optional_boolean(rec.get("retweet"), "retweet")
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
    # article_url is the tweet's own address on twitter.com, not a shared link; the
    # per-author variant has no link column at all, so its links are read from the text
    if "tco1_step1" in rec or "tco2_step1" in rec or "tco3_step1" in rec:
        written = [w for f in ("tco1_step1", "tco2_step1", "tco3_step1") if (w := rec.get(f))]
    else:
        written = urls_in(content)
    urls = unique(u for u in map(normalise_url, written) if u) if written else []
    links = PostLinks(author=author_uid, hashtags=hashtags_in(content), urls=urls)
    if post["is_repost"]:  # no original id: retweets of one original share its text
        key = retweet_key(content)
        links.repost_of = uid(PLATFORM, key) if key else None
    return post, links


#: post_type as the releases spell it: the 538 files say RETWEET / QUOTE_TWEET, the
#: per-author files R / Q.
POST_TYPES = {
    "": "",
    "RETWEET": "RETWEET",
    "R": "RETWEET",
    "QUOTE_TWEET": "QUOTE_TWEET",
    "Q": "QUOTE_TWEET",
}


def _post_type(value: str | None) -> str:
    found = POST_TYPES.get((text(value) or "").upper())
    if found is None:
        raise RowError("post_type", f"{value!r} is not empty, RETWEET (R) or QUOTE_TWEET (Q)")
    return found


#: ``article_url`` as published: ``http://twitter.com/<author id>/statuses/<tweet id>``.
_ARTICLE = re.compile(r"^https?://(?:www\.)?twitter\.com/(\d+)/status(?:es)?/(\d+)")


def _exact_id(rec: dict[str, Any], name: str, article: re.Match[str] | None, part: int) -> str:
    """``rec[name]``, or its exact value from ``article_url`` when a spreadsheet lost it."""
    try:
        found = clean_id(rec[name], name)
    except RowError:
        if article is None:
            raise
        return article.group(part)
    assert found is not None
    return found


def parse_tweet(rec: dict[str, Any], ctx: Context) -> Row:
    # a spreadsheet may have turned the ids into 9.06E+17; article_url, a string, keeps
    # both exactly, so a lost id is taken from it (and the row is rejected only without)
    article = _ARTICLE.match(text(rec.get("article_url")) or "")
    user_id = _exact_id(rec, "external_author_id", article, 1)
    tweet_id = _exact_id(rec, "tweet_id", article, 2)
    acc = _account(user_id, text(rec["author"]), rec, ctx)
    return Row(accounts=[acc], posts=[_post(tweet_id, rec, acc["uid"], ctx)])


def parse_author(rec: dict[str, Any], ctx: Context) -> Row:
    author_id = required(rec, "author_id")
    user_id = clean_id(rec["external_author_id"], "external_author_id")
    assert user_id is not None
    # a spreadsheet rounded many ids (906000000000000000, shared by several authors):
    # such an account is keyed on its handle, unique in the release, unless
    # congress_2017_id holds the exact id the rounded one came from
    exact = ctx.optional(_unrounded, user_id, rec.get("congress_2017_id"))
    acc = _account(exact or f"@{author_id}", text(rec["author"]), rec, ctx)
    acc["ira_author_id"] = author_id  # the release's own key (two authors can share a handle)
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
    acc = {**known, **_account(known["id"], known.get("handle"), rec, ctx)}
    return Row(accounts=[acc], posts=[_post(f"ira-{digest}", rec, acc["uid"], ctx)])


def _unrounded(user_id: str, exact: str | None) -> str:
    """``user_id``, or the exact id it was rounded from; RowError when it looks rounded
    (more than 15 digits, the last three or more zero: a spreadsheet keeps 15 significant
    digits at most) and ``exact`` is not an id that rounds to it."""
    zeros = len(user_id) - len(user_id.rstrip("0"))
    if not (user_id.isdigit() and len(user_id) > 15 and zeros >= 3):
        return user_id
    candidate = (text(exact) or "").strip()
    if candidate.isdigit() and len(candidate) == len(user_id) and candidate != user_id:
        value = int(candidate)
        for digits in range(3, zeros + 1):  # half up, at whatever precision it was shown
            unit = 10**digits
            if (value + unit // 2) // unit * unit == int(user_id):
                return candidate
    raise RowError(
        "external_author_id",
        f"{user_id} was rounded by a spreadsheet (several authors can share it); "
        "the account is keyed on its handle",
    )


TWEETS = FormatSpec(
    name="ira-tweets",
    family="ira",
    title="fivethirtyeight IRA tweets (IRAhandle_tweets_N.csv, 21 columns)",
    columns=TWEET_COLUMNS,
    required=("external_author_id", "tweet_id", "publish_date"),
    parse=parse_tweet,
)
AUTHORS = FormatSpec(
    name="ira-authors",
    family="ira",
    title="IRA per-author variant: authors.csv",
    columns=AUTHORS_COLUMNS,
    required=("author_id", "external_author_id"),
    parse=parse_author,
    stateful=True,
    order=0,
)
AUTHOR_TWEETS = FormatSpec(
    name="ira-author-tweets",
    family="ira",
    title="IRA per-author variant: one author's tweets (11 columns)",
    columns=AUTHOR_TWEET_COLUMNS,
    required=("author_id", "publish_date"),
    parse=parse_author_tweet,
)
