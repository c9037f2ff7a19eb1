"""Bluesky events as Jetstream writes them: one JSON event per line (the AT Protocol
firehose, as researchers save it from ``wss://jetstream*.bsky.network/subscribe``).

* ``kind: commit`` with ``operation`` ``create`` (or ``update``) loads by collection:
  ``app.bsky.feed.post`` a post, ``app.bsky.feed.repost`` a repost of the post its
  ``subject.uri`` names, ``app.bsky.graph.follow`` a follow. Likes, blocks, lists,
  deletes and account events are read and skipped (a delete never removes what a load
  wrote). ``kind: identity`` gives an account its handle.
* Accounts are DIDs (``did:plc:...``); a post's id is ``<did>/<rkey>`` (its ``at://`` URI
  without the collection), so a reply, quote or repost of a post outside the file points
  at the same node the post itself would make. Reposts are ``<did>/repost/<rkey>``.
* The time is ``time_us``, when Jetstream saw the event (microseconds, UTC). The record's
  ``createdAt`` is written by the client and can be backdated, so it is not used for the
  co-action windows.
* Replies are ``reply.parent``; quotes are ``embed`` of type ``app.bsky.embed.record``
  (or ``recordWithMedia``, whose record is nested once more). Links come from link facets
  and external embeds (the text shows them truncated), hashtags from tag facets and
  ``tags``, mentions from mention facets.
* The 2026 framing (``{"$type": "message", "payload": {...}}``, flat, with an RFC 3339
  ``time``) is read too.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import (
    RowError,
    drop_none,
    epoch,
    iso_datetime,
    text,
    unique,
)
from loader.records import PostLinks, Row, uid
from loader.urls import normalise_url

PLATFORM = "bluesky"
POST, REPOST, FOLLOW = "app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.graph.follow"
LINK, TAG, MENTION = (f"app.bsky.richtext.facet#{k}" for k in ("link", "tag", "mention"))


def _did(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise RowError(name, f"{str(value)[:60]!r} is not a DID (did:plc:...)")
    return _did_of(value, name)


@functools.lru_cache(maxsize=1 << 14)  # an account acts many times
def _did_of(value: str, name: str) -> str:
    found = text(value)
    if found is None or not found.startswith("did:") or any(c.isspace() for c in found):
        raise RowError(name, f"{value[:60]!r} is not a DID (did:plc:...)")
    return found


def post_id(uri: Any) -> tuple[str, str] | None:
    """(post id, author DID) of ``at://<did>/app.bsky.feed.post/<rkey>``; None otherwise."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or parts[1] != POST or not parts[0].startswith("did:") or not parts[2]:
        return None
    return f"{parts[0]}/{parts[2]}", parts[0]


def _post_ref(uri: Any, field: str) -> tuple[str, str]:
    found = post_id(uri)
    if found is None:
        raise RowError(field, f"{str(uri)[:60]!r} is not a post's at:// URI")
    return found


def _event(rec: dict[str, Any]) -> tuple[str, str, dict[str, Any], dt.datetime]:
    """(kind, did, body, time) of either framing."""
    if rec.get("$type") == "message" and isinstance(rec.get("payload"), dict):
        body = rec["payload"]
        kind = str(body.get("$type", "")).rsplit("#", 1)[-1]
        when = iso_datetime(body.get("time"), "time", required_=True)
        assert when is not None
        return kind, _did(body.get("did"), "did"), body, when
    kind = str(rec.get("kind") or rec.get("type") or "")
    micros = rec.get("time_us")
    if not isinstance(micros, int) or isinstance(micros, bool):
        raise RowError("time_us", f"{str(micros)[:30]!r} is not microseconds since 1970")
    try:
        when = dt.datetime.fromtimestamp(micros / 1_000_000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise RowError("time_us", f"{micros} is outside the dates a graph can store") from None
    body = rec.get(kind) if isinstance(rec.get(kind), dict) else {}
    return kind, _did(rec.get("did"), "did"), body, when


def parse(rec: dict[str, Any], ctx: Context) -> Row:
    kind, did, body, when = _event(rec)
    author = uid(PLATFORM, did)
    if kind == "identity":
        handle = text(body.get("handle")) if isinstance(body.get("handle"), str) else None
        return Row(accounts=[drop_none({"uid": author, "platform": PLATFORM, "id": did,
                                        "handle": handle})])  # fmt: skip
    if kind != "commit" or body.get("operation") not in ("create", "update"):
        return Row()
    collection, rkey = body.get("collection"), text(str(body.get("rkey") or ""))
    record = body.get("record") if isinstance(body.get("record"), dict) else {}
    if collection == FOLLOW:
        return Row(follows=[(author, uid(PLATFORM, _did(record.get("subject"), "subject")))])
    if collection not in (POST, REPOST):
        return Row()
    if rkey is None or "/" in rkey:
        raise RowError("rkey", f"{rkey!r} is not a record key")
    me = {"uid": author, "platform": PLATFORM, "id": did}
    links = PostLinks(author=author)
    stubs: list[dict[str, Any]] = []

    def refer(uri: Any, field: str) -> tuple[str | None, str | None]:
        found = ctx.optional(_post_ref, uri, field) if uri is not None else None
        if found is None:
            return None, None
        stubs.append({"uid": uid(PLATFORM, found[1]), "platform": PLATFORM, "id": found[1]})
        return uid(PLATFORM, found[0]), uid(PLATFORM, found[1])

    if collection == REPOST:
        subject = record.get("subject") if isinstance(record.get("subject"), dict) else {}
        links.repost_of, links.repost_of_author = refer(subject.get("uri"), "subject")
        ident = f"{did}/repost/{rkey}"
        post = {"uid": uid(PLATFORM, ident), "platform": PLATFORM, "id": ident,
                "created_at": when, "ts": epoch(when), "is_repost": True}  # fmt: skip
        return Row(accounts=[me, *stubs], posts=[(post, links)])

    ident = f"{did}/{rkey}"
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = reply.get("parent") if isinstance(reply.get("parent"), dict) else {}
    if parent:
        links.reply_to, links.reply_to_author = refer(parent.get("uri"), "reply")
    embed = record.get("embed") if isinstance(record.get("embed"), dict) else {}
    quoted = embed.get("record") if isinstance(embed.get("record"), dict) else {}
    if isinstance(quoted.get("record"), dict):  # recordWithMedia: one level deeper
        quoted = quoted["record"]
    if quoted.get("uri"):
        links.quotes, _ = refer(quoted.get("uri"), "embed")
    urls: list[str] = []
    tags: list[str] = [str(t) for t in record.get("tags") or [] if isinstance(t, str)]
    for facet in record.get("facets") or []:
        for feature in (facet.get("features") or []) if isinstance(facet, dict) else []:
            if not isinstance(feature, dict):
                continue
            if feature.get("$type") == LINK and isinstance(feature.get("uri"), str):
                urls.append(feature["uri"])
            elif feature.get("$type") == TAG and isinstance(feature.get("tag"), str):
                tags.append(feature["tag"])
            elif feature.get("$type") == MENTION and isinstance(feature.get("did"), str):
                mentioned = ctx.optional(_did, feature["did"], "facets")
                if mentioned:
                    links.mentions.append(uid(PLATFORM, mentioned))
                    stubs.append({"uid": uid(PLATFORM, mentioned), "platform": PLATFORM,
                                  "id": mentioned})  # fmt: skip
    for holder in (embed, embed.get("media") if isinstance(embed.get("media"), dict) else {}):
        external = holder.get("external") if isinstance(holder.get("external"), dict) else {}
        if isinstance(external.get("uri"), str):
            urls.append(external["uri"])
    links.urls = unique(u for u in map(normalise_url, urls) if u)
    links.hashtags = unique(t.lstrip("#").lower() for t in tags if t.lstrip("#"))
    links.mentions = unique(links.mentions)
    langs = [x for x in record.get("langs") or [] if isinstance(x, str)]
    post = drop_none(
        {
            "uid": uid(PLATFORM, ident),
            "platform": PLATFORM,
            "id": ident,
            "text": record.get("text") if isinstance(record.get("text"), str) else None,
            "created_at": when,
            "ts": epoch(when),
            "language": langs[0] if langs else None,
        }
    )  # fmt: skip
    return Row(accounts=[me, *stubs], posts=[(post, links)])


def is_jetstream_line(keys: list[str]) -> bool:
    """Whether a JSON line's keys are a Jetstream event's (either framing)."""
    names = set(keys)
    return {"did", "time_us"} <= names or ({"$type", "payload"} <= names)


FORMAT = FormatSpec(
    name="bluesky-jetstream",
    family="bluesky",
    title="Bluesky Jetstream events (JSON lines: posts, reposts, replies, quotes, follows)",
    columns=("did", "time_us", "kind", "commit", "identity", "account"),
    parse=parse,
    jsonl=True,
)
