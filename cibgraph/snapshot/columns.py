"""Attribute columns of a snapshot: each node or edge attribute with one GEXF type (the
GraphML and CSV writers use the same columns)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Keys GEXF carries as XML attributes (or networkx reserves), never as attvalues.
RESERVED = frozenset({"id", "pid", "label", "start", "end", "weight", "viz", "type"})


def column_type(values: Iterable[Any]) -> str:
    """The GEXF attribute type of a column of values (None ignored)."""
    seen = {type(v) for v in values if v is not None}
    if not seen:
        return "string"
    if seen == {bool}:
        return "boolean"
    if seen == {int}:
        big = any(abs(v) > 2**31 - 1 for v in values if v is not None)
        return "long" if big else "integer"
    if seen <= {int, float}:
        return "double"
    return "string"


def attribute_columns(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Attribute name -> GEXF type, in first-appearance order, reserved names left out."""
    values: dict[str, list[Any]] = {}
    for data in items:
        for key, value in data.items():
            if key not in RESERVED:
                values.setdefault(key, []).append(value)
    return {key: column_type(vals) for key, vals in values.items()}
