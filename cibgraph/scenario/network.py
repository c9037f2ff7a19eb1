"""Who follows, runs or belongs to what: follow edges (Twitter), page admins and group
members (Facebook). Edges stream out in a fixed order; nothing is stored per account."""

from __future__ import annotations

from collections.abc import Iterator

from cibgraph.scenario.posts import count
from cibgraph.scenario.world import World


def follows(world: World) -> Iterator[tuple[int, int]]:
    """(follower, followed) account indices.

    * core: each member follows the next ``follow_ring`` members of its cluster, and each
      of those follows back (reciprocal rings);
    * active amplifiers follow ``amp_follows`` accounts among their cluster's first members;
    * outlet staff follow their outlet, which follows them back;
    * organic, fan and viral accounts follow ~``organic_follows`` accounts among organic
      accounts, outlets, bots and fans; fans also follow 3 fellow fans.
    """
    scale = world.scale
    rng = world.stream("follows")
    for k in range(scale.core_clusters):
        members = list(world.cluster_members(k))
        ring: dict[tuple[int, int], None] = {}
        for j, member in enumerate(members):
            for step in range(1, rng.randint(*scale.follow_ring) + 1):
                other = members[(j + step) % len(members)]
                ring[(member, other)] = None
                ring[(other, member)] = None
        yield from ring
        heads = members[: max(2 * scale.core_leaders, scale.amp_follows)]
        for amp in world.active_amplifiers[k]:
            for target in rng.sample(heads, min(scale.amp_follows, len(heads))):
                yield amp, target
    for o in range(scale.outlets):
        official = world.starts["outlet"] + o * (1 + scale.outlet_staff)
        for staff in range(official + 1, official + 1 + scale.outlet_staff):
            yield staff, official
            yield official, staff
    officials = [
        world.starts["outlet"] + o * (1 + scale.outlet_staff) for o in range(scale.outlets)
    ]
    popular = [*world.indices("organic"), *officials, *world.indices("bot"), *world.indices("fan")]
    fans = world.indices("fan")
    for role in ("organic", "fan", "viral"):
        for i in world.indices(role):
            chosen: dict[int, None] = {}
            for _ in range(count(rng, scale.organic_follows, 0.8, 200, 0)):
                chosen[rng.choice(popular)] = None
            if role == "fan" and len(fans) > 1:
                for _ in range(3):
                    chosen[fans[rng.randrange(len(fans))]] = None
            chosen.pop(i, None)
            for target in chosen:
                yield i, target


def page_admins(world: World) -> Iterator[tuple[int, int]]:
    """(admin account index, page index): the 5 admins and the fake pages they run."""
    for admin in world.admins:
        for page in world.admin_pages(admin):
            yield admin, page


def group_members(world: World) -> Iterator[tuple[int, int]]:
    """(admin account index, group index)."""
    for admin in world.admins:
        for group in world.admin_groups(admin):
            yield admin, group
