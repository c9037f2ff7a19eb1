"""loader package (see docs/architecture.md)."""
