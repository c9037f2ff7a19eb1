"""Platform-like identifiers and time formats, all pure functions of their inputs.

* Twitter account ids: accounts created before 2016 get sequential-looking 9-10 digit ids
  (unique because their creation second is a bijection of the account index); later
  ones 18-19 digit snowflakes ``(ms - epoch) << 22 | index``.
* Tweet ids: snowflakes from the tweet's millisecond plus a global 22-bit sequence, so
  they are unique and sort by time.
* Facebook: 15-digit page/group/user ids; post ids ``<entity id>_<n>``.
* The archive's anonymised ids: base64 of sha256(salt + id), e.g. ``u4c+...Wc=``.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import time

#: Twitter's snowflake epoch (2010-11-04T01:42:54.657Z), in milliseconds.
TWEPOCH_MS = 1_288_834_974_657
SEQUENCE_BITS = 22
SEQUENCE_LIMIT = 1 << SEQUENCE_BITS
#: Accounts created in [OLD_START, OLD_END) get sequential-looking ids.
OLD_START = calendar.timegm((2009, 1, 1, 0, 0, 0))
OLD_END = calendar.timegm((2016, 1, 1, 0, 0, 0))
_MASK22 = (1 << 22) - 1
_SLOT = (OLD_END - OLD_START) >> 22  # 52 seconds: 2**22 slots fill the span


def _mix22(x: int) -> int:
    """A bijection of 22-bit numbers that scatters neighbours (odd multiply, xor-shift)."""
    x = (x * 0x2C1B3) & _MASK22
    x ^= x >> 11
    x = (x * 0x1F5A5) & _MASK22
    return x ^ (x >> 9)


def _old_offset(index: int) -> int:
    if index > _MASK22:
        raise OverflowError("account index beyond 2**22")
    return _mix22(index) * _SLOT + index % _SLOT


def old_account_second(index: int) -> int:
    """Creation second of a pre-2016 account: distinct for every index < 2**22."""
    return OLD_START + _old_offset(index)


def old_account_id(index: int) -> int:
    """A 9-10 digit id that grows with the creation second (unique per index)."""
    return 100_000_000 + _old_offset(index) * 14 + index % 14


def snowflake(ms: int, sequence: int) -> int:
    return ((ms - TWEPOCH_MS) << SEQUENCE_BITS) | (sequence & (SEQUENCE_LIMIT - 1))


class TweetIds:
    """Tweet ids in generation order: snowflake of the time plus a global sequence."""

    def __init__(self) -> None:
        self.count = 0

    def next(self, ms: int) -> str:
        if self.count >= SEQUENCE_LIMIT:
            raise OverflowError("more than 4,194,304 tweets: the sequence would repeat")
        self.count += 1
        return str(snowflake(ms, self.count - 1))


class FacebookPostIds:
    """``<entity id>_<n>``: n from the post's second and a per-entity counter."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def number(self, entity_id: str, ts: int) -> int:
        count = self.counts.get(entity_id, 0)
        self.counts[entity_id] = count + 1
        return 10**15 + ts * 1000 + count % 1000


def archive_hash(salt: bytes, ident: str) -> str:
    """The archive's opaque id of an anonymised account (base64, with ``+/=``)."""
    return base64.b64encode(hashlib.sha256(salt + ident.encode()).digest()).decode()


def iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def minute(ts: int) -> str:
    """The archive's ``tweet_time``: ``YYYY-MM-DD HH:MM`` (UTC)."""
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(ts))


def day(ts: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def _nth_sunday(year: int, month: int, n: int) -> int:
    """Day of month of the n-th Sunday."""
    first = calendar.weekday(year, month, 1)  # Monday = 0
    return 1 + (6 - first) % 7 + 7 * (n - 1)


def eastern(ts: int) -> str:
    """US Eastern local time with its abbreviation, as CrowdTangle wrote it:
    ``2019-08-19 03:12:45 EDT`` (DST from the 2nd Sunday of March to the 1st of November)."""
    year = time.gmtime(ts).tm_year
    start = calendar.timegm((year, 3, _nth_sunday(year, 3, 2), 7, 0, 0))
    end = calendar.timegm((year, 11, _nth_sunday(year, 11, 1), 6, 0, 0))
    summer = start <= ts < end
    local = time.gmtime(ts - (4 if summer else 5) * 3600)
    return time.strftime("%Y-%m-%d %H:%M:%S", local) + (" EDT" if summer else " EST")
