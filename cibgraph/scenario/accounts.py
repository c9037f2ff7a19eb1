"""Account profiles: a pure function of ``(seed, index)``, so any account can be rebuilt
at any time from its index (amplifiers from one blake2b digest, the rest from a
``random.Random`` seeded by the index) and nothing is kept per account."""

from __future__ import annotations

import bisect
import calendar
import hashlib
import math
import random
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cibgraph.scenario import ids, sites, text, vocab

if TYPE_CHECKING:
    from cibgraph.scenario.world import World

DAY = 86400
ROLES = ("core", "admin", "amplifier", "organic", "outlet", "fan", "bot", "viral")
LABELS = {
    "core": "operation",
    "admin": "operation",
    "amplifier": "amplifier",
    "organic": "organic",
    "outlet": "hard_negative:news_outlet",
    "fan": "hard_negative:fan_community",
    "bot": "hard_negative:bot",
    "viral": "hard_negative:viral_link",
}
_PEOPLE_CREATED = (calendar.timegm((2009, 3, 1, 0, 0, 0)), calendar.timegm((2019, 5, 1, 0, 0, 0)))


@dataclass(frozen=True, slots=True)
class Account:
    index: int
    platform: str
    id: str
    handle: str
    display_name: str
    created: int  # epoch seconds, UTC
    followers: int
    following: int
    language: str
    location: str
    description: str
    profile_url: str
    label: str
    cluster: str


def amp_draws(salt: bytes, index: int) -> tuple[int, ...]:
    """Eight 32-bit draws of an amplifier: [0] active?, [1] cluster, [2] guaranteed
    event, [3..7] profile."""
    digest = hashlib.blake2b(b"%s:amp:%d" % (salt, index), digest_size=32).digest()
    return struct.unpack("<8I", digest)


def twitter_id(index: int, created: int) -> tuple[str, int]:
    """(id, creation second): sequential-looking ids before 2016, snowflakes after."""
    if created < ids.OLD_END:
        return str(ids.old_account_id(index)), ids.old_account_second(index)
    return str(ids.snowflake(created * 1000 + index % 1000, index)), created


def make_account(world: World, index: int) -> Account:
    role = world.role_of(index)
    pos = index - world.starts[role]
    if role == "amplifier":
        return _amplifier(world, index)
    rng = random.Random((world.account_key << 24) + index)
    if role == "admin":
        return _admin(index, pos, rng)
    if role == "outlet":
        return _outlet(world, index, pos, rng)
    if role == "bot":
        return _bot(index, pos, rng)
    first, last = text.person(rng)
    name = text.zh_name(rng) if rng.random() < 0.3 else f"{first} {last}"
    handle = text.handle(rng, first, last)
    if role == "core":
        k = bisect.bisect_right(world.cluster_starts, pos) - 1
        leader = pos - world.cluster_starts[k] < world.scale.core_leaders
        start, length = world.core_bursts[k]
        created = start + int(rng.uniform(0, length))
        return Account(
            index=index,
            platform="twitter",
            id=str(ids.snowflake(created * 1000 + rng.randrange(1000), index)),
            handle=handle,
            display_name=name,
            created=created,
            followers=int(rng.lognormvariate(math.log(3000 if leader else 150), 1.0)),
            following=rng.randint(50, 800),
            language=rng.choices(("zh-cn", "en", "zh-tw"), (55, 35, 10))[0],
            location=rng.choice(("Hong Kong", "香港", "", "HK", "China")),
            description=rng.choice(vocab.CORE_BIOS),
            profile_url="",
            label="operation",
            cluster=f"core-{k}",
        )
    ident, created = twitter_id(index, rng.randrange(*_PEOPLE_CREATED))
    return Account(
        index=index,
        platform="twitter",
        id=ident,
        handle=handle,
        display_name=name,
        created=created,
        followers=int(rng.lognormvariate(math.log(150), 1.4)),
        following=int(rng.lognormvariate(math.log(200), 0.8)),
        language=rng.choices(("en", "zh-tw", "zh-cn", "ja", "und"), (45, 30, 15, 3, 7))[0],
        location=rng.choice(vocab.LOCATIONS),
        description=rng.choice(vocab.FAN_BIOS if role == "fan" else vocab.ORGANIC_BIOS),
        profile_url=f"https://instagram.com/{handle}" if rng.random() < 0.1 else "",
        label=LABELS[role],
        cluster={"fan": "fans", "viral": "viral"}.get(role, ""),
    )


def _amplifier(world: World, index: int) -> Account:
    d = amp_draws(world.salt, index)
    active = d[0] / 2**32 < world.scale.amp_active_share
    first, last = vocab.FIRST[d[3] % len(vocab.FIRST)], vocab.LAST[d[4] % len(vocab.LAST)]
    burst = min(bisect.bisect_left(world.amp_burst_cum, d[6] / 2**32), len(world.amp_bursts) - 1)
    created = world.amp_bursts[burst] + int(d[7] / 2**32 * world.scale.amp_burst_hours * 3600)
    return Account(
        index=index,
        platform="twitter",
        id=str(ids.snowflake(created * 1000 + d[5] % 1000, index)),
        handle=f"{first}{last}{d[5] % 10**8:08d}",
        display_name=f"{first} {last}",
        created=created,
        followers=(d[3] >> 16) % 6,
        following=(d[4] >> 16) % 31,
        language=("en", "zh-cn", "en", "und")[(d[5] >> 28) % 4],
        location="",
        description="",
        profile_url="",
        label="amplifier",
        cluster=f"amp-{d[1] % world.scale.core_clusters}" if active else "amp-dormant",
    )


def _admin(index: int, pos: int, rng: random.Random) -> Account:
    first, last = text.person(rng)
    return Account(
        index=index,
        platform="facebook",
        id=str(100_037_000_000_000 + pos * 104_729_131 + rng.randrange(1_000_000)),
        handle=f"{first.lower()}.{last.lower()}.{rng.randint(100, 9999)}",
        display_name=text.zh_name(rng) if pos % 2 else f"{first} {last}",
        created=calendar.timegm((2019, 2, 1, 0, 0, 0)) + rng.randrange(100 * DAY),
        followers=rng.randint(20, 400),
        following=rng.randint(50, 300),
        language="zh-hk",
        location="Hong Kong",
        description="",
        profile_url="",
        label="operation",
        cluster="page-admins",
    )


def _outlet(world: World, index: int, pos: int, rng: random.Random) -> Account:
    outlet, staff = divmod(pos, 1 + world.scale.outlet_staff)
    name, name_zh, official, domain = sites.OUTLETS[outlet]
    if staff == 0:
        ident, created = twitter_id(index, rng.randrange(ids.OLD_START, ids.OLD_END))
        handle, display, bio = official, f"{name} {name_zh}", f"News from Hong Kong. {domain}"
        followers, url = rng.randint(20_000, 400_000), f"https://{domain}"
    else:
        ident, created = twitter_id(index, rng.randrange(*_PEOPLE_CREATED))
        first, last = text.person(rng)
        handle = f"{first[0]}{last}_{official[:4]}".lower()
        display, bio = f"{first} {last}", f"Reporter @{official}. Views my own."
        followers, url = int(rng.lognormvariate(math.log(2000), 1.0)), ""
    return Account(
        index=index,
        platform="twitter",
        id=ident,
        handle=handle,
        display_name=display,
        created=created,
        followers=followers,
        following=rng.randint(100, 900),
        language="en",
        location="Hong Kong",
        description=bio,
        profile_url=url,
        label="hard_negative:news_outlet",
        cluster=f"outlet-{outlet}",
    )


def _bot(index: int, pos: int, rng: random.Random) -> Account:
    handle, display, _, kind = text.BOTS[pos]
    ident, created = twitter_id(index, rng.randrange(ids.OLD_START, ids.OLD_END))
    return Account(
        index=index,
        platform="twitter",
        id=ident,
        handle=handle,
        display_name=display,
        created=created,
        followers=rng.randint(800, 60_000),
        following=rng.randint(0, 20),
        language="zh-tw" if kind.endswith("_zh") else "en",
        location="Hong Kong",
        description=f"Automated {kind.split('_')[0]} posts. Unofficial, not a person.",
        profile_url="",
        label="hard_negative:bot",
        cluster=f"bot-{pos}",
    )
