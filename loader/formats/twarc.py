"""X (Twitter) API v2 data as twarc2 writes it: JSON lines of API response pages
(``twarc2 search ... out.jsonl``), flattened tweets (``twarc2 flatten``), and the CSV of
twarc-csv (``twarc2 csv``).

* A page line holds ``data`` (a list of tweets, or one tweet on ``twarc2 stream`` lines)
  and ``includes`` (``users``, ``tweets``: the referenced originals); a line loads every
  tweet and user in it. A flattened line is one tweet with ``author`` inlined.
* Retweets, replies and quotes are ``referenced_tweets`` of type ``retweeted``,
  ``replied_to`` and ``quoted``. URLs are taken unwound, else expanded (never the t.co
  link); hashtags without ``#``; mentions by user id where the API gave it.
* ``created_at`` is ISO 8601 UTC (``2021-05-18T19:24:56.000Z``); ids are strings.
* twarc-csv's columns grow between releases (82 in one, 84 in the next), so they are
  read by name: lists are JSON arrays (``["#tag"]``, ``["@user"]``, expanded URLs);
  counts may be written as floats (``532.0``) when a batch mixed present and missing
  values; retweets are merged by default (the row's text is the original's, and
  ``referenced_tweets.retweeted.id`` names it). Mentions in the CSV are user names, not
  ids, so they are left out.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import (
    COUNTS,
    INT64_MAX,
    RowError,
    clean_id,
    drop_none,
    epoch,
    integer,
    iso_datetime,
    text,
    unique,
)
from loader.records import PostLinks, Props, Row, uid
from loader.urls import normalise_url

PLATFORM = "twitter"

#: twarc-csv 0.7.2's default columns, in its order (earlier releases lack a few).
CSV_COLUMNS = (
    "id", "conversation_id", "referenced_tweets.replied_to.id",
    "referenced_tweets.retweeted.id", "referenced_tweets.quoted.id", "author_id",
    "in_reply_to_user_id", "in_reply_to_username", "retweeted_user_id", "retweeted_username",
    "quoted_user_id", "quoted_username", "created_at", "text", "lang", "source",
    "public_metrics.impression_count", "public_metrics.reply_count",
    "public_metrics.retweet_count", "public_metrics.quote_count", "public_metrics.like_count",
    "public_metrics.bookmark_count", "reply_settings", "edit_history_tweet_ids",
    "edit_controls.edits_remaining", "edit_controls.editable_until",
    "edit_controls.is_edit_eligible", "possibly_sensitive", "withheld.scope",
    "withheld.copyright", "withheld.country_codes", "entities.annotations",
    "entities.cashtags", "entities.hashtags", "entities.mentions", "entities.urls",
    "context_annotations", "attachments.media", "attachments.media_keys",
    "attachments.poll.duration_minutes", "attachments.poll.end_datetime",
    "attachments.poll.id", "attachments.poll.options", "attachments.poll.voting_status",
    "attachments.poll_ids", "author.id", "author.created_at", "author.username",
    "author.name", "author.description", "author.entities.description.cashtags",
    "author.entities.description.hashtags", "author.entities.description.mentions",
    "author.entities.description.urls", "author.entities.url.urls", "author.url",
    "author.location", "author.pinned_tweet_id", "author.profile_image_url",
    "author.protected", "author.public_metrics.followers_count",
    "author.public_metrics.following_count", "author.public_metrics.listed_count",
    "author.public_metrics.tweet_count", "author.verified", "author.verified_type",
    "author.withheld.scope", "author.withheld.copyright", "author.withheld.country_codes",
    "geo.coordinates.coordinates", "geo.coordinates.type", "geo.country", "geo.country_code",
    "geo.full_name", "geo.geo.bbox", "geo.geo.type", "geo.id", "geo.name", "geo.place_id",
    "geo.place_type", "matching_rules", "__twarc.retrieved_at", "__twarc.url",
    "__twarc.version",
)  # fmt: skip

#: referenced_tweets type -> PostLinks field
REFERENCES = {"retweeted": "repost_of", "replied_to": "reply_to", "quoted": "quotes"}


def _json_list(value: str | None, name: str) -> tuple[Any, ...]:
    """The items of a JSON array written in a cell (its text stripped, as json.loads
    reads it); short lists are remembered (the same hashtags and links recur)."""
    raw = text(value)
    if raw is None:
        return ()
    return _short_list(raw, name) if len(raw) <= 300 else _decoded_list(raw, name)


def _decoded_list(raw: str, name: str) -> tuple[Any, ...]:
    try:
        found, end = _DECODER.raw_decode(raw)  # what json.loads does, ``raw`` stripped
    except (json.JSONDecodeError, RecursionError):
        raise RowError(name, f"{raw[:60]!r} is not a JSON list") from None
    if end != len(raw) or not isinstance(found, list):  # json.loads: "Extra data"
        raise RowError(name, f"{raw[:60]!r} is not a JSON list")
    return tuple(found)


_DECODER = json.JSONDecoder()
_short_list = functools.lru_cache(maxsize=1 << 14)(_decoded_list)


def _user(user: dict[str, Any], ctx: Context, prefix: str = "") -> Props:
    """An account from a v2 user object (or from ``author.*`` columns: ``prefix``)."""

    get: Callable[[str], Any]
    if prefix:
        get = lambda key: user.get(prefix + key)  # noqa: E731
        followers = get("public_metrics.followers_count")
        following = get("public_metrics.following_count")
    else:
        get = user.get
        metrics = get("public_metrics")
        followers, following = (
            (metrics.get("followers_count"), metrics.get("following_count"))
            if isinstance(metrics, dict)
            else (None, None)
        )
    ident = get("id")
    user_id = clean_id(str(ident) if ident is not None else None, prefix + "id")
    assert user_id is not None
    created = get("created_at")
    return drop_none(
        {
            "uid": uid(PLATFORM, user_id),
            "platform": PLATFORM,
            "id": user_id,
            "handle": text(get("username")),
            "display_name": text(get("name")),
            "description": text(get("description")),
            "location": text(get("location")),
            "created_at": ctx.optional(iso_datetime, created, prefix + "created_at")
            if isinstance(created, str)
            else None,
            "followers": _metric(followers, prefix + "public_metrics", ctx),
            "following": _metric(following, prefix + "public_metrics", ctx),
        }
    )


def _metric(value: Any, name: str, ctx: Context) -> int | None:
    """``optional(_count, value, name)``, a count the API wrote as a number read at once."""
    if type(value) is int and 0 <= value <= INT64_MAX:
        return value
    if value is None:
        return None
    return ctx.optional(_count, value, name)


def _count(value: Any, name: str) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return integer(str(value), name)
    return integer(None if value is None else str(value), name)


def _tweet(tweet: dict[str, Any], ctx: Context) -> tuple[Props, PostLinks, list[Props]]:
    """A post, its links and stub accounts from a v2 tweet object."""
    tweet_id = clean_id(str(tweet.get("id") or "") or None, "id")
    author = clean_id(str(tweet.get("author_id") or "") or None, "author_id")
    created = iso_datetime(tweet.get("created_at"), "created_at", required_=True)
    assert tweet_id is not None and author is not None and created is not None
    metrics = tweet.get("public_metrics")
    if not isinstance(metrics, dict):
        metrics = {}
    links = PostLinks(author=uid(PLATFORM, author))
    stubs: list[Props] = []
    for ref in tweet.get("referenced_tweets") or []:
        kind = REFERENCES.get(ref.get("type")) if isinstance(ref, dict) else None
        target = (
            ctx.optional_id(str(ref.get("id") or "") or None, "referenced_tweets", required_=True)
            if kind
            else None
        )
        if kind and target:
            setattr(links, kind, uid(PLATFORM, target))
    replied_user = tweet.get("in_reply_to_user_id")
    if links.reply_to and replied_user:
        links.reply_to_author = uid(PLATFORM, str(replied_user))
        stubs.append({"uid": links.reply_to_author, "platform": PLATFORM, "id": str(replied_user)})
    entities = tweet.get("entities")
    if not isinstance(entities, dict):
        entities = {}
    links.hashtags = unique(
        str(h.get("tag")).lstrip("#").lower()
        for h in entities.get("hashtags") or []
        if isinstance(h, dict) and h.get("tag")
    )
    links.urls = unique(
        u
        for u in (
            normalise_url(str(e.get("unwound_url") or e.get("expanded_url") or ""))
            for e in entities.get("urls") or []
            if isinstance(e, dict)
        )
        if u
    )
    for mention in entities.get("mentions") or []:
        mid = mention.get("id") if isinstance(mention, dict) else None
        if mid:
            links.mentions.append(uid(PLATFORM, str(mid)))
            stub = {"uid": uid(PLATFORM, str(mid)), "platform": PLATFORM, "id": str(mid)}
            if mention.get("username"):
                stub["handle"] = str(mention["username"])
            stubs.append(stub)
    links.mentions = unique(links.mentions)
    post = drop_none(
        {
            "uid": uid(PLATFORM, tweet_id),
            "platform": PLATFORM,
            "id": tweet_id,
            "text": tweet.get("text") or None,
            "created_at": created,
            "ts": epoch(created),
            "language": text(tweet.get("lang")),
            "client": text(tweet.get("source")),
            "is_repost": True if links.repost_of else None,
            "like_count": _metric(metrics.get("like_count"), "public_metrics", ctx),
            "share_count": _metric(metrics.get("retweet_count"), "public_metrics", ctx),
            "reply_count": _metric(metrics.get("reply_count"), "public_metrics", ctx),
            "quote_count": _metric(metrics.get("quote_count"), "public_metrics", ctx),
        }
    )
    stubs.insert(0, {"uid": links.author, "platform": PLATFORM, "id": author})
    return post, links, stubs


def parse_jsonl(rec: dict[str, Any], ctx: Context) -> Row:
    """A page of an API response (``data`` + ``includes``), or one flattened tweet."""
    row = Row()
    if "data" in rec or "includes" in rec:
        data = rec.get("data")
        tweets = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        includes = rec.get("includes") if isinstance(rec.get("includes"), dict) else {}
        users = [u for u in includes.get("users") or [] if isinstance(u, dict)]
        originals = [t for t in includes.get("tweets") or [] if isinstance(t, dict)]
    else:  # flattened: the tweet itself, its author inlined
        tweets, originals = [rec], []
        users = [rec["author"]] if isinstance(rec.get("author"), dict) else []
    for user in users:
        row.accounts.append(_user(user, ctx))
    # the referenced originals first, so a tweet of the page itself wins a repeat
    for tweet in [*originals, *tweets]:
        if not isinstance(tweet, dict):
            raise RowError("data", "a tweet is not a JSON object")
        post, links, stubs = _tweet(tweet, ctx)
        row.accounts[:0] = stubs  # full user objects come after, and win
        row.posts.append((post, links))
    return row


def _cells(rec: dict[str, Any], name: str, ctx: Context) -> tuple[Any, ...]:
    value = rec.get(name)
    if value is None or value == "[]" or not value.strip():  # nothing to decode
        return ()
    return ctx.optional(_json_list, value, name) or ()


#: The columns a twarc-csv row's author is read from (the same on every tweet of theirs).
_AUTHOR_COLUMNS = tuple(
    f"author.{key}"
    for key in (
        "id",
        "username",
        "name",
        "description",
        "location",
        "created_at",
        "public_metrics.followers_count",
        "public_metrics.following_count",
        "verified",
    )
)


def _csv_author(rec: dict[str, Any], ctx: Context) -> Props:
    author = _user(rec, ctx, prefix="author.")
    author["verified"] = ctx.optional_boolean(rec.get("author.verified"), "author.verified")
    return drop_none(author)


#: (PostLinks field, column) of a twarc-csv row's references, in the API's order.
_REFERENCE_COLUMNS = tuple(
    (field, f"referenced_tweets.{kind}.id") for kind, field in REFERENCES.items()
)
#: (post property, column) of its counts.
_METRIC_COLUMNS = (
    ("like_count", "public_metrics.like_count"),
    ("share_count", "public_metrics.retweet_count"),
    ("reply_count", "public_metrics.reply_count"),
    ("quote_count", "public_metrics.quote_count"),
)


def _stripped(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def parse_csv(rec: dict[str, Any], ctx: Context) -> Row:
    """One twarc-csv row: the same tweet as :func:`_tweet` reads from the API, its
    columns flattened with dots (read here directly, in the order ``_tweet`` reads them,
    so that the same field is dropped or rejects the row)."""
    get = rec.get
    tags = _cells(rec, "entities.hashtags", ctx)
    shared = _cells(rec, "entities.urls", ctx)
    tweet_id = clean_id(get("id") or None, "id")
    author = clean_id(get("author_id") or get("author.id") or None, "author_id")
    created = iso_datetime(get("created_at"), "created_at", required_=True)
    assert tweet_id is not None and author is not None and created is not None
    links = PostLinks(author=uid(PLATFORM, author))
    for field, column in _REFERENCE_COLUMNS:
        target = _stripped(get(column))
        if target is not None:
            if not target.isdigit():  # else what clean_id returns at once
                target = ctx.optional(clean_id, target, "referenced_tweets")
            if target:
                setattr(links, field, uid(PLATFORM, target))
    accounts: list[Props] = [{"uid": links.author, "platform": PLATFORM, "id": author}]
    replied_user = _stripped(get("in_reply_to_user_id"))
    if links.reply_to and replied_user:
        links.reply_to_author = uid(PLATFORM, replied_user)
        accounts.append({"uid": links.reply_to_author, "platform": PLATFORM, "id": replied_user})
    if tags:
        links.hashtags = unique(str(t).lstrip("#").lower() for t in tags if str(t))
    if shared:
        links.urls = unique(u for u in map(normalise_url, map(str, shared)) if u)
    body = get("text")
    post: Props = {
        "uid": uid(PLATFORM, tweet_id),
        "platform": PLATFORM,
        "id": tweet_id,
        "text": body.replace("\\n", "\n") if body else None,
        "created_at": created,
        "ts": epoch(created),
        "language": _stripped(get("lang")),
        "client": _stripped(get("source")),
        "is_repost": True if links.repost_of else None,
    }
    for prop, column in _METRIC_COLUMNS:
        value = get(column)
        post[prop] = COUNTS.get(value) or ctx.optional_integer(_stripped(value), "public_metrics")
    if _stripped(get("author.id")):
        full = ctx.memo(tuple(map(get, _AUTHOR_COLUMNS)), lambda: _csv_author(rec, ctx))
        accounts = [*accounts[1:], full]
    for kind, field in (("retweeted", "retweeted_user_id"), ("quoted", "quoted_user_id")):
        who = get(field)
        if who is not None and who.isdigit():  # what clean_id returns at once
            pass
        elif who is not None and who.strip():
            who = ctx.optional(clean_id, who, field, required_=False)
        else:
            continue
        if who:
            handle = _stripped(get(field.replace("_user_id", "_username")))
            accounts.insert(
                0,
                drop_none(
                    {"uid": uid(PLATFORM, who), "platform": PLATFORM, "id": who, "handle": handle}
                ),
            )
            if kind == "retweeted" and links.repost_of:
                links.repost_of_author = uid(PLATFORM, who)
    return Row(accounts=accounts, posts=[(drop_none(post), links)])


#: The columns :func:`parse_csv` reads (a record holds only these).
CSV_READS = (
    "id", "author_id", "created_at", "text", "lang", "source", "in_reply_to_user_id",
    "entities.hashtags", "entities.urls", *(column for _, column in _REFERENCE_COLUMNS),
    *(column for _, column in _METRIC_COLUMNS), *_AUTHOR_COLUMNS, "retweeted_user_id",
    "retweeted_username", "quoted_user_id", "quoted_username",
)  # fmt: skip
JSONL = FormatSpec(
    name="twarc2-jsonl",
    family="twarc2",
    title="twarc2 JSON lines: X API v2 response pages, or flattened tweets",
    columns=("data", "includes", "meta", "__twarc"),
    parse=parse_jsonl,
    jsonl=True,
)
CSV = FormatSpec(
    name="twarc2-csv",
    family="twarc2",
    title="twarc-csv CSV of X API v2 tweets (columns by name)",
    columns=CSV_COLUMNS,
    required=("id", ("author_id", "author.id"), "created_at"),
    parse=parse_csv,
    reads=CSV_READS,
)


def is_twarc_line(keys: list[str]) -> bool:
    """Whether a JSON line's keys are twarc2's: a response page, or a flattened tweet."""
    names = set(keys)
    page = "data" in names and bool(names & {"includes", "meta", "__twarc", "matching_rules"})
    flat = {"id", "author_id", "created_at"} <= names and bool(names & {"__twarc", "author"})
    return page or flat
