"""What a format module provides, and the context its parser gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from loader.formats.common import RowError, boolean, clean_id, integer
from loader.records import Row

T = TypeVar("T")


@dataclass
class Context:
    """Per-file state a parser may need."""

    file: str
    source: str  # dataset name written to every node's `source`
    platform: str = "twitter"  # for formats that do not say (QUT generic CSV)
    extra: dict[str, Any] = field(default_factory=dict)
    #: With ``strict``, a damaged optional field rejects its row; else the row loads
    #: without it and the drop is counted (see :meth:`optional`).
    strict: bool = False
    dropped: list[tuple[str, str]] = field(default_factory=list)  # this row's (field, reason)
    _memo: dict[Any, tuple[Any, list[tuple[str, str]]]] = field(default_factory=dict, repr=False)

    #: Entries :meth:`memo` keeps before it starts afresh.
    MEMO_SIZE = 50_000

    def memo(self, key: Any, build: Callable[[], T]) -> T:
        """``build()``, remembered by ``key`` (the raw fields it reads): a record that
        repeats its author's columns (every tweet of an archive does) reuses the author
        parsed before, with the same dropped fields noted again. The value is shared, so
        it must not be changed; an error is never remembered."""
        hit = self._memo.get(key)
        if hit is None:
            mark = len(self.dropped)
            value = build()
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()
            hit = self._memo[key] = (value, self.dropped[mark:])
        elif hit[1]:
            self.dropped.extend(hit[1])
        return hit[0]  # type: ignore[no-any-return]

    def optional(self, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``parse(*args)`` for a field a record can exist without: when it raises
        :class:`RowError`, the field is dropped (None) and noted in ``dropped`` - or, with
        ``strict``, the row is rejected as before."""
        try:
            return parse(*args, **kwargs)
        except RowError as exc:
            if self.strict:
                raise
            self.dropped.append((exc.field, exc.reason))
            return None

    def optional_integer(
        self, value: str | None, name: str, parse: Callable[[str, str], int | None] = integer
    ) -> int | None:
        """``optional(parse, value, name)`` for a count parser (:func:`integer`,
        :func:`locale_count`: both read nothing as None and plain digits as they are),
        with those values read at once."""
        if not value:
            return None
        if value.isdigit() and value.isascii() and len(value) < 19:
            return int(value)
        return self.optional(parse, value, name)

    def optional_id(self, value: str | None, name: str, *, required_: bool = False) -> str | None:
        """``optional(clean_id, value, name, required_=required_)``, with plain digits
        (what clean_id returns as they are) taken at once."""
        if not value:
            if not required_:
                return None
        elif value.isdigit():
            return value
        return self.optional(clean_id, value, name, required_=required_)

    def optional_boolean(self, value: str | None, name: str) -> bool | None:
        """``optional(boolean, value, name)``, the usual spellings read at once."""
        found = _BOOLEANS.get(value) if value is not None else None  # type: ignore[arg-type]
        return found if found is not None else self.optional(boolean, value, name)


#: Spellings :func:`~loader.formats.common.boolean` reads, as written most often.
_BOOLEANS = {
    **dict.fromkeys(("true", "True", "TRUE", "1", "yes", "t", "y"), True),
    **dict.fromkeys(("false", "False", "FALSE", "0", "no", "f", "n"), False),
}

Required = str | tuple[str, ...]  # a column, or alternatives of which one must be present


@dataclass(frozen=True)
class FormatSpec:
    """One file layout: how to recognise it and how to parse one record of it.

    A header fits when it has every ``required`` column (or one of each group of
    alternatives); among the layouts it fits, the one that knows most of its columns wins,
    then the one most of whose ``columns`` it has (:meth:`fit`). Known columns a file
    lacks reach the parser as None, and columns it does not know are ignored; both are
    listed in the load summary."""

    name: str  # e.g. "twitter-tweets"
    family: str  # e.g. "twitter-archive": what --format may also name
    title: str
    columns: tuple[str, ...]  # the layout's known columns, in their published order
    parse: Callable[[dict[str, Any], Context], Row]
    required: tuple[Required, ...] = ()
    #: Columns read when present that only some variants have (another era's): never
    #: reported missing.
    also: tuple[str, ...] = ()
    #: Columns known by the start of their name (CrowdTangle writes its weights into the
    #: name: ``Overperforming Score (weighted  —  Likes 1x ...)``).
    prefixes: tuple[str, ...] = ()
    #: A layout read by position (QUT) decides itself: header -> fits.
    matches: Callable[[list[str]], bool] | None = None
    jsonl: bool = False  # records come from JSON lines instead of CSV
    json_document: bool = False  # records are the "messages" of one JSON document
    #: A record's parse reads what rows before it left in ``Context.extra`` (a post written
    #: once per link) or leaves something there for later files (IRA authors): the file
    #: is read in one process, never in parts (see loader.parse).
    stateful: bool = False
    #: ... but only to merge the rows of one post (their links or objects so far): what a
    #: parse counts, rejects and drops never depends on it, so a parse that writes nothing
    #: (``--dry-run``) still runs in parts; one that writes reads the file in order.
    merges_rows: bool = False
    #: The columns ``parse`` reads, when it reads no other: a CSV record's fields are then
    #: only these (every field of the row is still checked); empty: every column.
    reads: tuple[str, ...] = ()
    #: Files load in this order within one call: 0 entities (users, authors, pages),
    #: 1 posts, 2 relations and labels, so references resolve to full nodes.
    order: int = 1

    def lacks(self, header: list[str]) -> list[str]:
        """The required columns (``a|b`` for alternatives) that ``header`` lacks."""
        names = set(header)
        out = []
        for need in self.required:
            options = (need,) if isinstance(need, str) else need
            if not names & set(options):
                out.append("|".join(options))
        return out

    def fit(self, header: list[str]) -> tuple[float, float]:
        """How well ``header`` fits: (0, 0) when it cannot be this layout, else the share
        of the header's columns this layout knows and the share of the layout's columns
        the header has (1, 1 = exactly this layout); compared in that order."""
        if self.jsonl or self.json_document:
            return (0.0, 0.0)
        if self.matches is not None:
            return (1.0, 1.0) if self.matches(header) else (0.0, 0.0)
        if self.lacks(header):
            return (0.0, 0.0)
        names = set(header)
        shared = sum(1 for c in names if self.knows(c))
        return (shared / len(names), shared / len(self.columns))

    def knows(self, column: str) -> bool:
        """Whether this layout reads ``column``."""
        return (
            column in self.columns
            or column in self.also
            or any(column.startswith(p) for p in self.prefixes)
        )

    def missing(self, header: list[str]) -> list[str]:
        """Known columns ``header`` lacks (alternatives it has one of are not missing)."""
        if self.matches is not None:
            return []
        names = set(header)
        alternatives = {
            c for need in self.required if not isinstance(need, str) and names & set(need)
            for c in need
        }  # fmt: skip
        named = {
            p[:-2]
            for p in self.prefixes
            if p.endswith(" (") and any(h.startswith(p) for h in header)
        }
        return [c for c in self.columns if c not in names | alternatives | named]

    def ignored(self, header: list[str]) -> list[str]:
        """Columns of ``header`` this layout does not read."""
        if self.matches is not None:
            return []
        return [c for c in header if not self.knows(c)]
