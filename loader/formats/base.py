"""What a format module provides, and the context its parser gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loader.records import Row


@dataclass
class Context:
    """Per-file state a parser may need."""

    file: str
    source: str  # dataset name written to every node's `source`
    platform: str = "twitter"  # for formats that do not say (QUT generic CSV)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FormatSpec:
    """One file layout: how to recognise it and how to parse one record of it."""

    name: str  # e.g. "twitter-tweets"
    family: str  # e.g. "twitter-archive": what --format may also name
    title: str
    columns: tuple[str, ...]  # the layout's columns (for messages and docs)
    matches: Callable[[list[str]], bool]  # header -> is this the layout?
    parse: Callable[[dict[str, Any], Context], Row]
    jsonl: bool = False  # records come from JSON lines instead of CSV
    #: Files load in this order within one call: 0 entities (users, authors, pages),
    #: 1 posts, 2 relations and labels, so references resolve to full nodes.
    order: int = 1


def exact(columns: tuple[str, ...]) -> Callable[[list[str]], bool]:
    """Matcher: the header has exactly these columns (any order, case-sensitive)."""
    wanted = set(columns)
    return lambda header: set(header) == wanted and len(header) == len(columns)
