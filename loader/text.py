"""What the co-action signals read from a post's free text: its normalised-text key (the
``text`` signal's object) and the hashtags written in it.

One definition each, used by the row parsers, the action store and detection alike.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

#: Shorter normalised texts ("ok", "lol") are not evidence of copy-paste.
MIN_TEXT_CHARS = 10

_HASHTAG = re.compile(r"(?<![\w&])#(\w+)", re.UNICODE)
_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_RT = re.compile(r"^rt\s+@?\w*:?\s*", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise_text(text: str | None) -> str:
    """QUT's co-tweet normalisation and a little more: lower case, no @mentions, no URLs,
    no RT prefix, no punctuation or emoji, white space folded.

    >>> normalise_text("RT @hk_news: Stand with #HongKong!! https://t.co/x")
    'stand with hongkong'
    """
    if not text:
        return ""
    if type(text) is str and len(text) <= 1000:
        return _normalised_short(text)
    return _normalised(text)


def _normalised(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).lower()
    value = _RT.sub("", value)
    if "http" in value or "www." in value:  # else _URL has nothing to find (a quick test)
        value = _URL.sub(" ", value)
    if "@" in value:
        value = _MENTION.sub(" ", value)
    value = _NON_WORD.sub(" ", value)
    return _SPACE.sub(" ", value).strip()


#: Short texts are remembered: copies of one text (what co-action is about) recur.
_normalised_short = functools.lru_cache(maxsize=1 << 14)(_normalised)


# a link written in text: a scheme or www., or a bare host with a path (bit.ly/x); what
# follows up to white space, less the punctuation a sentence puts after it
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|(?<![\w@.])(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s<>\"']+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}\u2026"


def urls_in(body: str | None) -> list[str]:
    """Links written in free text, in order, unique, ``http://`` put before those written
    without a scheme (for layouts with no link column).

    >>> urls_in("read https://t.co/AbC. and bit.ly/x1, not e.g. or U.S. (www.a.org/b)")
    ['https://t.co/AbC', 'http://bit.ly/x1', 'http://www.a.org/b']
    """
    if not body or (type(body) is str and "/" not in body and "www." not in body.lower()):
        return []  # a quick test first: every link has a '/' or 'www.'
    found = (m.group(0).rstrip(_TRAILING) for m in _LINK.finditer(body))
    return list(dict.fromkeys(u if "://" in u else "http://" + u for u in found if u))


def retweet_key(body: str | None) -> str | None:
    """What two retweets of one original share when the data has no original id, only
    its text (with or without ``RT @handle:``): a digest of the normalised text; None
    when that text is too short to tell originals apart.

    >>> retweet_key("RT @a: Stand with Hong Kong!") == retweet_key("stand with hong kong")
    True
    """
    key = normalise_text(body)
    if len(key) < MIN_TEXT_CHARS:
        return None
    return "retweet-" + hashlib.sha1(key.encode()).hexdigest()[:20]


def hashtags_in(body: str | None) -> list[str]:
    """Hashtags written in free text (``#HongKong`` -> ``hongkong``), in order, unique.

    >>> hashtags_in("#HongKong and #hongkong, not a&#39; or mail#x")
    ['hongkong']
    """
    if not body or (type(body) is str and "#" not in body):  # a quick test first
        return []
    return list(dict.fromkeys(tag.lower() for tag in _HASHTAG.findall(body)))


_SPACE_SQL = r"\t\n\x0b\x0c\r\x1c-\x1f "  # what Python's \s and str.strip() mean in ASCII
#: :func:`normalise_text` as a DuckDB expression over the column ``{text}``, exact for
#: ASCII text (where NFKC changes nothing and Python's ``\w`` is ``[a-z0-9_]`` once lower
#: cased); other text goes through :func:`normalise_text`. Tests hold the two together.
TEXT_KEY_ASCII_SQL = (
    "trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace("
    f"lower({{text}}), '^rt[{_SPACE_SQL}]+@?[a-z0-9_]*:?[{_SPACE_SQL}]*', ''), "
    f"'https?://[^{_SPACE_SQL}]+|www\\.[^{_SPACE_SQL}]+', ' ', 'g'), "
    "'@[a-z0-9_]+', ' ', 'g'), "
    f"'[^a-z0-9_{_SPACE_SQL}]', ' ', 'g'), "
    f"'[{_SPACE_SQL}]+', ' ', 'g'))"
)
#: True where ``{text}`` is ASCII (as many bytes as characters).
IS_ASCII_SQL = "strlen({text}) = length({text})"
#: :func:`hashtags_in` as DuckDB expressions, exact for ASCII text: the tags of ``{text}``
#: lower cased, in order, with repeats (RE2 has no look-behind, so the character before the
#: '#' is matched instead; a previous match always ends before a character that is not part
#: of a word, so none is lost); then the list ``{tags}`` with the repeats dropped.
HASHTAGS_ASCII_SQL = (
    "list_transform(regexp_extract_all({text}, '(^|[^a-zA-Z0-9_&])#([a-zA-Z0-9_]+)', 2), "
    "t -> lower(t))"
)
FIRST_OCCURRENCES_SQL = "list_filter({tags}, (t, i) -> list_position({tags}, t) = i)"
