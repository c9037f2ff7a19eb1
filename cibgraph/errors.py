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


class InvestigationIncomplete(CibgraphError):
    """An investigation wrote its report, but some of its queries failed on the server;
    the report says which, in place of their tables."""


#: Server messages a user can act on, and what to do (matched as substrings).
_REFUSAL_HINTS = (
    (
        "Query heap budget exceeded",
        "the query holds more rows than the embedded server's query memory: narrow it "
        "with its parameters (a tighter window, a higher minimum, fewer sharers) or give "
        "the server more memory (its query memory is half its heap) with "
        "CIBGRAPH_EMBEDDED_HEAP, e.g. CIBGRAPH_EMBEDDED_HEAP=8g",
    ),
)


def refusal_message(exc: BaseException) -> str:
    """What the server said when it refused a statement, with what to do when known."""
    message = str(getattr(exc, "message", None) or exc)
    for marker, hint in _REFUSAL_HINTS:
        if marker in message:
            return f"{message} ({hint})"
    return message
