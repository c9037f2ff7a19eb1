"""Stream records out of JSON: JSON lines (one object per line) and the ``messages`` of
one JSON document (a Telegram export), with their line numbers.

As in :mod:`loader.reader` (CSV), every physical problem becomes a
:class:`~loader.records.Reject` naming file, line and field: bytes that are not UTF-8,
broken JSON, values no graph can store (NUL, lone surrogates, integers beyond 64 bits,
nesting deeper than records have), absurdly long fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from loader.formats.common import MAX_FIELD_CHARS
from loader.reader import Record, Span, _bad_text, _printable
from loader.records import Reject


def read_jsonl(path: Path, *, skip: int = 0, span: Span | None = None) -> Iterator[Record | Reject]:
    """One JSON object per line; blank lines ignored. With ``span``, the lines of that
    part of the file."""
    name = str(path)
    index = 0
    decode = json.JSONDecoder(parse_constant=_no_constant).decode
    with (
        open(path, encoding="utf-8-sig", errors="surrogateescape")
        if span is None
        else span.text(path, "utf-8-sig", newline=None)
    ) as f:
        for number, line in enumerate(f, start=1 if span is None else span.line):
            stripped = line.strip()
            if not stripped:
                continue
            index += 1
            if index <= skip:
                continue
            if _bad_text(line):
                yield Reject(
                    name,
                    number,
                    "",
                    "contains bytes that are not valid UTF-8",
                    _printable(stripped[:500]),
                )
                continue
            if len(line) > MAX_JSON_LINE_CHARS:
                yield Reject(name, number, "", f"line of {len(line):,} characters is too long")
                continue
            try:
                obj = (
                    decode(stripped)
                    if stripped[:1] != "\ufeff"  # json.loads' own message for a BOM
                    else json.loads(stripped, parse_constant=_no_constant)
                )
            except json.JSONDecodeError as exc:
                yield Reject(
                    name,
                    number,
                    "",
                    f"invalid JSON: {exc.msg} at column {exc.colno}",
                    _printable(stripped[:500]),
                )
                continue
            except (RecursionError, ValueError) as exc:
                reason = f"unreadable JSON: {str(exc)[:80]}"
                yield Reject(name, number, "", reason, _printable(stripped[:500]))
                continue
            yield _json_record(name, number, obj, stripped, source=line)


def _no_constant(token: str) -> None:
    raise ValueError(f"{token} is not a number a record can hold")


#: How deep a record's JSON may nest: an X API v2 page nests 10 deep
#: (data[].entities.urls[].images[].url); deeper is hostile.
MAX_JSON_DEPTH = 16
#: The longest JSON line read: an X API v2 page of 500 tweets with its includes.
MAX_JSON_LINE_CHARS = 16_000_000


def _bad_json_value(obj: object, key: str = "", depth: int = 0) -> tuple[str, str] | None:
    """(field, reason) for a value no graph can store: NUL, lone surrogates (not UTF-8),
    integers beyond 64 bits, nesting deeper than records have."""
    if depth > MAX_JSON_DEPTH:
        return key, f"nested deeper than {MAX_JSON_DEPTH} levels"
    if isinstance(obj, str):
        if "\0" in obj:
            return key, "contains a NUL character"
        if _SURROGATE.search(obj):
            return key, "contains a lone surrogate (not valid Unicode)"
    elif isinstance(obj, bool):
        return None
    elif isinstance(obj, int):
        if not -(2**63) <= obj < 2**63:
            return key, f"integer {str(obj)[:30]} does not fit in 64 bits"
    elif isinstance(obj, dict):
        for k, v in obj.items():
            found = _bad_json_value(k, str(k)[:60], depth + 1) or _bad_json_value(
                v, key or str(k)[:60], depth + 1
            )
            if found:
                return found
    elif isinstance(obj, list):
        for v in obj:
            found = _bad_json_value(v, key, depth + 1)
            if found:
                return found
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")
#: In JSON text: the escapes that decode to a NUL or a lone surrogate (a high one not
#: followed by a low one, a low one not after a high one).
_RISKY_ESCAPE = re.compile(
    r"\\u0000"
    r"|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_INT64 = range(-(2**63), 2**63)


def _plain_json(source: str, obj: object) -> bool:
    """True when ``obj``, decoded from the JSON text ``source``, holds nothing
    :func:`_bad_json_value` refuses: its strings can hold a NUL or a lone surrogate only
    through an escape in the text, so they are read there at C speed, and the walk over
    the containers checks only nesting and integers. False sends the record through the
    full walk, which names the field."""
    if "\\u" in source and _RISKY_ESCAPE.search(source):
        return False
    return _shallow(obj, 0)


def _shallow(obj: object, depth: int) -> bool:
    if depth >= MAX_JSON_DEPTH:  # its items (keys included) would be nested too deep
        return not obj
    for value in obj.values() if type(obj) is dict else obj:  # type: ignore[attr-defined]
        kind = type(value)
        if kind is str:  # the most of them
            continue
        if kind is dict or kind is list:
            if value and not _shallow(value, depth + 1):  # an empty one always passes
                return False
        elif kind is int and value not in _INT64:
            return False
    return True


def first_jsonl_keys(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        for line in f:
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    return []
                return list(obj) if isinstance(obj, dict) else []
    return []


#: The largest Telegram export read whole (the messages of one chat, without media).
MAX_JSON_DOCUMENT_BYTES = 2 * 1024**3
_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
#: What separates two messages of the list.
_GAP = re.compile(r"[ \t\r\n,]*")


def _json_record(
    name: str,
    number: int,
    obj: object,
    text: str,
    extra: dict[str, object] | None = None,
    *,
    source: str,
) -> Record | Reject:
    """A decoded JSON value (decoded from the text ``source``; ``text``: the record as a
    reject shows it) as a record (with ``extra`` keys added), or the reason it cannot be
    one: not an object, a value no record can hold, or a field that is too long."""
    if not isinstance(obj, dict):
        return Reject(name, number, "", "expected a JSON object", _printable(text[:500]))
    problem = None if _plain_json(source, obj) else _bad_json_value(obj)
    if problem:
        return Reject(name, number, problem[0], problem[1], _printable(text[:500]))
    for k, v in obj.items():
        if type(v) is str and len(v) > MAX_FIELD_CHARS:
            reason = f"longer than {MAX_FIELD_CHARS:,} characters"
            return Reject(name, number, k, reason, _printable(text[:500]))
    return Record(number, {**obj, **extra} if extra else obj, text)


def read_json_messages(
    path: Path, *, skip: int = 0, span: Span | None = None
) -> Iterator[Record | Reject]:
    """The ``messages`` of a JSON document (a Telegram Desktop export), one record each
    with the line it starts on; the document's other top-level keys ride along on every
    record under ``"__chat"``. A message that is not a JSON object is rejected; a document
    with no ``messages`` list yields one reject. With ``span`` (a file that is valid
    UTF-8, cut before a message: see :mod:`loader.parse`), the messages of that part; a
    part that does not end where a message does is marked cut."""
    name = str(path)
    size = path.stat().st_size
    if size > MAX_JSON_DOCUMENT_BYTES:
        yield Reject(name, 1, "", f"larger than {MAX_JSON_DOCUMENT_BYTES:,} bytes")
        return
    if span is None:
        text = path.read_text(encoding="utf-8-sig", errors="surrogateescape")
    else:
        text = span.text(path, "utf-8-sig", newline=None).read()
    if _bad_text(text):
        yield Reject(name, 1, "", "contains bytes that are not valid UTF-8")
        return
    head = text
    if span is not None and span.start > 0:  # the chat's keys are at the file's start
        with open(path, "rb") as f:
            head = f.read(1 << 20).decode("utf-8-sig", errors="replace")
    found = _MESSAGES.search(head)
    if found is None:
        yield Reject(name, 1, "messages", 'no "messages" list: not a chat export')
        return
    chat: dict[str, object] = {}
    try:  # the chat's own keys come before its messages (name, type, id)
        keys = json.loads(head[: found.start()].rstrip().rstrip(",") + "}")
        chat = keys if isinstance(keys, dict) else {}
    except (json.JSONDecodeError, RecursionError):
        chat = {}
    constants: list[str] = []  # NaN / Infinity met in the message being decoded

    def constant(token: str) -> None:
        constants.append(token)

    decoder = json.JSONDecoder(parse_constant=constant)
    if span is not None and span.start > 0:
        position, line = 0, span.line
    else:
        position, line = found.end(), text.count("\n", 0, found.end()) + 1
    last = span is None or span.end >= size
    index = 0
    while True:
        gap = _GAP.match(text, position).end()  # type: ignore[union-attr]
        line += text.count("\n", position, gap)
        position = gap
        if position >= len(text) or text[position] == "]":
            if span is not None and not last and position < len(text):
                span.cut = True  # the list ended inside a part: not a message boundary
            return
        start_line = line
        constants.clear()
        try:
            obj, end = decoder.raw_decode(text, position)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            if not last:  # a message cut by the part's end, or a real error: read again
                span.cut = True  # type: ignore[union-attr]
                return
            yield Reject(name, start_line, "", f"unreadable JSON: {str(exc)[:80]}")
            return  # nothing after it can be trusted to start a message
        line += text.count("\n", position, end)
        start, position = position, end
        index += 1
        if index <= skip:
            continue
        source = text[start:end]
        if constants:  # valid syntax, so the next message still starts where it should
            reason = f"{constants[0]} is not a number a record can hold"
            yield Reject(name, start_line, "", reason, _printable(source[:500]))
            continue
        yield _json_record(name, start_line, obj, source, extra={"__chat": chat}, source=source)


def first_json_keys(path: Path) -> list[str]:
    """The top-level keys before ``messages`` of a JSON document, and ``messages``."""
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        head = f.read(1 << 16)
    found = _MESSAGES.search(head)
    if found is None:
        return []
    keys = re.findall(r'"([A-Za-z_]+)"\s*:', head[: found.start()])
    return [*keys, "messages"]
