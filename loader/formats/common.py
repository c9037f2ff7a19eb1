"""Parsing helpers shared by the format modules: ids, numbers, dates, lists, text.

Parsers raise :class:`RowError` naming the field; the reader turns it into a
:class:`~loader.records.Reject` with file and line.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import OrderedDict
from collections.abc import Mapping

#: A field longer than this is absurd for any supported format (Facebook's post limit is
#: 63,206 characters) and is rejected rather than loaded.
MAX_FIELD_CHARS = 100_000


def is_platform_name(value: str) -> bool:
    """A platform name as uids use it: ``twitter``, ``facebook``, ``vk``, ``bluesky``...
    (lower-case letters, digits, ``-`` and ``_``, at most 30 characters)."""
    return (
        0 < len(value) <= 30
        and value == value.lower()
        and value.replace("-", "").replace("_", "").isalnum()
        and value.isascii()
    )


UTC = dt.UTC
_SCI = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_FLOATY = re.compile(r"^\d+\.\d*$")
_WHITE = re.compile(r"\s")
_SUSPECT_ID = re.compile(r"[.eE\s]")  # what a float or a padded id has


class RowError(ValueError):
    """A field of the current row is unusable; the row is rejected with this reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def text(value: str | None) -> str | None:
    """Stripped text, or None for empty."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def r_text(value: str | None) -> str | None:
    """:func:`text`, with R's ``NA`` (how ``write.csv`` writes a missing value) as None."""
    found = text(value)
    return None if found is None or found == "NA" else found


def required(record: Mapping[str, str], name: str) -> str:
    value = text(record.get(name))
    if value is None:
        raise RowError(name, "required value is empty")
    return value


def clean_id(value: str | None, name: str, *, required_: bool = True) -> str | None:
    """A platform id as a string. Rejects ids a spreadsheet turned into floats
    (``9.06E+17``, ``906000000000000000.0``): their digits are lost."""
    value = value.strip() if value is not None else None  # text(), inline: ids are many
    if not value:
        if required_:
            raise RowError(name, "required id is empty")
        return None
    if value.isdigit() or not _SUSPECT_ID.search(value):  # nothing a spreadsheet did to it
        return value
    if _SCI.match(value):
        raise RowError(
            name,
            f"id {value!r} is in scientific notation (mangled by a "
            "spreadsheet); its digits are lost",
        )
    if _FLOATY.match(value):
        raise RowError(name, f"id {value!r} looks like a float (mangled by a spreadsheet)")
    if _WHITE.search(value):
        raise RowError(name, f"id {value!r} contains white space")
    return value


#: Integers the graph stores (Bolt and both backends: signed 64 bit).
INT64_MAX = 2**63 - 1
#: Counts as written most often -> their value (what :func:`integer` and
#: :func:`locale_count` read them as): ``COUNTS.get(v) or ctx.optional_integer(v, ...)``
#: reads a count with one look-up (0 takes the long way, to the same 0).
COUNTS: dict[str, int] = {str(i): i for i in range(1000)}


def integer(value: str | None, name: str) -> int | None:
    """An integer count; ``""`` is None; ``"1,234"`` and ``"12.0"`` are accepted. Counts
    are never negative and must fit in 64 bits."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and value.isascii() and len(value) < 19:  # the common case
        return int(value)
    cleaned = value.replace(",", "")
    try:
        found = int(cleaned)
    except ValueError:
        found = _whole(cleaned, value, name)
    if found < 0:
        raise RowError(name, f"{value!r} is negative; a count cannot be")
    if found > INT64_MAX:
        raise RowError(name, f"{value!r} is too large (more than 2^63 - 1)")
    return found


def _whole(cleaned: str, value: str, name: str) -> int:
    try:
        as_float = float(cleaned)
    except ValueError:
        raise RowError(name, f"{value!r} is not a number") from None
    if not math.isfinite(as_float) or not as_float.is_integer():
        raise RowError(name, f"{value!r} is not a whole number")
    return int(as_float)


#: Digit grouping as exporters write it in their locale: 407,137 / 407.137 / 407 137 /
#: 407'137 (the space may be a no-break or thin space).
_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:([.,\u00a0\u202f\u2009' ])\d{3})(?:\1\d{3})*$")
_ZERO_FRACTION = re.compile(r"^(\d+)[.,]0+$")


def locale_count(value: str | None, name: str) -> int | None:
    """A count as an exporter writes it in its user's locale: ``407,137``, ``407.137``,
    ``407 137`` and ``407'137`` are all 407137 (a count has no fraction, so one separator
    in groups of three digits is a thousands separator); ``12.0`` is 12. Anything else
    that is not a plain whole number is refused (:func:`integer`)."""
    raw = text(value)
    if raw is None:
        return None
    if _GROUPED.match(raw):
        return integer(re.sub(r"\D", "", raw), name)
    whole = _ZERO_FRACTION.match(raw)
    if whole:
        return integer(whole.group(1), name)
    if "," in raw:  # not a grouping of threes, not n,0: no reading is a count
        raise RowError(name, f"{raw!r} is not a whole number")
    return integer(raw, name)


def locale_decimal(value: str | None, name: str) -> float | None:
    """A decimal number in either locale: ``1.4`` and ``1,4`` are 1.4; ``1,234.5`` and
    ``1.234,5`` are 1234.5. A value both readings fit (``1,234``, ``1.234``: 1.234 or
    1234) is refused as ambiguous rather than guessed."""
    raw = text(value)
    if raw is None:
        return None
    sign, digits = ("-", raw[1:]) if raw.startswith("-") else ("", raw)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:  # the last separator is the decimal one
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        grouping = "," if decimal == "." else "."
        if digits.count(decimal) > 1:
            raise RowError(name, f"{raw!r} is not a number")
        return number(sign + digits.replace(grouping, "").replace(decimal, "."), name)
    separator = "." if dots else "," if commas else ""
    if separator and digits.count(separator) == 1:
        head, tail = digits.split(separator)
        if (
            len(tail) == 3
            and tail.isdigit()
            and head.isdigit()
            and head[0] != "0"
            and len(head) <= 3
        ):
            raise RowError(
                name, f"{raw!r} is ambiguous: {head}{separator}{tail} could be a decimal "
                f"or a thousands separator"
            )  # fmt: skip
        return number(sign + digits.replace(",", "."), name)
    if separator:  # several: thousands grouping (1.234.567)
        if _GROUPED.match(digits):
            return number(sign + digits.replace(separator, ""), name)
        raise RowError(name, f"{raw!r} is not a number")
    return number(raw, name)


def number(value: str | None, name: str) -> float | None:
    """A finite decimal number (NaN and infinities are refused)."""
    value = text(value)
    if value is None:
        return None
    try:
        found = float(value)
    except ValueError:
        raise RowError(name, f"{value!r} is not a number") from None
    if not math.isfinite(found):
        raise RowError(name, f"{value!r} is not a finite number")
    return found


def boolean(value: str | None, name: str) -> bool | None:
    value = text(value)
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes", "t", "y"):
        return True
    if lowered in ("false", "0", "no", "f", "n"):
        return False
    raise RowError(name, f"{value!r} is not true/false")


def parse_datetime(
    value: str | None, name: str, formats: tuple[str, ...], *, required_: bool = False
) -> dt.datetime | None:
    """Parse with the first matching format; naive results are taken as UTC."""
    value = text(value)
    if value is None:
        if required_:
            raise RowError(name, "required date is empty")
        return None
    return _parse_datetime(value, name, formats)


@functools.lru_cache(maxsize=1 << 16)  # dates repeat a lot (minute precision, creation days)
def _parse_datetime(value: str, name: str, formats: tuple[str, ...]) -> dt.datetime:
    if formats[0].startswith("%Y-%m-%d") and "%z" not in formats[0]:
        try:  # C fast path for the ISO-like layouts
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return _utc(parsed, value, name)
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return _utc(parsed, value, name)
    raise RowError(name, f"{value!r} is not a date in the expected form ({formats[0]})")


def _utc(parsed: dt.datetime, value: str, name: str) -> dt.datetime:
    """``parsed`` in UTC (naive = UTC); a date whose UTC form falls outside years 1-9999
    (``0001-01-01T00:00:00+01:00``) is refused, as is one a timestamp cannot hold."""
    try:
        found = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        found.timestamp()
    except (OverflowError, ValueError, OSError):
        raise RowError(name, f"{value!r} is outside the dates a graph can store") from None
    return found


def iso_datetime(value: str | None, name: str, *, required_: bool = False) -> dt.datetime | None:
    """ISO 8601 (``2019-08-19``, ``2019-08-19T03:12:45Z``, ``...+08:00``); naive = UTC."""
    value = text(value)
    if value is None:
        if required_:
            raise RowError(name, "required date is empty")
        return None
    return _iso_datetime(value, name)


@functools.lru_cache(maxsize=1 << 16)  # times repeat (creation dates, minute precision)
def _iso_datetime(value: str, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RowError(name, f"{value!r} is not an ISO 8601 date/time") from None
    return _utc(parsed, value, name)


def epoch(value: dt.datetime) -> int:
    return int(value.timestamp())


def epoch_time(value: str | None, name: str, *, iso: bool = False) -> tuple[int, dt.datetime]:
    """Epoch seconds as written (``1565690400``, or ``1565690400.5`` and ``1.5656904e9``
    after a spreadsheet: whole seconds, rounded down) and their UTC time; with ``iso``, an
    ISO 8601 time is accepted too. RowError when the field is empty or neither."""
    raw = text(value)
    try:
        ts = int(float(raw)) if raw else None
        if ts is not None:
            return ts, dt.datetime.fromtimestamp(ts, UTC)
    except (ValueError, OverflowError, OSError):
        pass
    if iso and raw:
        try:
            found = iso_datetime(raw, name)
        except RowError:
            found = None
        if found is not None:
            return epoch(found), found
    kind = "epoch seconds or an ISO 8601 time" if iso else "epoch seconds"
    raise RowError(name, f"{value!r} is not {kind}")


_SIMPLE_LIST = re.compile(r"^\[\s*'[^'\\]*'(?:\s*,\s*'[^'\\]*')*\s*\]$")
_QUOTED = re.compile(r"'([^'\\]*)'")


#: Python list literals longer than this many items are not lists a release writes.
MAX_LIST_ITEMS = 10_000
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def py_list(value: str | None, name: str) -> list[str]:
    """A Python list literal as the Twitter archive writes it: ``"['a', 'b']"``.

    Read by a small bounded parser (quoted strings with escapes, bare numbers or words),
    never by ``ast.literal_eval``: the text is written by the operations under study.
    """
    value = text(value)
    if value is None or value == "[]":
        return []
    if not (value.startswith("[") and value.endswith("]")):
        raise RowError(name, f"{value[:60]!r} is not a list like ['a', 'b']")
    if _SIMPLE_LIST.match(value):  # fast path: single-quoted items without escapes
        return [item.strip() for item in _QUOTED.findall(value) if item.strip()]
    items = _list_items(value)
    if items is None:
        raise RowError(name, f"{value[:60]!r} is not a valid list literal")
    return [item.strip() for item in items if item.strip()]


def _list_items(value: str) -> list[str] | None:
    """Items of ``[item, item, ...]``, or None if it is not such a list."""
    items: list[str] = []
    i, end = 1, len(value) - 1
    while True:
        while i < end and value[i].isspace():
            i += 1
        if i == end:
            return items
        if value[i] in "'\"":
            quote, i, chars = value[i], i + 1, []
            while i < end and value[i] != quote:
                if value[i] == "\\":
                    i += 1
                    if i >= end:
                        return None
                    chars.append(_ESCAPES.get(value[i], "\\" + value[i]))
                else:
                    chars.append(value[i])
                i += 1
            if i >= end:
                return None  # unclosed string
            items.append("".join(chars))
            i += 1
        else:
            start = i
            while i < end and value[i] not in ",[]'\"" and not value[i].isspace():
                i += 1
            token = value[start:i]
            if not re.fullmatch(r"[-+]?[\w.]+", token):
                return None  # an expression, a nested list, an operator: not a list item
            items.append(token)
        if len(items) > MAX_LIST_ITEMS:
            return None
        while i < end and value[i].isspace():
            i += 1
        if i == end:
            return items
        if value[i] != ",":
            return None
        i += 1


def items_so_far(extra: dict, key: str, post_uid: str, items: list[str], limit: int) -> list[str]:  # type: ignore[type-arg]
    """The items (links, objects) of every row of ``post_uid`` read so far in this file,
    this row's included, for layouts that write a post once per item: the loader keeps
    the last row of a post, so that row must carry them all. At most ``limit`` posts are
    remembered (in ``extra[key]``, least recent first out), so a hostile file cannot grow
    it without bound."""
    recent: OrderedDict[str, list[str]] = extra.setdefault(key, OrderedDict())
    found = unique([*recent.pop(post_uid, []), *items])
    recent[post_uid] = found
    if len(recent) > limit:
        recent.popitem(last=False)
    return found


def unique(items) -> list:  # type: ignore[no-untyped-def]
    """The items, each once, in the order first met."""
    return list(dict.fromkeys(items))


def drop_none(props: dict) -> dict:  # type: ignore[type-arg]
    """Leave out absent values, so a later load never blanks a known property."""
    return {k: v for k, v in props.items() if v is not None}
