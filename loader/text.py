"""What the co-action signals read from a post's free text: its normalised-text key (the
``text`` signal's object) and the hashtags written in it.

One definition each, used by the row parsers, the action store and detection alike.
"""

from __future__ import annotations

import re
import unicodedata

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
    value = unicodedata.normalize("NFKC", text).lower()
    value = _RT.sub("", value)
    value = _URL.sub(" ", value)
    value = _MENTION.sub(" ", value)
    value = _NON_WORD.sub(" ", value)
    return _SPACE.sub(" ", value).strip()


def hashtags_in(body: str | None) -> list[str]:
    """Hashtags written in free text (``#HongKong`` -> ``hongkong``), in order, unique.

    >>> hashtags_in("#HongKong and #hongkong, not a&#39; or mail#x")
    ['hongkong']
    """
    if not body:
        return []
    return list(dict.fromkeys(tag.lower() for tag in _HASHTAG.findall(body)))
