"""queries package (see docs/architecture.md)."""
