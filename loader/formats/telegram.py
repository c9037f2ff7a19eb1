"""A Telegram Desktop chat export (``result.json``: Export chat history, machine-readable
JSON) of a channel or group.

* Each message is a post by its sender (``from_id``: ``channel1234567890`` in a channel,
  ``user123`` in a group; old exports write a bare number). Its id is ``<chat id>/<message
  id>``. Service messages (channel created, pinned ...) are skipped.
* The time is ``date_unixtime`` (epoch seconds, UTC). Old exports have only ``date``, the
  exporting machine's local time with no zone; it is read as UTC, and the load summary
  says so per file (``dropped``: ``date_unixtime``).
* ``text`` is a string, or a list mixing strings and entities; links are ``link``
  entities (the text, a scheme added when missing) and ``text_link`` entities (their
  ``href``); hashtags are ``hashtag`` entities; mentions by id are ``mention_name``.
* A forward names only the original's sender by display name (``forwarded_from``): no
  original message id is exported. Forwards of the same message are made reposts of one
  original keyed by that name and the normalised text, so channels that forward the same
  post in lockstep share a repost target.
* ``reply_to_message_id`` is a reply within the chat (``reply_to_peer_id`` names another).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from typing import Any

from loader.formats.base import Context, FormatSpec
from loader.formats.common import RowError, drop_none, epoch, text, unique
from loader.records import PostLinks, Row, uid
from loader.text import normalise_text
from loader.urls import normalise_url

PLATFORM = "telegram"
_PEER = re.compile(r"^(?:channel|user|chat)?(\d+)$")


def _peer(value: Any, name: str) -> str:
    """A sender or chat id as the export writes it (``channel123``, ``user45``, 123)."""
    if isinstance(value, bool) or value is None:
        raise RowError(name, "required id is empty")
    return _peer_of(str(value), name)


@functools.lru_cache(maxsize=1 << 14)  # a chat's senders write many messages each
def _peer_of(written: str, name: str) -> str:
    found = text(written)
    if found is None or _PEER.match(found) is None:
        raise RowError(name, f"{written[:60]!r} is not a Telegram id")
    return found


def _chat_id(chat: dict[str, Any]) -> str:
    return _chat_digits(str(chat.get("id", "")))


@functools.lru_cache(maxsize=256)  # the same chat on every message
def _chat_digits(written: str) -> str:
    found = _PEER.match(written)
    if found is None:
        raise RowError("id", "the export names no chat id (a single chat's result.json)")
    return found.group(1)


def _time(rec: dict[str, Any], ctx: Context) -> dt.datetime:
    raw = rec.get("date_unixtime")
    if raw is not None:
        try:
            return dt.datetime.fromtimestamp(int(str(raw)), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise RowError("date_unixtime", f"{str(raw)[:30]!r} is not epoch seconds") from None
    local = text(str(rec.get("date") or ""))
    if local is None:
        raise RowError("date", "required date is empty")
    try:
        found = dt.datetime.fromisoformat(local)
    except ValueError:
        raise RowError("date", f"{local[:30]!r} is not a date") from None
    ctx.dropped.append(("date_unixtime", "old export: local 'date' read as UTC"))
    return found.replace(tzinfo=dt.UTC) if found.tzinfo is None else found.astimezone(dt.UTC)


def _parts(rec: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The message's plain text and its entities."""
    body = rec.get("text")
    entities = [e for e in rec.get("text_entities") or [] if isinstance(e, dict)]
    if isinstance(body, str):
        return body, entities
    pieces: list[str] = []
    inline: list[dict[str, Any]] = []
    for part in body or []:
        if isinstance(part, str):
            pieces.append(part)
        elif isinstance(part, dict):
            pieces.append(str(part.get("text") or ""))
            inline.append(part)
    return "".join(pieces), entities or inline


def parse(rec: dict[str, Any], ctx: Context) -> Row:
    if rec.get("type") != "message":
        return Row()  # service messages, unsupported ones
    chat = rec.get("__chat") if isinstance(rec.get("__chat"), dict) else {}
    chat_id = _chat_id(chat)
    message = rec.get("id")
    if not isinstance(message, int) or isinstance(message, bool) or message < 0:
        raise RowError("id", f"{str(message)[:30]!r} is not a message number")
    sender = _peer(
        rec.get("from_id") if rec.get("from_id") is not None else chat.get("id"), "from_id"
    )
    when = _time(rec, ctx)
    body, entities = _parts(rec)
    author = uid(PLATFORM, sender)
    account = drop_none({"uid": author, "platform": PLATFORM, "id": sender,
                         "display_name": text(str(rec.get("from") or ""))})  # fmt: skip
    if sender.startswith("channel") and chat.get("name"):
        account["display_name"] = text(str(chat["name"]))
    links = PostLinks(author=author)
    urls: list[str] = []
    tags: list[str] = []
    for entity in entities:
        kind, value = entity.get("type"), str(entity.get("text") or "")
        if kind == "link" and value:
            urls.append(value if "://" in value else "http://" + value)
        elif kind == "text_link" and isinstance(entity.get("href"), str):
            urls.append(entity["href"])
        elif kind == "hashtag" and value.lstrip("#"):
            tags.append(value.lstrip("#").lower())
        elif kind == "mention_name" and entity.get("user_id") is not None:
            mentioned = ctx.optional(_peer, entity.get("user_id"), "text_entities")
            digits = _PEER.match(mentioned) if mentioned else None
            if digits:
                links.mentions.append(uid(PLATFORM, f"user{digits.group(1)}"))
    links.urls = unique(u for u in map(normalise_url, urls) if u)
    links.hashtags = unique(tags)
    links.mentions = unique(links.mentions)
    forwarded = rec.get("forwarded_from")
    if isinstance(forwarded, str) and forwarded.strip():
        key = hashlib.sha1(f"{forwarded.strip()}\x1f{normalise_text(body)}".encode()).hexdigest()[
            :20
        ]
        links.repost_of = uid(PLATFORM, f"forward-{key}")
    reply = rec.get("reply_to_message_id")
    if isinstance(reply, int) and not isinstance(reply, bool):
        peer = rec.get("reply_to_peer_id")
        other = _PEER.match(str(peer)) if peer is not None else None
        links.reply_to = uid(PLATFORM, f"{other.group(1) if other else chat_id}/{reply}")
    ident = f"{chat_id}/{message}"
    media = text(str(rec.get("media_type") or "")) or ("photo" if rec.get("photo") else None)
    post = drop_none(
        {
            "uid": uid(PLATFORM, ident),
            "platform": PLATFORM,
            "id": ident,
            "text": body or None,
            "created_at": when,
            "ts": epoch(when),
            "is_repost": True if links.repost_of else None,
            "type": media,
        }
    )  # fmt: skip
    stubs = [{"uid": m, "platform": PLATFORM, "id": m.split(":", 1)[1]} for m in links.mentions]
    return Row(accounts=[account, *stubs], posts=[(post, links)])


def is_export(keys: list[str]) -> bool:
    """Whether a JSON document's top-level keys are a Telegram chat export's."""
    return "messages" in keys and bool({"name", "type", "id"} & set(keys))


FORMAT = FormatSpec(
    name="telegram",
    family="telegram",
    title="Telegram Desktop chat export (result.json) of a channel or group",
    columns=("name", "type", "id", "messages"),
    parse=parse,
    json_document=True,
)
