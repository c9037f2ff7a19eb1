"""The scenario's world: who exists, in which role, and the few shared facts (cluster
layout, creation bursts, pages, groups, article schedules).

Accounts live in one index space, role after role (:data:`~accounts.ROLES`: core, page
admins, amplifiers, organic, outlets, fans, bots, viral). A profile is a pure function of
``(seed, index)`` (:meth:`World.account`, cached in a bounded LRU), so memory does not grow
with the number of accounts beyond small per-role index lists.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import hashlib
import random

from cibgraph.scenario import sites, vocab
from cibgraph.scenario.accounts import LABELS, ROLES, Account, amp_draws, make_account
from cibgraph.scenario.scales import FAKE_PAGES, PAGE_ADMINS, Scale

DAY = 86400
#: Which fake pages (by number) each of the 5 admins runs, and the groups each is in.
ADMIN_PAGES = ((0, 1), (1, 2), (3, 4), (4, 5, 6), (6, 0))
ADMIN_GROUPS = ((0, 2), (0, 1), (0, 1), (1, 2), (0, 2))
#: Core clusters are created in bursts within this window (April - early June 2019).
CORE_BURSTS = (calendar.timegm((2019, 4, 1, 0, 0, 0)), calendar.timegm((2019, 6, 8, 0, 0, 0)))


def _sizes(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, exact sum)."""
    raw = [total * w / sum(weights) for w in weights]
    sizes = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda k: (sizes[k] - raw[k], k))
    for k in order[: total - sum(sizes)]:
        sizes[k] += 1
    return sizes


class World:
    """Everything that exists in the scenario for one scale and seed."""

    def __init__(self, scale: Scale, seed: int) -> None:
        self.scale, self.seed = scale, seed
        self.salt = f"hk2019-{seed}".encode()
        self.account_key = int.from_bytes(hashlib.blake2b(self.salt, digest_size=6).digest())
        counts = (
            scale.core_accounts,
            PAGE_ADMINS,
            scale.amplifiers,
            scale.organic,
            scale.outlet_accounts,
            scale.fans,
            scale.bots,
            scale.viral,
        )
        self.counts = dict(zip(ROLES, counts, strict=True))
        self.starts = {role: sum(counts[:r]) for r, role in enumerate(ROLES)}
        self.n_accounts = sum(counts)
        self._bounds = [self.starts[r] for r in ROLES]

        rng = self.stream("world")
        k = scale.core_clusters
        self.cluster_sizes = _sizes(
            scale.core_accounts, [rng.uniform(0.75, 1.25) for _ in range(k)]
        )
        self.cluster_starts = [sum(self.cluster_sizes[:c]) for c in range(k)]
        slot = (CORE_BURSTS[1] - CORE_BURSTS[0]) // k
        #: (start, length) of each core cluster's creation burst
        self.core_bursts = [
            (
                CORE_BURSTS[0] + c * slot + int(rng.uniform(0, max(slot - 3 * DAY, 0))),
                int(rng.uniform(*scale.core_burst_days) * DAY),
            )
            for c in range(k)
        ]
        self.cluster_en_share = [rng.uniform(0.3, 0.7) for _ in range(k)]
        self.cluster_tags = [rng.sample(vocab.CAMPAIGN_TAGS, 4) for _ in range(k)]
        july = sorted(rng.sample(range(1, 32), scale.amp_burst_days))
        self.amp_bursts = [calendar.timegm((2019, 7, d, rng.randrange(24), 0, 0)) for d in july]
        weights = [rng.uniform(0.5, 1.5) for _ in july]
        self.amp_burst_cum = [sum(weights[: b + 1]) / sum(weights) for b in range(len(july))]

        self.pages, self.groups = sites.build(self.stream("pages"), scale)
        self.outlet_pages = self.pages[FAKE_PAGES : FAKE_PAGES + scale.outlets]
        self.organic_pages = self.pages[FAKE_PAGES + scale.outlets :]
        self.admins = list(self.indices("admin"))
        self.fake_articles = sites.fake_articles(self.stream("fake-articles"), scale, self.pages)
        self.outlet_articles = [
            sites.outlet_articles(self.stream(f"outlet-articles-{o}"), scale, o, page.domain)
            for o, page in enumerate(self.outlet_pages)
        ]
        self.account = functools.lru_cache(maxsize=1 << 16)(self._account)
        self._active: list[list[int]] | None = None

    def stream(self, name: str) -> random.Random:
        """An independent random stream for one component of the world."""
        return random.Random(f"{self.seed}/{name}")

    def _account(self, index: int) -> Account:
        return make_account(self, index)

    def role_of(self, index: int) -> str:
        return ROLES[bisect.bisect_right(self._bounds, index) - 1]

    def indices(self, role: str) -> range:
        return range(self.starts[role], self.starts[role] + self.counts[role])

    def cluster_members(self, k: int) -> range:
        """Account indices of core cluster ``k``; its leaders come first."""
        start = self.starts["core"] + self.cluster_starts[k]
        return range(start, start + self.cluster_sizes[k])

    def twitter_accounts(self) -> list[range]:
        return [self.indices(role) for role in ROLES if role != "admin"]

    @property
    def active_amplifiers(self) -> list[list[int]]:
        """Active amplifiers per core cluster (computed once: ~12% of the amplifiers)."""
        if self._active is None:
            self._active = [[] for _ in range(self.scale.core_clusters)]
            for i in self.indices("amplifier"):
                draws = amp_draws(self.salt, i)
                if draws[0] / 2**32 < self.scale.amp_active_share:
                    self._active[draws[1] % self.scale.core_clusters].append(i)
        return self._active

    def amp_first_event(self, index: int) -> int:
        """The event of its cluster an active amplifier joins for sure (so it posts)."""
        return amp_draws(self.salt, index)[2] % self.scale.events_per_cluster

    def admin_pages(self, admin: int) -> list[int]:
        """Fake page numbers run by the admin with account index ``admin``."""
        return list(ADMIN_PAGES[admin - self.starts["admin"]])

    def admin_groups(self, admin: int) -> list[int]:
        return list(ADMIN_GROUPS[admin - self.starts["admin"]])

    def truth_counts(self, platform: str | None = None) -> dict[str, int]:
        """Accounts per truth label (as written to truth.csv)."""
        out: dict[str, int] = {}
        for role in ROLES:
            if platform and (role == "admin") != (platform == "facebook"):
                continue
            if self.counts[role]:
                out[LABELS[role]] = out.get(LABELS[role], 0) + self.counts[role]
        return out
