"""Stream records out of CSV files with their line numbers (JSON: :mod:`loader.jsonread`).

Every physical problem becomes a :class:`~loader.records.Reject` naming file, line and
field: bytes that are not UTF-8, NUL bytes, wrong column counts, absurdly long fields.
Good records stream on in bounded memory.
"""

from __future__ import annotations

import csv
import io
import operator
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


def _bad_text(text: str) -> bool:
    """Whether ``text`` holds a byte that was not UTF-8 or a marked NUL (``_BAD_TEXT``).
    Text read here holds no other surrogate, so a text UTF-8 can encode holds neither;
    that is asked first, at C speed."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _BAD_TEXT.search(text) is not None
    return False


class Record:
    """A record read: its first physical line, its fields by name, and (for a reject
    made of it later) ``raw``, its first 500 characters made printable."""

    __slots__ = ("_text", "fields", "line")

    def __init__(self, line: int, fields: dict[str, Any], text: str) -> None:
        self.line = line
        self.fields = fields
        self._text = text  # the record as read; raw is made of it only when asked for

    @property
    def raw(self) -> str:
        return _printable(self._text[:500])

    def __repr__(self) -> str:
        return f"Record(line={self.line!r}, fields={self.fields!r})"


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


def read_csv(
    path: Path,
    *,
    skip: int = 0,
    span: Span | None = None,
    columns: tuple[str, ...] | None = None,
) -> Iterator[Record | Reject]:
    """Records of a CSV file with a header row; ``skip`` data records are passed over
    without checks (resuming after a checkpoint). With ``span``, only the records of that
    part of the file (the header is read from the file's first line). With ``columns``, a
    record's fields are only those of its columns named there (every field is checked)."""
    header, delimiter = read_header(path)
    width = len(header)
    name = str(path)
    names: list[str] | tuple[str, ...] = header
    pick: Any = None  # values -> the values of ``names``
    if columns is not None:
        kept = [i for i, column in enumerate(header) if column in set(columns)]
        names = tuple(header[i] for i in kept)
        pick = operator.itemgetter(*kept) if len(kept) > 1 else None
        if len(kept) < 2:  # itemgetter of one index gives the value, not a tuple
            names, pick = header, None
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
            if len(values) != width:
                raw = delimiter.join(values)[:500]
                yield Reject(
                    name, start, "", f"expected {width} columns, got {len(values)}", _printable(raw)
                )
                continue
            joined = delimiter.join(values)
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
                        _printable(joined[:500]),
                    )
                    continue
            # the fields joined are at least as long as the longest, and hold what it holds
            if len(joined) > MAX_FIELD_CHARS or _bad_text(joined):
                problem = _check_fields(header, values)
                if problem:
                    yield Reject(name, start, problem[0], problem[1], _printable(joined[:500]))
                    continue
            fields = dict(zip(names, values if pick is None else pick(values), strict=True))
            yield Record(start, fields, joined)


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
