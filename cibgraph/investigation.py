"""Saved investigations: a YAML file of steps, run end to end into a report folder.

Schema (docs/investigations.md has the full reference)::

    name: hong-kong-2019                  # required, lower-case-with-dashes
    description: ...                      # required
    params:                               # optional defaults; --param k=v overrides
      data: data/hk-demo
    load:                                 # optional
      paths: ["${data}"]                  # files or folders, relative to the YAML file
      format: native                      # optional, as `cibgraph load --format`
      dataset: hk-demo                    # optional
    detect:                               # optional; keys as `cibgraph detect` options
      signals: [url, repost, text, near_text, hashtag, admin]
      window: 60
      engine: igraph
      threshold: 0.5
    queries:                              # report sections, in order
      - name: shared-page-admins
        params: {min_pages: 2}
        title: Who runs the fake news pages   # optional, default the query's title
    exports: [gexf, graphml]              # Gephi snapshots of the run
    evaluate:                             # optional
      truth: "${data}/truth.csv"          # operation / organic labels: precision, recall
      labels: "${data}/authors.csv"       # or categories: clusters x categories, NMI, ARI
      label_column: account_category      #   (id_column, platform as `cibgraph evaluate`)

Every problem names the file, the line and the key. ``${name}`` in any string is replaced
by the parameter's value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cibgraph.errors import CibgraphError
from cibgraph.investigation_values import check_detect

INVESTIGATIONS_DIR = Path(__file__).resolve().parents[1] / "investigations"
TOP_KEYS = {"name", "description", "params", "load", "detect", "queries", "exports", "evaluate"}
LOAD_KEYS = {"paths", "format", "dataset", "batch_size", "platform"}
DETECT_KEYS = {
    "signals",
    "window",
    "min_weight",
    "max_actors",
    "min_participation",
    "fast_window",
    "engine",
    "resolution",
    "seed",
    "threshold",
    "min_size",
    "draws",
    "alpha",
    "min_excess",
    "lockstep",
    "percentile",
    "min_symmetry",
    "write_edges",
    "weights",
}
EVALUATE_KEYS = {"truth", "labels", "label_column", "id_column", "platform"}
QUERY_KEYS = {"name", "params", "title", "limit"}
EXPORT_FORMATS = ("gexf", "graphml", "csv")
_PARAM = re.compile(r"\$\{(\w+)\}")


class InvestigationError(CibgraphError):
    """A saved investigation is malformed (the message names file, line and key)."""


@dataclass
class QueryStep:
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    limit: int | None = None


@dataclass
class Investigation:
    name: str
    description: str
    path: Path
    params: dict[str, str] = field(default_factory=dict)
    load: dict[str, Any] | None = None
    detect: dict[str, Any] | None = None
    queries: list[QueryStep] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    evaluate: dict[str, Any] | None = None

    def resolve(self, value: str) -> Path:
        """A path from the YAML, relative to the YAML file's folder."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.path.parent / path).resolve()


def _lines(node: yaml.Node, prefix: str = "", out: dict[str, int] | None = None) -> dict[str, int]:
    """Dotted key path -> 1-based line of that key in the YAML file."""
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            out[path] = key.start_mark.line + 1
            _lines(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}[{index}]"
            out[path] = item.start_mark.line + 1
            _lines(item, path, out)
    return out


def _substitute(value: Any, params: Mapping[str, str], where: str) -> Any:
    if isinstance(value, str):

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in params:
                raise InvestigationError(
                    f"{where}: unknown parameter ${{{name}}} (declare it "
                    "under params: or pass --param)"
                )
            return str(params[name])

        return _PARAM.sub(one, value)
    if isinstance(value, list):
        return [_substitute(v, params, where) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, params, where) for k, v in value.items()}
    return value


def parse(text: str, path: Path, overrides: Mapping[str, str] | None = None) -> Investigation:
    """Validate an investigation; errors name ``path:line`` and the key."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise InvestigationError(f"{path}{line}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InvestigationError(f"{path}: an investigation is a YAML mapping of steps")
    lines = _lines(node) if node is not None else {}

    def fail(key: str, message: str) -> InvestigationError:
        line = lines.get(key)
        where = f"{path}:{line}" if line else str(path)
        return InvestigationError(f"{where}: {key}: {message}")

    def check_keys(section: Any, allowed: set[str], key: str) -> dict[str, Any]:
        if not isinstance(section, dict):
            raise fail(key, "must be a mapping")
        for name in section:
            if name not in allowed:
                raise fail(
                    f"{key}.{name}" if key else name,
                    f"unknown key; expected one of {', '.join(sorted(allowed))}",
                )
        return section

    check_keys(data, TOP_KEYS, "")
    for required in ("name", "description"):
        if not isinstance(data.get(required), str) or not data[required].strip():
            raise fail(required, "is required (a non-empty string)")
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", data["name"]):
        raise fail("name", "must be lower-case words joined by -")
    params = {str(k): str(v) for k, v in (data.get("params") or {}).items()}
    used = set(_PARAM.findall(text))
    for name in overrides or {}:
        if name not in params and name not in used:
            known = ", ".join(sorted(set(params) | used)) or "none"
            raise InvestigationError(
                f"--param {name}: {path.name} has no parameter {name!r} (it has: {known})"
            )
    params.update(overrides or {})

    def sub(value: Any, key: str) -> Any:
        return _substitute(value, params, f"{path}:{lines.get(key, '?')}: {key}")

    inv = Investigation(
        name=data["name"], description=data["description"].strip(), path=path, params=params
    )
    if "load" in data:
        load = check_keys(data["load"], LOAD_KEYS, "load")
        paths = load.get("paths")
        if isinstance(paths, str):
            paths = [paths]
        if not paths or not all(isinstance(p, str) for p in paths):
            raise fail("load.paths", "a list of files or folders is required")
        inv.load = sub({**load, "paths": paths}, "load")
    if "detect" in data:
        detect = sub(check_keys(data["detect"] or {}, DETECT_KEYS, "detect"), "detect")
        inv.detect = check_detect(detect, fail)
    queries = data.get("queries") or []
    if not isinstance(queries, list):
        raise fail("queries", "must be a list of {name, params}")
    from queries.registry import library

    known = library()
    for index, item in enumerate(queries):
        key = f"queries[{index}]"
        if isinstance(item, str):
            item = {"name": item}
        check_keys(item, QUERY_KEYS, key)
        name = item.get("name")
        if name not in known:
            raise fail(
                f"{key}.name" if f"{key}.name" in lines else key,
                f"no stored query named {name!r} (cibgraph query list)",
            )
        step = QueryStep(
            name=name,
            params=sub(item.get("params") or {}, f"{key}.params"),
            title=item.get("title"),
            limit=item.get("limit"),
        )
        try:
            known[name].bind(step.params)
        except CibgraphError as exc:
            raise fail(f"{key}.params" if f"{key}.params" in lines else key, str(exc)) from None
        inv.queries.append(step)
    exports = data.get("exports") or []
    if not isinstance(exports, list) or any(e not in EXPORT_FORMATS for e in exports):
        raise fail("exports", f"a list of {', '.join(EXPORT_FORMATS)}")
    inv.exports = list(exports)
    if "evaluate" in data:
        evaluate = check_keys(data["evaluate"] or {}, EVALUATE_KEYS, "evaluate")
        if "labels" in evaluate and "label_column" not in evaluate:
            raise fail("evaluate", "labels needs label_column (the column of categories)")
        inv.evaluate = sub(evaluate, "evaluate")
    return inv


def command_line_value(value: str, cwd: Path | None = None) -> str:
    """A ``--param`` value as the investigation gets it: one that names a path from the
    current directory (the path exists, or its folder does) becomes absolute, so it is not
    read against the YAML's folder as the YAML's own paths are; anything else is kept."""
    path = Path(value).expanduser()
    if not value or path.is_absolute():
        return str(path) if value else value
    here = (cwd or Path.cwd()) / path
    if here.exists() or (len(path.parts) > 1 and here.parent.is_dir()):
        return str(here.resolve())
    return value


def load_file(path: str | Path, overrides: Mapping[str, str] | None = None) -> Investigation:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvestigationError(f"cannot read {path}: {exc.strerror}") from None
    return parse(text, path.resolve(), overrides)


def available(folder: Path = INVESTIGATIONS_DIR) -> list[Investigation]:
    return [load_file(p) for p in sorted(folder.glob("*.yaml"))]
