"""Stored and internal Cypher is parsed by Neo4j's own parser (tools/cypher-lint)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cibgraph.cypherlint import (
    LINT_DIR,
    Statement,
    file_statements,
    internal_statements,
    lint,
    lint_project,
)

installed = (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir()
# In CI the lint must run: a missing install is a failure there, a skip on a laptop.
pytestmark = pytest.mark.skipif(
    not installed and not os.environ.get("CI"),
    reason="npm ci --prefix tools/cypher-lint has not been run",
)


def test_project_cypher_has_no_errors() -> None:
    checked, diagnostics = lint_project()
    errors = [str(d) for d in diagnostics if d.is_error]
    assert errors == []
    internal = internal_statements()
    assert checked == len(file_statements([LINT_DIR.parents[1] / "queries"])) + len(internal)
    sources = {s.source for s in internal}
    assert "cibgraph.schema.CONSTRAINTS_CYPHER[0]" in sources
    assert "cibgraph.graph.PING_CYPHER" in sources


def test_syntax_error_is_reported_with_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cypher"
    bad.write_text("// a broken query\nMATCH (a:Account\nRETURN a\n")
    _, diagnostics = lint_project([bad])
    assert diagnostics and all(d.is_error for d in diagnostics)
    d = diagnostics[0]
    assert d.is_error and d.source == str(bad) and d.line == 3
    assert "Invalid input 'RETURN'" in d.message


def test_undeclared_parameter_is_an_error() -> None:
    stmt = Statement("inline", "MATCH (a:Account {uid: $uid}) RETURN a", parameters=[])
    (d,) = lint([stmt])
    assert d.is_error and "Parameter $uid is not defined" in d.message
    stmt.parameters = ["uid"]
    assert lint([stmt]) == []
