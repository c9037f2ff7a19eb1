"""Size presets of the synthetic Hong Kong 2019 scenario: one :class:`Scale` per size.

Every number that shapes the world is a field here, documented in its ``metadata["doc"]``;
``docs/scenario.md`` carries the same table (:func:`scale_table` renders it, a test keeps
the two in step). Figures at ``full`` follow the platforms' August 2019 statements (936
core accounts, ~200,000 amplifiers, 7 pages, 3 groups, 5 admins).
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass, field
from typing import Any

#: Fixed at every scale (Facebook's statement: 7 pages, 3 groups, 5 accounts).
FAKE_PAGES = 7
PAGE_ADMINS = 5
OPERATION_GROUPS = 3

#: Activity window (UTC), start inclusive, end exclusive: 2019-06-09 .. 2019-08-19.
ACTIVITY_START = calendar.timegm((2019, 6, 9, 0, 0, 0))
ACTIVITY_END = calendar.timegm((2019, 8, 20, 0, 0, 0))
ACTIVITY_DAYS = (ACTIVITY_END - ACTIVITY_START) // 86400


def _p(doc: str, default: Any = dataclasses.MISSING) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True, kw_only=True)
class Scale:
    """How big the world is and how strongly each behaviour shows. Shares are 0..1,
    ``*_s`` are seconds, ``*_h`` hours; ``(a, b)`` pairs are ranges drawn uniformly."""

    name: str = _p("preset name")
    # -- operation core (Twitter) --------------------------------------------------------
    core_accounts: int = _p("operation core accounts (label `operation`)")
    core_clusters: int = _p("core sub-networks `core-<k>`, each created in its own burst")
    core_leaders: int = _p("accounts per core cluster that start campaign events")
    events_per_cluster: int = _p("campaign events per core cluster over the window")
    core_filler_posts: float = _p(
        "about the mean own (non-event, link-free) posts per core account"
    )
    core_burst_days: tuple[float, float] = _p(
        "length of a cluster's account-creation burst, days", (2.0, 3.0)
    )
    event_join: tuple[float, float] = _p(
        "share of a cluster's members joining one event (drawn per event)", (0.6, 0.9)
    )
    event_repost_share: float = _p("share of joiners who repost the leader (rest copy-paste)", 0.35)
    event_median_delay_s: float = _p("median delay of a joiner after the leader", 45.0)
    event_max_delay_s: int = _p("maximum delay of a joiner after the leader", 300)
    event_office_hours_share: float = _p(
        "share of events on weekdays 09:00-18:00 Beijing time (rest any time)", 0.85
    )
    joiner_text: str = _p(
        "what joiners who do not repost write: `copy` (the leader's text) or `paraphrase` "
        "(their own words)",
        "copy",
    )
    event_links: bool = _p("whether campaign events carry the fake-news article's link", True)
    core_organic_posts: float = _p(
        "median organic-looking posts (everyday text, links, reposts of organic accounts) "
        "per core account and active amplifier",
        0.0,
    )
    text_perturb_rate: float = _p(
        "share of copy-pasted posts given a small edit (emoji, punctuation, word swap)", 0.8
    )
    follow_ring: tuple[int, int] = _p(
        "each core member follows the next a..b members of its cluster (followed back)", (2, 3)
    )
    # -- page network (Facebook) ----------------------------------------------------------
    page_posts_per_day: float = _p("articles per fake news page per day (on a fixed schedule)")
    admin_share_prob: float = _p(
        "chance an admin shares an article of a page they run into each of their groups", 0.5
    )
    admin_share_max_delay_s: int = _p("maximum delay of a group share after the article", 600)
    # -- amplifiers (Twitter) -------------------------------------------------------------
    amplifiers: int = _p("amplifier accounts (label `amplifier`), mostly dormant")
    amp_active_share: float = _p("share of amplifiers that become active (post at all)", 0.12)
    amp_burst_days: int = _p("July 2019 days on which amplifiers are created")
    amp_burst_hours: float = _p("hours over which one creation burst is spread", 6.0)
    amp_event_join: float = _p(
        "chance an active amplifier reposts an event of its cluster (plus one event for sure)"
    )
    amp_median_delay_s: float = _p("median delay of an amplifier repost after the leader", 120.0)
    amp_max_delay_s: int = _p("maximum delay of an amplifier repost after the leader", 900)
    amp_follows: int = _p("core accounts of its cluster each active amplifier follows", 2)
    # -- organic population (Twitter) -------------------------------------------------------
    organic: int = _p("organic accounts (label `organic`)")
    organic_posts_median: float = _p("median posts per organic account (lognormal)")
    organic_posts_sigma: float = _p("sigma of the lognormal posts per organic account", 1.1)
    organic_posts_max: int = _p("cap on posts per organic account")
    organic_repost_share: float = _p("share of organic posts that repost another organic", 0.15)
    organic_repost_median_h: float = _p(
        "median delay of an organic repost or reply (at least 10 minutes)", 4.0
    )
    organic_reply_share: float = _p("share of organic posts that reply to another organic", 0.08)
    organic_link_share: float = _p("share of organic originals carrying a link", 0.25)
    organic_follows: int = _p("median accounts an organic, fan or viral account follows", 4)
    organic_pages: int = _p("organic Facebook pages (COMMUNITY, FOOD, ...)")
    organic_page_posts_per_day: float = _p("posts per organic page per day (on average)")
    # -- hard negatives ---------------------------------------------------------------------
    outlets: int = _p("genuine news outlets (official account + staff + Facebook page)")
    outlet_staff: int = _p("staff accounts per outlet")
    outlet_articles_per_day: float = _p("articles per outlet per day")
    outlet_staff_share: float = _p("chance a staff member shares one article", 0.6)
    outlet_staff_max_delay_s: int = _p(
        "maximum delay of a staff share after the outlet account's post", 600
    )
    fans: int = _p("fan-community accounts (protest hashtags, mutual reposts, organic timing)")
    fan_posts_median: float = _p("median posts per fan (lognormal, sigma 1)")
    fan_repost_share: float = _p("share of fan posts that repost another fan", 0.4)
    fan_repost_median_h: float = _p("median delay of a fan repost (at least 30 minutes)", 3.0)
    bots: int = _p("benign automation accounts, each with its own template")
    bot_interval_h: float = _p("hours between two posts of a bot (fixed schedule)")
    viral: int = _p("accounts that each share the one viral link once")
    viral_median_delay_s: float = _p("median delay of a viral share after the first one", 90.0)
    viral_max_delay_s: int = _p("maximum delay of a viral share after the first one", 600)
    viral_stories: int = _p(
        "stories the viral crowd shares, minutes apart (each account shares each further "
        "one with chance 0.6)",
        1,
    )
    viral_other_posts_median: float = _p(
        "median other (organic-like) posts per viral account (lognormal, sigma 1)"
    )

    def __post_init__(self) -> None:
        shares = [f.name for f in dataclasses.fields(self) if f.name.endswith(("_share", "_prob"))]
        for name in [*shares, "text_perturb_rate", "amp_event_join"]:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{self.name}: {name} must be within 0..1")
        for name in ("core_burst_days", "event_join", "follow_ring"):
            low, high = getattr(self, name)
            if not 0 <= low <= high:
                raise ValueError(f"{self.name}: {name} must be a range low <= high")
        if self.event_join[1] > 1.0:
            raise ValueError(f"{self.name}: event_join must be within 0..1")
        if self.core_accounts < self.core_clusters * max(self.core_leaders + 1, 4):
            raise ValueError(
                f"{self.name}: too few core accounts for {self.core_clusters} clusters"
            )
        if self.event_median_delay_s > self.event_max_delay_s:
            raise ValueError(f"{self.name}: event median delay exceeds the maximum")

    @property
    def outlet_accounts(self) -> int:
        return self.outlets * (1 + self.outlet_staff)


TINY = Scale(
    name="tiny",
    core_accounts=36,
    core_clusters=3,
    core_leaders=2,
    events_per_cluster=8,
    core_filler_posts=2.0,
    page_posts_per_day=0.15,
    amplifiers=300,
    amp_burst_days=2,
    amp_event_join=0.4,
    organic=120,
    organic_posts_median=1.8,
    organic_posts_sigma=1.0,
    organic_posts_max=20,
    organic_pages=3,
    organic_page_posts_per_day=0.3,
    outlets=2,
    outlet_staff=3,
    outlet_articles_per_day=0.3,
    fans=30,
    fan_posts_median=2.5,
    bots=3,
    bot_interval_h=24.0,
    viral=60,
    viral_other_posts_median=1.0,
)
DEMO = Scale(
    name="demo",
    core_accounts=234,
    core_clusters=6,
    core_leaders=3,
    events_per_cluster=60,
    core_filler_posts=8.0,
    page_posts_per_day=2.0,
    amplifiers=10_000,
    amp_burst_days=3,
    amp_event_join=0.12,
    organic=1_500,
    organic_posts_median=5.5,
    organic_posts_max=400,
    organic_pages=4,
    organic_page_posts_per_day=1.0,
    outlets=4,
    outlet_staff=5,
    outlet_articles_per_day=3.0,
    fans=150,
    fan_posts_median=12.0,
    bots=6,
    bot_interval_h=4.0,
    viral=600,
    viral_other_posts_median=3.0,
)
FULL = Scale(
    name="full",
    core_accounts=936,
    core_clusters=8,
    core_leaders=4,
    events_per_cluster=300,
    core_filler_posts=60.0,
    page_posts_per_day=6.0,
    amplifiers=200_000,
    amp_burst_days=5,
    amp_event_join=0.12,
    organic=5_000,
    organic_posts_median=60.0,
    organic_posts_sigma=1.2,
    organic_posts_max=3_000,
    organic_pages=6,
    organic_page_posts_per_day=2.0,
    outlets=6,
    outlet_staff=8,
    outlet_articles_per_day=15.0,
    fans=500,
    fan_posts_median=80.0,
    bots=10,
    bot_interval_h=1.0,
    viral=3_000,
    viral_other_posts_median=15.0,
)
SCALES: dict[str, Scale] = {s.name: s for s in (TINY, DEMO, FULL)}


def _cell(value: Any) -> str:
    if isinstance(value, tuple):
        return "–".join(_cell(v) for v in value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def scale_table() -> str:
    """Every Scale parameter per preset, as the Markdown table in docs/scenario.md."""
    lines = [
        "| parameter | " + " | ".join(SCALES) + " | meaning |",
        "| --- | " + " | ".join("---:" for _ in SCALES) + " | --- |",
    ]
    for f in dataclasses.fields(Scale):
        if f.name == "name":
            continue
        cells = " | ".join(_cell(getattr(s, f.name)) for s in SCALES.values())
        lines.append(f"| `{f.name}` | {cells} | {f.metadata['doc']} |")
    return "\n".join(lines)
