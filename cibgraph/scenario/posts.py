"""What gets posted: the :class:`Post` record every writer reads, and the time,
count and sampling helpers the generators share."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

from cibgraph.scenario.scales import ACTIVITY_END, ACTIVITY_START
from cibgraph.scenario.sites import HK_DAYTIME

DAY = 86400
DAYS = (ACTIVITY_END - ACTIVITY_START) // DAY
_HOURS = range(24)
_CUM_DAYTIME = [sum(HK_DAYTIME[: h + 1]) for h in _HOURS]
_TAG = re.compile(r"#(\w+)")
#: Size of the reservoirs of earlier posts that reposts and replies pick from.
RESERVOIR = 500


@dataclass(slots=True)
class Post:
    platform: str
    id: str
    ts: int  # epoch seconds, UTC
    text: str
    language: str
    author: int | None = None  # account index (Twitter author; Facebook admin in a group)
    page: int | None = None  # index into world.pages
    group: int | None = None  # index into world.groups
    client: str = ""
    hashtags: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    mentions: tuple[int, ...] = ()  # account indices
    repost_of: str = ""
    repost_author: int | None = None
    reply_to: str = ""
    reply_author: int | None = None
    likes: int = 0
    shares: int = 0
    replies: int = 0
    kind: str = ""  # Facebook post type: Link, Status, Photo
    title: str = ""  # Facebook link text


def tags_in(body: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_TAG.findall(body)))


def daytime(rng: random.Random, day_index: int | None = None) -> int:
    """A second in the activity window, weighted to Hong Kong waking hours."""
    day = rng.randrange(DAYS) if day_index is None else day_index
    hk_hour = rng.choices(_HOURS, cum_weights=_CUM_DAYTIME)[0]
    return ACTIVITY_START + day * DAY + ((hk_hour - 8) % 24) * 3600 + rng.randrange(3600)


def office_hours(rng: random.Random) -> int:
    """A second on a weekday, 09:00-18:00 Beijing / Hong Kong time (01:00-10:00 UTC)."""
    while True:
        day = rng.randrange(DAYS)
        if (ACTIVITY_START // DAY + day + 3) % 7 < 5:  # 1970-01-01 was a Thursday
            return ACTIVITY_START + day * DAY + 3600 + rng.randrange(9 * 3600)


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma) if median > 0 else 0.0


def delay_s(rng: random.Random, median: float, maximum: float, minimum: float = 1.0) -> float:
    """A lognormal delay around ``median``, clipped to ``[minimum, maximum]``."""
    return min(maximum, max(minimum, lognormal(rng, median, 0.8)))


def count(rng: random.Random, median: float, sigma: float, cap: int, floor: int = 1) -> int:
    """A heavy-tailed (lognormal) number of posts."""
    return min(cap, max(floor, round(lognormal(rng, median, sigma))))


def engagement(rng: random.Random, scale: float = 1.0) -> tuple[int, int, int]:
    """(likes, shares, replies) of an ordinary post."""
    likes = int(rng.lognormvariate(0.3, 1.3) * scale)
    return likes, int(likes * rng.uniform(0, 0.3)), int(likes * rng.uniform(0, 0.2))


class Reservoir:
    """A bounded uniform sample of earlier posts (reservoir sampling)."""

    def __init__(self, rng: random.Random, size: int = RESERVOIR) -> None:
        self.rng = rng
        self.size = size
        self.seen = 0
        self.items: list[Post] = []

    def add(self, post: Post) -> None:
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append(post)
        else:
            slot = self.rng.randrange(self.seen)
            if slot < self.size:
                self.items[slot] = post

    def pick(self, author: int) -> Post | None:
        """A post of someone else, or None."""
        if not self.items:
            return None
        post = self.rng.choice(self.items)
        return None if post.author == author else post
