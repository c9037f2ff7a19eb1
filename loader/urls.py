"""URL and domain normalisation, so the same link shared two ways is one Url node.

Rules: scheme and host lower-cased; ``http``/``https`` kept as given (they can be
different resources); default ports, fragments and tracking parameters (``utm_*``,
``fbclid``, ``gclid``, ...) dropped; remaining query parameters kept in order; a trailing
slash dropped from non-root paths. The domain is the host without a leading ``www.``.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "ref_src"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=1 << 16)  # links repeat (that is what co-link detection is about)
def normalise_url(raw: str) -> str | None:
    """The normalised form of ``raw``, or None if it is not an http(s) URL."""
    text = raw.strip()
    if not text:
        return None
    if "://" not in text and text.lower().startswith("www."):
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
        ]
    )
    return urlunsplit((scheme, netloc, path, query, ""))


#: The host of a URL in normal form (lower case, no user part), read without urlsplit.
_PLAIN_HOST = re.compile(r"https?://([a-z0-9.-]+)(?::[0-9]*)?(?:[/?#]|$)")


def domain_of(url: str) -> str:
    """Host of a normalised URL without ``www.``."""
    plain = _PLAIN_HOST.match(url)
    host = plain.group(1) if plain else (urlsplit(url).hostname or "")
    return host[4:] if host.startswith("www.") else host
