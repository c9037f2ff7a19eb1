"""Stream records out of CSV and JSONL files with their line numbers.

Every physical problem becomes a :class:`~loader.records.Reject` naming file, line and
field: bytes that are not UTF-8, NUL bytes, wrong column counts, absurdly long fields,
broken JSON. Good records stream on in bounded memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loader.formats.common import MAX_FIELD_CHARS
from loader.records import Reject

csv.field_size_limit(MAX_FIELD_CHARS * 10)

_NUL_MARK = "\udc00"  # never produced by decoding, so it marks a NUL byte we replaced
_BAD_TEXT = re.compile("[\udc00-\udcff]")


@dataclass
class Record:
    line: int
    fields: dict[str, Any]
    raw: str


@dataclass
class Span:
    """Bytes ``start`` to ``end`` of a file, beginning at a record's first line, physical
    line ``line`` (see :mod:`loader.parse`). ``cut`` is set when the span ended inside a
    record: it did not end where a record does."""

    start: int
    end: int
    line: int
    cut: bool = False

    def text(self, path: Path, encoding: str, newline: str | None = "") -> io.StringIO:
        """The span's lines, as ``open(path, encoding=encoding, newline=newline)`` reads
        them."""
        with open(path, "rb") as f:
            f.seek(self.start)
            data = f.read(self.end - self.start)
        codec = encoding if self.start == 0 else "utf-8"
        return io.StringIO(data.decode(codec, errors="surrogateescape"), newline=newline)


def sniff_delimiter(header_line: str) -> str:
    """``,``, ``;`` or tab: whichever splits the header line most (outside quotes)."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


#: A record (its quoted fields) may span at most this many physical lines; longer, and it
#: is an unclosed quote swallowing the rows after it (real posts with line breaks stay far
#: below: a tweet has at most 280 characters, and 100 lines of a Facebook post are rare).
MAX_RECORD_LINES = 100
#: ... and at most this many characters (every field is held to MAX_FIELD_CHARS after it).
MAX_RECORD_CHARS = 4 * MAX_FIELD_CHARS
#: A multi-line record holding this many lines that read as whole rows of the file is an
#: unclosed quote too, however short.
MAX_ROW_LIKE_LINES = 3


class _Runaway(Exception):
    """A record ran past MAX_RECORD_LINES or MAX_RECORD_CHARS; the lines were skipped."""

    def __init__(self, first: int, last: int, reason: str) -> None:
        super().__init__(reason)
        self.first, self.last, self.reason = first, last, reason


class _Lines:
    """The physical lines of a CSV file for :mod:`csv`, numbered, NULs marked, and with
    each record held to MAX_RECORD_LINES and MAX_RECORD_CHARS. A record that runs over
    is skipped here to its real end (the quote state is followed as :mod:`csv` follows
    it: fields quoted with ``"``, quotes doubled inside them), so nothing inside the
    runaway field is ever read as a row; ``csv`` then starts afresh on the next line."""

    def __init__(self, handle: Any, delimiter: str, number: int = 0) -> None:
        self.handle = handle
        self.delimiter = delimiter
        self.number = number  # physical lines handed out or skipped so far
        self.first = number + 1  # first physical line of the record being read
        self.count = 0
        self.chars = 0
        self.cut = False  # the lines ran out inside a record

    def start_record(self) -> None:
        self.first, self.count, self.chars = self.number + 1, 0, 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            line = next(self.handle)
        except StopIteration:
            if self.count > 0:  # asked for more of a record: it goes on past these lines
                self.cut = True
            raise
        self.number += 1
        self.count += 1
        self.chars += len(line)
        if self.count > MAX_RECORD_LINES or self.chars > MAX_RECORD_CHARS:
            what = (
                f"more than {MAX_RECORD_LINES} lines"
                if self.count > MAX_RECORD_LINES
                else f"more than {MAX_RECORD_CHARS:,} characters"
            )
            self._skip(line, inside=self.count > 1)
            raise _Runaway(self.first, self.number, what)
        return line.replace("\0", _NUL_MARK) if "\0" in line else line

    def _skip(self, line: str, *, inside: bool) -> None:
        """Consume lines from ``line`` to the end of its record. ``inside``: the line
        starts inside a quoted field (the record began on an earlier line)."""
        state = "quoted" if inside else "start"  # start (of a field), field, quoted, quote
        while True:
            for ch in line:
                if state == "quoted":
                    state = "quote" if ch == '"' else "quoted"
                    continue
                if state == "quote":  # a quote inside a quoted field: doubled, or the end
                    if ch == '"':
                        state = "quoted"
                        continue
                    state = "field"
                if ch in "\r\n":
                    return
                if ch == self.delimiter:
                    state = "start"
                elif state == "start":
                    state = "quoted" if ch == '"' else "field"
            if state == "quote":  # the field closed at the end of the file's last line
                return
            nxt = next(self.handle, None)
            if nxt is None:
                self.cut = True
                return
            self.number += 1
            line = nxt


#: First bytes of files people hand over instead of the CSV or JSONL inside them.
_MAGIC = {
    b"\x1f\x8b": "gzip-compressed: decompress it first (gunzip -k FILE)",
    b"PK\x03\x04": "a zip archive: unzip it and load the files inside",
    b"BZh": "bzip2-compressed: decompress it first (bunzip2 -k FILE)",
    b"\xfd7zXZ\x00": "xz-compressed: decompress it first (unxz -k FILE)",
    b"\x28\xb5\x2f\xfd": "zstd-compressed: decompress it first (unzstd FILE)",
    b"PAR1": "a Parquet file: cibgraph loads CSV and JSONL",
}


def not_text(path: Path) -> str | None:
    """Why ``path`` is not UTF-8 text cibgraph can read (compressed, UTF-16, binary), in
    one line with what to do; None when it looks like text."""
    with open(path, "rb") as f:
        head = f.read(4096)
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            return f"{path}: the file is {what}"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(head) >= 4 and head.count(b"\x00") > len(head) // 4
    ):
        return (
            f"{path}: the file is UTF-16 (or another two-byte encoding), not UTF-8: convert it "
            "first, e.g. iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.csv"
        )
    return None  # a stray NUL in a row is that row's reject, not the file's


def read_header(path: Path) -> tuple[list[str], str]:
    """The header fields and delimiter of a CSV file."""
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        first = f.readline()
    delimiter = sniff_delimiter(first)
    fields = next(csv.reader([first], delimiter=delimiter), [])
    return [h.strip() for h in fields], delimiter


def read_csv(path: Path, *, skip: int = 0, span: Span | None = None) -> Iterator[Record | Reject]:
    """Records of a CSV file with a header row; ``skip`` data records are passed over
    without checks (resuming after a checkpoint). With ``span``, only the records of that
    part of the file (the header is read from the file's first line)."""
    header, delimiter = read_header(path)
    width = len(header)
    name = str(path)
    with (
        open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
        if span is None
        else span.text(path, "utf-8-sig")
    ) as f:
        lines = _Lines(f, delimiter, 0 if span is None else span.line - 1)
        reader = csv.reader(lines, delimiter=delimiter)
        if span is None or span.start == 0:
            next(reader, None)
        index = 0
        while True:
            lines.start_record()
            try:
                values = next(reader)
            except StopIteration:
                if span is not None:
                    span.cut = lines.cut
                return
            except _Runaway as runaway:
                if span is not None and lines.cut:
                    span.cut = True
                    return
                index += 1
                if index > skip:
                    yield Reject(
                        name,
                        runaway.first,
                        "",
                        f"lines {runaway.first}-{runaway.last}: a quoted field runs over "
                        f"{runaway.reason} (an unclosed quote?); none of these lines was "
                        "read as a record",
                    )
                continue
            except csv.Error as exc:
                index += 1
                if index > skip:
                    yield Reject(name, lines.first, "", f"unreadable CSV: {exc}")
                continue
            start, end = lines.first, lines.number
            if not values:  # blank line
                continue
            index += 1
            if index <= skip:
                continue
            raw = delimiter.join(values)[:500]
            if len(values) != width:
                yield Reject(
                    name, start, "", f"expected {width} columns, got {len(values)}", _printable(raw)
                )
                continue
            if end > start:
                row_like = _row_like_lines(values, delimiter, width)
                if row_like >= MAX_ROW_LIKE_LINES:
                    yield Reject(
                        name,
                        start,
                        "",
                        f"lines {start}-{end}: a quoted field holds {row_like} lines that read "
                        "as whole rows of this file (an unclosed quote?); none of them was read "
                        "as a record",
                        _printable(raw),
                    )
                    continue
            problem = _check_fields(header, values)
            if problem:
                yield Reject(name, start, problem[0], problem[1], _printable(raw))
                continue
            yield Record(start, dict(zip(header, values, strict=True)), raw)


def _row_like_lines(values: list[str], delimiter: str, width: int) -> int:
    """How many lines inside the record's multi-line fields split into ``width`` fields."""
    found = 0
    for value in values:
        if "\n" in value or "\r" in value:
            for line in value.splitlines()[1:]:
                if line.count(delimiter) >= width - 1:
                    parsed = next(csv.reader([line], delimiter=delimiter), [])
                    found += len(parsed) == width
    return found


def _check_fields(header: list[str], values: list[str]) -> tuple[str, str] | None:
    joined = "".join(values)  # one scan for the common, clean case
    if len(joined) <= MAX_FIELD_CHARS and not _BAD_TEXT.search(joined):
        return None
    for column, value in zip(header, values, strict=True):
        if len(value) > MAX_FIELD_CHARS:
            return column, f"{len(value):,} characters is longer than {MAX_FIELD_CHARS:,}"
        if _BAD_TEXT.search(value):
            if _NUL_MARK in value:
                return column, "contains a NUL byte"
            return column, "contains bytes that are not valid UTF-8"
    return None


def _printable(raw: str) -> str:
    return raw.encode("utf-8", "backslashreplace").decode("utf-8")


def read_jsonl(path: Path, *, skip: int = 0, span: Span | None = None) -> Iterator[Record | Reject]:
    """One JSON object per line; blank lines ignored. With ``span``, the lines of that
    part of the file."""
    name = str(path)
    index = 0
    with (
        open(path, encoding="utf-8-sig", errors="surrogateescape")
        if span is None
        else span.text(path, "utf-8-sig", newline=None)
    ) as f:
        for number, line in enumerate(f, start=1 if span is None else span.line):
            if not line.strip():
                continue
            index += 1
            if index <= skip:
                continue
            raw = _printable(line.strip()[:500])
            if _BAD_TEXT.search(line):
                yield Reject(name, number, "", "contains bytes that are not valid UTF-8", raw)
                continue
            if len(line) > MAX_JSON_LINE_CHARS:
                yield Reject(name, number, "", f"line of {len(line):,} characters is too long")
                continue
            try:
                obj = json.loads(line.strip(), parse_constant=_no_constant)
            except json.JSONDecodeError as exc:
                yield Reject(
                    name, number, "", f"invalid JSON: {exc.msg} at column {exc.colno}", raw
                )
                continue
            except (RecursionError, ValueError) as exc:
                yield Reject(name, number, "", f"unreadable JSON: {str(exc)[:80]}", raw)
                continue
            yield _json_record(name, number, obj, raw, source=line)


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
        if kind is dict or kind is list:
            if not _shallow(value, depth + 1):
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


def _json_record(
    name: str,
    number: int,
    obj: object,
    raw: str,
    extra: dict[str, object] | None = None,
    *,
    source: str,
) -> Record | Reject:
    """A decoded JSON value (decoded from the text ``source``) as a record (with ``extra``
    keys added), or the reason it cannot be one: not an object, a value no record can
    hold, or a field that is too long."""
    if not isinstance(obj, dict):
        return Reject(name, number, "", "expected a JSON object", raw)
    problem = None if _plain_json(source, obj) else _bad_json_value(obj)
    if problem:
        return Reject(name, number, problem[0], problem[1], raw)
    too_long = next(
        (k for k, v in obj.items() if isinstance(v, str) and len(v) > MAX_FIELD_CHARS), None
    )
    if too_long:
        return Reject(name, number, too_long, f"longer than {MAX_FIELD_CHARS:,} characters", raw)
    return Record(number, {**obj, **extra} if extra else obj, raw)


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
    if _BAD_TEXT.search(text):
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
        while position < len(text) and text[position] in " \t\r\n,":
            if text[position] == "\n":
                line += 1
            position += 1
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
        raw = _printable(text[position : min(end, position + 500)])
        start, position = position, end
        index += 1
        if index <= skip:
            continue
        if constants:  # valid syntax, so the next message still starts where it should
            yield Reject(
                name, start_line, "", f"{constants[0]} is not a number a record can hold", raw
            )
            continue
        yield _json_record(
            name, start_line, obj, raw, extra={"__chat": chat}, source=text[start:end]
        )


def first_json_keys(path: Path) -> list[str]:
    """The top-level keys before ``messages`` of a JSON document, and ``messages``."""
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        head = f.read(1 << 16)
    found = _MESSAGES.search(head)
    if found is None:
        return []
    keys = re.findall(r'"([A-Za-z_]+)"\s*:', head[: found.start()])
    return [*keys, "messages"]
