"""Parsing helpers shared by the format modules: ids, numbers, dates, lists, text.

Parsers raise :class:`RowError` naming the field; the reader turns it into a
:class:`~loader.records.Reject` with file and line.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import re
from collections.abc import Mapping

#: A field longer than this is absurd for any supported format (Facebook's post limit is
#: 63,206 characters) and is rejected rather than loaded.
MAX_FIELD_CHARS = 100_000

UTC = dt.UTC
_SCI = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_FLOATY = re.compile(r"^\d+\.\d*$")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)", re.UNICODE)


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


def required(record: Mapping[str, str], name: str) -> str:
    value = text(record.get(name))
    if value is None:
        raise RowError(name, "required value is empty")
    return value


def clean_id(value: str | None, name: str, *, required_: bool = True) -> str | None:
    """A platform id as a string. Rejects ids a spreadsheet turned into floats
    (``9.06E+17``, ``906000000000000000.0``): their digits are lost."""
    value = text(value)
    if value is None:
        if required_:
            raise RowError(name, "required id is empty")
        return None
    if _SCI.match(value):
        raise RowError(
            name,
            f"id {value!r} is in scientific notation (mangled by a "
            "spreadsheet); its digits are lost",
        )
    if _FLOATY.match(value):
        raise RowError(name, f"id {value!r} looks like a float (mangled by a spreadsheet)")
    if any(c.isspace() for c in value):
        raise RowError(name, f"id {value!r} contains white space")
    return value


def integer(value: str | None, name: str) -> int | None:
    """An integer count; ``""`` is None; ``"1,234"`` and ``"12.0"`` are accepted."""
    value = text(value)
    if value is None:
        return None
    cleaned = value.replace(",", "")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        number = float(cleaned)
    except ValueError:
        raise RowError(name, f"{value!r} is not a number") from None
    if not number.is_integer():
        raise RowError(name, f"{value!r} is not a whole number")
    return int(number)


def number(value: str | None, name: str) -> float | None:
    value = text(value)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise RowError(name, f"{value!r} is not a number") from None


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
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    raise RowError(name, f"{value!r} is not a date in the expected form ({formats[0]})")


def iso_datetime(value: str | None, name: str, *, required_: bool = False) -> dt.datetime | None:
    """ISO 8601 (``2019-08-19``, ``2019-08-19T03:12:45Z``, ``...+08:00``); naive = UTC."""
    value = text(value)
    if value is None:
        if required_:
            raise RowError(name, "required date is empty")
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RowError(name, f"{value!r} is not an ISO 8601 date/time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def epoch(value: dt.datetime) -> int:
    return int(value.timestamp())


_SIMPLE_LIST = re.compile(r"^\[\s*'[^'\\]*'(?:\s*,\s*'[^'\\]*')*\s*\]$")
_QUOTED = re.compile(r"'([^'\\]*)'")


def py_list(value: str | None, name: str) -> list[str]:
    """A Python list literal as the Twitter archive writes it: ``"['a', 'b']"``."""
    value = text(value)
    if value is None or value == "[]":
        return []
    if not (value.startswith("[") and value.endswith("]")):
        raise RowError(name, f"{value[:60]!r} is not a list like ['a', 'b']")
    if _SIMPLE_LIST.match(value):  # fast path: single-quoted items without escapes
        return [item.strip() for item in _QUOTED.findall(value) if item.strip()]
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        raise RowError(name, f"{value[:60]!r} is not a valid list literal") from None
    if not isinstance(parsed, list | tuple):
        raise RowError(name, f"{value[:60]!r} is not a list")
    return [str(item).strip() for item in parsed if str(item).strip()]


def hashtags_in(body: str | None) -> list[str]:
    """Hashtags written in free text (``#HongKong`` -> ``hongkong``), in order, unique."""
    if not body:
        return []
    return unique(tag.lower() for tag in _HASHTAG.findall(body))


def unique(items) -> list:  # type: ignore[no-untyped-def]
    seen: dict = {}
    for item in items:
        if item not in seen:
            seen[item] = None
    return list(seen)


def drop_none(props: dict) -> dict:  # type: ignore[type-arg]
    """Leave out absent values, so a later load never blanks a known property."""
    return {k: v for k, v in props.items() if v is not None}
