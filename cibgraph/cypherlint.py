"""Check Cypher with Neo4j's own parser (npm ``@neo4j-cypher/language-support``).

What is checked:

* every ``*.cypher`` file under ``queries/`` (or the paths given);
* every internal statement: module-level constants named ``*_CYPHER`` (a string, or a
  tuple/list/dict of strings) in the ``cibgraph``, ``loader``, ``queries`` and ``analytics``
  packages. Internal Cypher lives in such constants by convention so it is linted too.

The parser runs in Node (``tools/cypher-lint``, installed with ``npm ci``). Parameters: a
stored query may use only the ``$names`` its header declares (an undeclared one is an
error); for internal statements and header-less files every ``$name`` counts as declared,
so syntax is what is checked.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cibgraph.errors import CibgraphError

REPO_ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = REPO_ROOT / "tools" / "cypher-lint"
QUERIES_DIR = REPO_ROOT / "queries"
PACKAGES = ("cibgraph", "loader", "queries", "analytics")

_PARAM = re.compile(r"\$(\w+)")


@dataclass
class Statement:
    source: str  # "path:line" or "module.CONSTANT[i]"
    query: str
    parameters: list[str] = field(default_factory=list)


@dataclass
class Diagnostic:
    source: str
    severity: int  # 1 error, 2 warning
    message: str
    line: int
    column: int

    @property
    def is_error(self) -> bool:
        return self.severity == 1

    def __str__(self) -> str:
        kind = "error" if self.is_error else "warning"
        return f"{self.source}:{self.line}:{self.column}: {kind}: {self.message}"


def used_parameters(cypher: str) -> list[str]:
    return sorted(set(_PARAM.findall(cypher)))


def file_statements(paths: Iterable[Path]) -> list[Statement]:
    """One statement per ``.cypher`` file (directories are searched recursively). A file
    with a stored-query header may use only the parameters its header declares; a header
    that does not parse is reported as an error of its own."""
    from queries.registry import HEADER_END, QueryError, parse

    out: list[Statement] = []
    for path in paths:
        files = sorted(path.rglob("*.cypher")) if path.is_dir() else [path]
        for file in files:
            text = file.read_text(encoding="utf-8")
            params = used_parameters(text)
            if HEADER_END in text.splitlines():
                try:
                    params = sorted(parse(text, file).parameters)
                except QueryError as exc:
                    raise CibgraphError(str(exc)) from None
            out.append(Statement(str(file), text, params))
    return out


def internal_statements(packages: Iterable[str] = PACKAGES) -> list[Statement]:
    """Every ``*_CYPHER`` constant in the given packages' modules."""
    out: list[Statement] = []
    seen: set[str] = set()  # a constant imported into another module is linted once
    for package_name in packages:
        package = importlib.import_module(package_name)
        modules = [package_name] + [
            m.name
            for m in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}.")
            if not m.name.startswith("cibgraph.cli")
        ]
        for module_name in modules:
            module = importlib.import_module(module_name)
            for name, value in vars(module).items():
                if not name.endswith("_CYPHER") or getattr(value, "__module__", None):
                    continue
                if isinstance(value, str):
                    values = [value]
                elif isinstance(value, dict):
                    values = list(value.values())
                else:
                    values = list(value)
                for i, query in enumerate(values):
                    if query in seen:
                        continue
                    seen.add(query)
                    suffix = f"[{i}]" if not isinstance(value, str) else ""
                    src = f"{module_name}.{name}{suffix}"
                    out.append(Statement(src, query, used_parameters(query)))
    return out


def lint(statements: list[Statement]) -> list[Diagnostic]:
    """Parse ``statements`` with Neo4j's parser; return every diagnostic."""
    node = shutil.which("node")
    if node is None:
        raise CibgraphError("the Cypher lint needs Node.js 20+ on PATH")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        raise CibgraphError(f"the Cypher lint is not installed: run `npm ci --prefix {LINT_DIR}`")
    payload = json.dumps([s.__dict__ for s in statements])
    proc = subprocess.run(
        [node, str(LINT_DIR / "lint.mjs")],
        input=payload,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise CibgraphError(f"the Cypher lint failed to run:\n{proc.stderr.strip()}")
    return [
        Diagnostic(item["source"], **d)
        for item in json.loads(proc.stdout)
        for d in item["diagnostics"]
    ]


def lint_project(paths: list[Path] | None = None) -> tuple[int, list[Diagnostic]]:
    """Lint the stored queries (or ``paths``) and all internal Cypher.

    Returns how many statements were parsed and the diagnostics."""
    statements = file_statements(paths or [QUERIES_DIR])
    if not paths:
        statements += internal_statements()
    return len(statements), lint(statements)
