"""Errors a user can act on. The CLI prints their message without a traceback."""


class CibgraphError(Exception):
    """Base class: the message says what went wrong and what to do about it."""


class ConfigError(CibgraphError):
    """Bad connection settings (URI scheme, password file permissions, ...)."""


class GraphUnavailable(CibgraphError):
    """The graph server cannot be reached, did not start, or went away mid-command."""


class EmbeddedServerError(GraphUnavailable):
    """The embedded ArcadeDB server failed to start or stop."""


class ReadOnlyViolation(CibgraphError):
    """A statement run in read mode tried to change the graph; nothing was committed."""
