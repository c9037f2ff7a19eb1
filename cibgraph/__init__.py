"""cibgraph: find coordinated inauthentic behaviour in a property graph.

The core package holds what every other package leans on: connection settings
(:mod:`cibgraph.settings`), the one Bolt connection helper (:mod:`cibgraph.graph`),
the embedded ArcadeDB server manager (:mod:`cibgraph.embedded`), the schema
(:mod:`cibgraph.schema`) and the click CLI (:mod:`cibgraph.cli`).
"""

from cibgraph.errors import CibgraphError, ConfigError, GraphUnavailable, ReadOnlyViolation

__version__ = "0.1.0"

__all__ = ["CibgraphError", "ConfigError", "GraphUnavailable", "ReadOnlyViolation", "__version__"]
