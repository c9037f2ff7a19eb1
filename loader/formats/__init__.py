"""Every input layout cibgraph reads, and detection from a file's header.

``--format`` takes a layout name (``twitter-tweets``) or a family (``twitter-archive``,
``ira``, ``crowdtangle``, ``coornet``, ``coortweet``, ``twarc2``, ``bluesky``, ``telegram``,
``native``, ``qut``); a family narrows detection to its layouts.
"""

from __future__ import annotations

from pathlib import Path

from loader.formats import (
    bluesky,
    coornet,
    coortweet,
    crowdtangle,
    ira,
    native,
    qut,
    telegram,
    twarc,
    twitter,
)
from loader.formats.base import Context, FormatSpec
from loader.jsonread import first_json_keys, first_jsonl_keys
from loader.reader import read_header

FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        twitter.USERS,
        twitter.TWEETS,
        ira.TWEETS,
        ira.AUTHORS,
        ira.AUTHOR_TWEETS,
        crowdtangle.FORMAT,
        coornet.FORMAT,
        coortweet.FORMAT,
        twarc.CSV,
        twarc.JSONL,
        bluesky.FORMAT,
        telegram.FORMAT,
        qut.FORMAT,
        *native.CSV_FORMATS,
        native.JSONL_FORMAT,
    )
}
#: JSON-lines layouts other than the native one, each told by its first line's keys.
JSONL_KINDS = ((twarc.JSONL, twarc.is_twarc_line), (bluesky.FORMAT, bluesky.is_jetstream_line))
FAMILIES: dict[str, list[str]] = {}
for _spec in FORMATS.values():
    FAMILIES.setdefault(_spec.family, []).append(_spec.name)

DATA_SUFFIXES = (".csv", ".jsonl", ".ndjson")
#: JSON documents a directory load picks up by name (a Telegram export's result.json).
DATA_DOCUMENTS = ("result.json",)


class UnknownFormat(ValueError):
    pass


def choices() -> list[str]:
    return sorted(FAMILIES) + sorted(FORMATS)


def detect(path: Path, wanted: str | None = None) -> FormatSpec:
    """The layout of ``path`` (from its header), optionally limited to ``wanted``."""
    candidates = _candidates(wanted)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        # JSON lines say what they are by their first line's keys: twarc2's pages and
        # tweets, Jetstream's events, else the native format
        keys = first_jsonl_keys(path)
        found = next((s for s, fits in JSONL_KINDS if fits(keys)), native.JSONL_FORMAT)
        if found in candidates:
            return found
        raise UnknownFormat(
            f"{path}: these JSON lines are {found.title}; --format {found.family} reads them"
        )
    if path.suffix.lower() == ".json":
        if telegram.FORMAT in candidates and telegram.is_export(first_json_keys(path)):
            return telegram.FORMAT
        raise UnknownFormat(
            f"{path}: a JSON document that is not a Telegram chat export (result.json with "
            '"name", "type", "id" and "messages"); other JSON is read as JSON lines (.jsonl)'
        )
    header, delimiter = read_header(path)
    scored = [(spec.fit(header), spec) for spec in candidates if spec.fit(header)[0] > 0]
    best = max((score[0] for score, _ in scored), default=0.0)
    matching = [spec for score, spec in scored if score[0] > 0 and score[0] == best]
    if len(matching) > 1:
        # Native kinds can share a header (pages and groups: platform,id,name): the file
        # name says which one (groups.csv, my_pages.csv ...); else the layout with the
        # larger share of its columns present
        stem = path.stem.lower()
        named = [s for s in matching if s.name.removeprefix("native-").replace("-", "_") in stem]
        if len(named) == 1:
            return named[0]
        most = max(spec.fit(header)[1] for spec in matching)
        matching = [spec for spec in matching if spec.fit(header)[1] == most]
    if len(matching) > 1:
        raise UnknownFormat(
            f"{path}: the header fits {', '.join(s.name for s in matching)}; name the file "
            f"after its kind (e.g. groups.csv) or pass --format"
        )
    if matching:
        return matching[0]
    # QUT's toolkit reads by position: with --format qut, any 8 column names do.
    if wanted == "qut" and len(header) == len(qut.COLUMNS):
        return candidates[0]
    shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
    closest = max(
        (s for s in candidates if not (s.jsonl or s.json_document) and s.matches is None),
        key=lambda s: len(set(header) & set(s.columns)),
        default=None,
    )
    hint = (
        f"The closest is {closest.name}, which lacks {', '.join(closest.lacks(header))}. "
        if closest is not None and set(header) & set(closest.columns)
        else ""
    )
    hint += (
        "It could be one of: "
        + "; ".join(f"{s.name} = {s.title}" for s in candidates if not (s.jsonl or s.json_document))
        + ". "
    )
    raise UnknownFormat(
        f"{path}: unrecognised columns ({len(header)}, delimiter {delimiter!r}: {shown}). "
        f"{hint}See docs/formats.md, or pass --format."
    )


def _candidates(wanted: str | None) -> list[FormatSpec]:
    if wanted is None:
        return list(FORMATS.values())
    if wanted in FORMATS:
        return [FORMATS[wanted]]
    if wanted in FAMILIES:
        return [FORMATS[name] for name in FAMILIES[wanted]]
    raise UnknownFormat(f"unknown format {wanted!r}; choose from {', '.join(choices())}")


__all__ = ["FAMILIES", "FORMATS", "Context", "FormatSpec", "UnknownFormat", "choices", "detect"]
