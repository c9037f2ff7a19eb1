"""Twitter information-operations archive (``<op>_users_csv_hashed.csv``,
``<op>_tweets_csv_hashed.csv``), as in the Aug 2019 China / Hong Kong release.

* Hashed releases anonymise small accounts: ``userid == user_screen_name ==
  user_display_name`` (an opaque hash): such accounts get ``hashed: true``.
* ``hashtags``, ``urls``, ``user_mentions`` are Python-list strings; mentions are user ids.
* Retweets point at the original with ``retweet_tweetid``/``retweet_userid``; replies and
  quotes likewise. Originals outside the release become stub Post/Account nodes (uid only)
  so the amplification structure is kept.
* ``tweet_time`` is ``YYYY-MM-DD HH:MM`` UTC; ``account_creation_date`` ``YYYY-MM-DD``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import (
    COUNTS,
    clean_id,
    drop_none,
    epoch,
    number,
    parse_datetime,
    py_list,
    text,
    unique,
)
from loader.records import PostLinks, Row, uid
from loader.urls import normalise_url

PLATFORM = "twitter"

USER_COLUMNS = (
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "user_profile_url",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
)
TWEET_COLUMNS = (
    "tweetid",
    *USER_COLUMNS,
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "tweet_client_name",
    "in_reply_to_userid",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "is_retweet",
    "retweet_userid",
    "retweet_tweetid",
    "latitude",
    "longitude",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
    "hashtags",
    "urls",
    "user_mentions",
    "poll_choices",
)


#: The columns an account is read from (the users file's, repeated on every tweet).
ACCOUNT_COLUMNS = USER_COLUMNS


def account(rec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The account of a users-file row or of a tweet's author (shared: do not change it)."""
    return ctx.memo(tuple(map(rec.__getitem__, ACCOUNT_COLUMNS)), lambda: _account(rec, ctx))


def _account(rec: dict[str, Any], ctx: Context) -> dict[str, Any]:
    user_id = clean_id(rec["userid"], "userid")
    assert user_id is not None
    handle = text(rec["user_screen_name"])
    display = text(rec["user_display_name"])
    return drop_none(
        {
            "uid": uid(PLATFORM, user_id),
            "platform": PLATFORM,
            "id": user_id,
            "handle": handle,
            "display_name": display,
            "location": text(rec["user_reported_location"]),
            "description": text(rec["user_profile_description"]),
            "profile_url": text(rec["user_profile_url"]),
            "followers": COUNTS.get(rec["follower_count"])
            or ctx.optional_integer(rec["follower_count"], "follower_count"),
            "following": COUNTS.get(rec["following_count"])
            or ctx.optional_integer(rec["following_count"], "following_count"),
            "created_at": ctx.optional(
                parse_datetime,
                rec["account_creation_date"],
                "account_creation_date",
                ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"),
            ),
            "language": text(rec["account_language"]),
            "hashed": handle == user_id and display == user_id,
        }
    )


def parse_user(rec: dict[str, Any], ctx: Context) -> Row:
    return Row(accounts=[account(rec, ctx)])


def parse_tweet(rec: dict[str, Any], ctx: Context) -> Row:
    tweet_id = clean_id(rec["tweetid"], "tweetid")
    assert tweet_id is not None
    author = account(rec, ctx)
    created = parse_datetime(
        rec["tweet_time"], "tweet_time", ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"), required_=True
    )
    assert created is not None
    is_retweet = ctx.optional_boolean(rec["is_retweet"], "is_retweet") or False
    post = drop_none(
        {
            "uid": uid(PLATFORM, tweet_id),
            "platform": PLATFORM,
            "id": tweet_id,
            "text": rec["tweet_text"] or None,
            "created_at": created,
            "ts": epoch(created),
            "language": text(rec["tweet_language"]),
            "client": text(rec["tweet_client_name"]),
            "is_repost": is_retweet,
            "latitude": _place(rec["latitude"], "latitude", ctx),
            "longitude": _place(rec["longitude"], "longitude", ctx),
            "like_count": COUNTS.get(rec["like_count"])
            or ctx.optional_integer(rec["like_count"], "like_count"),
            "share_count": COUNTS.get(rec["retweet_count"])
            or ctx.optional_integer(rec["retweet_count"], "retweet_count"),
            "reply_count": COUNTS.get(rec["reply_count"])
            or ctx.optional_integer(rec["reply_count"], "reply_count"),
            "quote_count": COUNTS.get(rec["quote_count"])
            or ctx.optional_integer(rec["quote_count"], "quote_count"),
        }
    )
    links = PostLinks(author=author["uid"])
    stubs: list[dict[str, Any]] = []

    def ref(id_field: str, user_field: str | None) -> tuple[str | None, str | None]:
        # a reference a spreadsheet mangled (1.198473762313818e+18) is dropped on its own:
        # the id beside it (its user) usually survives
        target = (value := rec[id_field]) and ctx.optional_id(value, id_field)
        who = user_field and (value := rec[user_field]) and ctx.optional_id(value, user_field)
        if who:
            stubs.append({"uid": uid(PLATFORM, who), "platform": PLATFORM, "id": who})
        return (uid(PLATFORM, target) if target else None, uid(PLATFORM, who) if who else None)

    if is_retweet:
        links.repost_of, links.repost_of_author = ref("retweet_tweetid", "retweet_userid")
    links.reply_to, links.reply_to_author = ref("in_reply_to_tweetid", "in_reply_to_userid")
    links.quotes, _ = ref("quoted_tweet_tweetid", None)
    tags = _list(rec["hashtags"], "hashtags", ctx)
    if tags:
        links.hashtags = unique(t.lstrip("#").lower() for t in tags)
    shared = _list(rec["urls"], "urls", ctx)
    if shared:
        links.urls = unique(u for u in map(normalise_url, shared) if u)
    for mentioned in _list(rec["user_mentions"], "user_mentions", ctx):
        mid = ctx.optional_id(mentioned, "user_mentions", required_=True)
        if mid is None:
            continue
        links.mentions.append(uid(PLATFORM, mid))
        stubs.append({"uid": uid(PLATFORM, mid), "platform": PLATFORM, "id": mid})
    if links.mentions:
        links.mentions = unique(links.mentions)
    return Row(accounts=[author, *stubs], posts=[(post, links)])


def _list(value: str | None, name: str, ctx: Context) -> Sequence[str]:
    """``optional(py_list, ...)``, an empty list read at once and short ones remembered
    (the same hashtags and links recur: that is what co-action is)."""
    if not value or value == "[]":
        return ()
    return ctx.optional(_short_list if len(value) <= 300 else py_list, value, name) or ()


def _listed(value: str, name: str) -> tuple[str, ...]:
    return tuple(py_list(value, name))


_short_list = functools.lru_cache(maxsize=1 << 14)(_listed)


#: What the archive writes where a tweet has no place.
_NO_PLACE = frozenset({"", "absent", "present"})


def _place(value: str | None, name: str, ctx: Context) -> float | None:
    """``optional(_coordinate, ...)``, the archive's placeholders read at once."""
    if value is None or value in _NO_PLACE:
        return None
    return ctx.optional(_coordinate, value, name)


def _coordinate(value: str | None, name: str) -> float | None:
    cleaned = text(value)
    if cleaned is None or cleaned.lower() in ("absent", "present"):  # archive placeholders
        return None
    return number(cleaned, name)


USERS = FormatSpec(
    name="twitter-users",
    family="twitter-archive",
    title="Twitter IO archive, users file (10 columns)",
    columns=USER_COLUMNS,
    required=("userid",),
    parse=parse_user,
    order=0,
)
TWEETS = FormatSpec(
    name="twitter-tweets",
    family="twitter-archive",
    title="Twitter IO archive, tweets file (31 columns; 30 without poll_choices)",
    columns=TWEET_COLUMNS,
    required=("tweetid", "userid", "tweet_time"),
    parse=parse_tweet,
)
