"""Ingest: real-world files into the graph (see :func:`loader.load.load`)."""

from loader.load import LoadError, LoadReport, load

__all__ = ["LoadError", "LoadReport", "load"]
