"""The stored query library: read ``.cypher`` files with a YAML header in comments.

File layout (see docs/queries.md)::

    // name: shared-page-admins
    // title: Accounts that administer several pages
    // category: pages
    // tags: [pages, administration]
    // mode: read
    // description: >
    //   What it finds and how to read the result.
    // parameters:
    //   min_pages: {type: int, default: 2, description: pages an admin must run}
    // ---
    // Neo4j Browser: set the parameters first, then run the statement below.
    // :param min_pages => 2
    MATCH ...

The header is the YAML between the first line and ``// ---``; the comment lines after it
(the Browser ``:param`` example) are kept as comments; the statement is everything else.
The whole file is valid Cypher (comments are Cypher comments), so it can be pasted into
Neo4j Browser as is once the parameters are set.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph

QUERIES_DIR = Path(__file__).resolve().parent
HEADER_END = "// ---"
MODES = ("read", "write")
TYPES = ("string", "int", "float", "bool", "datetime", "list[string]", "list[int]")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class QueryError(CibgraphError):
    """A stored query file is malformed, or its parameters are wrong."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    default: Any = None
    required: bool = False

    def convert(self, value: Any) -> Any:
        """``value`` (a CLI string or a Python value) as this parameter's type."""
        try:
            return _convert(self.type, value)
        except (ValueError, TypeError) as exc:
            raise QueryError(
                f"parameter {self.name!r} must be {self.type}: cannot use {value!r} ({exc})"
            ) from None


@dataclass(frozen=True)
class StoredQuery:
    name: str
    title: str
    description: str
    category: str
    tags: tuple[str, ...]
    mode: str
    parameters: dict[str, Parameter]
    cypher: str  # the statement (no header)
    text: str  # the whole file
    path: Path | None = None
    example: str = ""  # the Browser :param lines, uncommented

    def bind(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Typed parameters: defaults filled, unknown and missing names refused."""
        given = dict(given or {})
        unknown = sorted(set(given) - set(self.parameters))
        if unknown:
            known = ", ".join(self.parameters) or "none"
            raise QueryError(
                f"{self.name}: unknown parameter(s) {', '.join(unknown)} (it takes: {known})"
            )
        bound: dict[str, Any] = {}
        for name, param in self.parameters.items():
            if name in given:
                bound[name] = param.convert(given[name])
            elif param.required:
                raise QueryError(
                    f"{self.name}: missing parameter {name!r} ({param.type}: "
                    f"{param.description}); pass -p {name}=VALUE"
                )
            else:
                bound[name] = param.convert(param.default) if param.default is not None else None
        return bound


def _convert(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind.startswith("list["):
        inner = kind[5:-1]
        if isinstance(value, str):
            text = value.strip()
            items = (
                json.loads(text)
                if text.startswith("[")
                else [v.strip() for v in text.split(",") if v.strip()]
            )
        else:
            items = list(value)
        return [_convert(inner, item) for item in items]
    if kind == "string":
        return str(value)
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError("not an integer")
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise ValueError("expected true or false")
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            parsed = value
        else:
            parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed
    raise ValueError(f"unknown type {kind}")


def parse(text: str, path: Path | None = None) -> StoredQuery:
    """A stored query from a file's text; errors name the file and line."""
    where = str(path) if path else "<query>"
    lines = text.splitlines()
    header: list[str] = []
    end = None
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped == HEADER_END:
            end = number
            break
        if not stripped.startswith("//"):
            raise QueryError(
                f"{where}:{number + 1}: the header must be `//` comment lines "
                f"ending with `{HEADER_END}`"
            )
        header.append(stripped[2:].removeprefix(" "))
    if end is None:
        raise QueryError(f"{where}: no `{HEADER_END}` line ends the header")
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise QueryError(f"{where}{line}: header is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{where}: header must be a YAML mapping")
    rest = lines[end + 1 :]
    example = [ln.strip()[2:].strip() for ln in rest if ln.strip().startswith("// :param")]
    statement = "\n".join(ln for ln in rest if not ln.strip().startswith("//")).strip()
    return _build(meta, statement, text, path, where, "\n".join(example))


def _build(
    meta: dict[str, Any], statement: str, text: str, path: Path | None, where: str, example: str
) -> StoredQuery:
    def need(key: str) -> Any:
        if not meta.get(key):
            raise QueryError(f"{where}: header needs `{key}`")
        return meta[key]

    name = str(need("name"))
    if not _NAME.match(name):
        raise QueryError(f"{where}: name {name!r} must be lower-case words joined by -")
    mode = str(meta.get("mode", "read"))
    if mode not in MODES:
        raise QueryError(f"{where}: mode must be read or write, not {mode!r}")
    params: dict[str, Parameter] = {}
    for pname, spec in (meta.get("parameters") or {}).items():
        if not isinstance(spec, dict) or spec.get("type") not in TYPES:
            raise QueryError(
                f"{where}: parameter {pname!r} needs a type, one of {', '.join(TYPES)}"
            )
        params[pname] = Parameter(
            name=pname,
            type=spec["type"],
            description=str(spec.get("description", "")),
            default=spec.get("default"),
            required=bool(spec.get("required", False)),
        )
    used = set(re.findall(r"\$(\w+)", statement))
    undeclared = sorted(used - set(params))
    if undeclared:
        raise QueryError(
            f"{where}: the statement uses undeclared parameter(s) "
            f"{', '.join('$' + u for u in undeclared)}"
        )
    if not statement:
        raise QueryError(f"{where}: no statement after the header")
    tags = meta.get("tags") or []
    return StoredQuery(
        name=name,
        title=str(need("title")),
        description=str(need("description")).strip(),
        category=str(need("category")),
        tags=tuple(str(t) for t in tags),
        mode=mode,
        parameters=params,
        cypher=statement,
        text=text,
        path=path,
        example=example,
    )


def load_file(path: str | Path) -> StoredQuery:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read {path}: {exc.strerror}") from None
    return parse(text, path)


def library(root: Path = QUERIES_DIR) -> dict[str, StoredQuery]:
    """Every stored query under ``root``, by name (names must be unique)."""
    found: dict[str, StoredQuery] = {}
    for path in sorted(root.rglob("*.cypher")):
        query = load_file(path)
        if query.name in found:
            raise QueryError(
                f"{path}: name {query.name!r} is also used by {found[query.name].path}"
            )
        found[query.name] = query
    return found


def get(name: str, root: Path = QUERIES_DIR) -> StoredQuery:
    queries = library(root)
    if name not in queries:
        close = [n for n in queries if name in n or n in name]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"no stored query named {name!r}{hint} (cibgraph query list)")
    return queries[name]


def select(
    queries: Iterable[StoredQuery],
    category: str | None = None,
    tag: str | None = None,
    text: str | None = None,
) -> list[StoredQuery]:
    """Filter by category, tag, and a case-insensitive search in name/title/description."""
    out = []
    for q in queries:
        if category and q.category != category:
            continue
        if tag and tag not in q.tags:
            continue
        haystack = f"{q.name} {q.title} {q.description}".lower()
        if text and text.lower() not in haystack:
            continue
        out.append(q)
    return sorted(out, key=lambda q: (q.category, q.name))


def execute(
    graph: Graph,
    query: StoredQuery,
    params: Mapping[str, Any] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Run a stored query. ``read`` queries are enforced read-only (see
    :meth:`cibgraph.graph.Graph.stream`); ``limit`` stops reading after that many rows."""
    bound = query.bind(params)
    if query.mode == "write":
        rows: Iterator[dict[str, Any]] = iter(graph.execute(query.cypher, bound))
    else:
        rows = graph.stream(query.cypher, bound)
    try:
        return list(islice(rows, limit) if limit is not None else rows)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def adhoc(cypher: str, *, write: bool = False) -> StoredQuery:
    """A one-off statement as a query whose parameters are the ``$names`` it uses."""
    params = {
        name: Parameter(name, "string", "ad-hoc", required=True)
        for name in sorted(set(re.findall(r"\$(\w+)", cypher)))
    }
    return StoredQuery(
        name="adhoc",
        title="ad-hoc statement",
        description="",
        category="adhoc",
        tags=(),
        mode="write" if write else "read",
        parameters=params,
        cypher=cypher,
        text=cypher,
    )


@dataclass
class BrowserExport:
    folder: Path
    zip_file: Path
    files: list[Path] = field(default_factory=list)


def export_browser(out: Path, queries: Iterable[StoredQuery]) -> BrowserExport:
    """Write the library as Neo4j Browser saved scripts: one folder per category with
    ``<name>.cypher`` files whose first line is ``// <title>`` (the name Browser shows),
    plus the same tree zipped as Browser's own export does (import it from the Saved
    Scripts / Favorites drawer, or drag the .cypher files onto Browser)."""
    import zipfile

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = BrowserExport(out, out / "cibgraph-saved-scripts.zip")
    with zipfile.ZipFile(result.zip_file, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(".placeholder", "forces directory creation")
        for q in sorted(queries, key=lambda q: (q.category, q.name)):
            body = f"// {q.title}\n{q.text}"
            target = out / q.category / f"{q.name}.cypher"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            archive.writestr(f"{q.category}/{q.name}.cypher", body)
            result.files.append(target)
    return result


def markdown(queries: Iterable[StoredQuery]) -> str:
    """docs/queries.md: every query's header as documentation (kept in sync by a test)."""
    ordered = sorted(queries, key=lambda q: (q.category, q.name))
    lines = [
        "# Stored queries",
        "",
        "Generated from the headers of `queries/**/*.cypher` by `cibgraph query docs`; "
        "do not edit by hand.",
        "",
        "Run one with `cibgraph query run NAME -p key=value`, show its Cypher with "
        "`cibgraph query show NAME`, or paste the file into Neo4j Browser after setting its "
        "parameters (`:params {...}` line in the file).",
        "",
        "In Neo4j Browser (here the one the local Neo4j of `scripts/neo4j-local` serves): "
        "the `:param` line of `shared-page-admins`, then its statement, on the test suite's "
        "hand-built world. The test suite does exactly this in headless Chromium "
        "(`tests/test_browser.py`) and checks the five admins' rows.",
        "",
        "![shared-page-admins in Neo4j Browser](img/neo4j-browser-shared-page-admins.png)",
        "",
        "| name | category | mode | title |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| [{q.name}](#{q.name}) | {q.category} | {q.mode} | {q.title} |" for q in ordered]
    for q in ordered:
        rel = q.path.relative_to(QUERIES_DIR.parent) if q.path else q.name
        lines += [
            "",
            f"## {q.name}",
            "",
            f"**{q.title}** — `{rel}`, category `{q.category}`, "
            f"mode `{q.mode}`, tags: {', '.join(q.tags) or '-'}",
            "",
            q.description,
            "",
        ]
        if q.parameters:
            lines += ["| parameter | type | default | meaning |", "| --- | --- | --- | --- |"]
            for p in q.parameters.values():
                default = (
                    "required" if p.required else ("" if p.default is None else f"`{p.default}`")
                )
                lines.append(f"| `{p.name}` | {p.type} | {default} | {p.description} |")
            lines.append("")
        lines += ["```cypher", q.cypher, "```"]
    return "\n".join(lines) + "\n"
