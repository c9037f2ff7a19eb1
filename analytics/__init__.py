"""analytics package (see docs/architecture.md)."""
