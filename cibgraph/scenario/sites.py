"""Facebook pages and groups, and the article schedules of the fake and genuine news
sites. All small (at most a few thousand articles at ``full``) and built up front."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass

from cibgraph.scenario import ids, text
from cibgraph.scenario.scales import (
    ACTIVITY_END,
    ACTIVITY_START,
    FAKE_PAGES,
    OPERATION_GROUPS,
    Scale,
)

DAY = 86400
#: Relative activity per Hong Kong hour (0-23): quiet nights, lunch and evening peaks.
HK_DAYTIME = (3, 2, 1, 1, 1, 1, 2, 5, 8, 8, 7, 7, 9, 9, 7, 7, 7, 8, 9, 10, 11, 12, 10, 6)

#: The 7 fake news pages: (English name, Chinese name, handle, domain, category).
FAKE_PAGES_DEF = (
    ("HK Truth Daily", "香港真相日報", "hktruthdaily", "hk-truth-daily.com", "NEWS_SITE"),
    (
        "Lion Rock Observer",
        "獅子山觀察",
        "lionrockobserver",
        "lionrock-observer.com",
        "MEDIA_NEWS_COMPANY",
    ),
    ("Bauhinia Herald", "紫荊快訊", "bauhiniaherald", "bauhinia-herald.com", "NEWS_SITE"),
    (
        "Victoria Harbour Post",
        "維港郵報",
        "vharbourpost",
        "victoriaharbour-post.com",
        "MEDIA_NEWS_COMPANY",
    ),
    ("Peace and Order HK", "和平秩序新聞", "peaceorderhk", "peaceorder-news.com", "NEWS_SITE"),
    ("Kowloon Voice", "九龍之聲", "kowloonvoice", "kowloon-voice.net", "MEDIA_NEWS_COMPANY"),
    ("Harbour City Times", "港城時報", "harbourcitytimes", "harbourcity-times.com", "NEWS_SITE"),
)
#: Genuine outlets (hard negatives): (name, Chinese name, handle, domain).
OUTLETS = (
    ("Harbour Ledger", "港灣新聞", "HarbourLedger", "harbourledger.hk"),
    ("Island Tribune", "島嶼論壇報", "IslandTribuneHK", "island-tribune.com"),
    ("Fragrant Harbour News", "香江新聞", "FragrantHbrNews", "fragrantharbour.news"),
    ("Cross-Harbour Press", "過海新聞社", "CrossHarbourPress", "crossharbour.press"),
    ("Peak Chronicle", "山頂紀事", "PeakChronicle", "peakchronicle.com"),
    ("Delta Daily", "三角洲日報", "DeltaDailyHK", "deltadaily.hk"),
)
#: Organic pages: (name, handle, category); names avoid news words on purpose.
ORGANIC_PAGES = (
    ("Sham Shui Po Foodies 深水埗搵食", "sspfoodies", "COMMUNITY"),
    ("Hong Kong Hiking Friends 香港行山友", "hkhikingfriends", "COMMUNITY"),
    ("Tai Po Neighbours 大埔街坊", "taiponeighbours", "COMMUNITY"),
    ("Mong Kok Cat Cafe 旺角貓咖啡", "mkcatcafe", "CAFE"),
    ("Dim Sum Diaries 點心日記", "dimsumdiaries", "FOOD_BEVERAGE"),
    ("Lamma Island Living 南丫島生活", "lammaliving", "COMMUNITY"),
    ("HK Weekend Markets 香港週末市集", "hkweekendmarkets", "LOCAL_BUSINESS"),
    ("Kowloon Cyclists 九龍單車友", "kowlooncyclists", "SPORTS_TEAM"),
)
#: The operation's 3 groups: (name, description).
GROUPS = (
    ("Defend Hong Kong 守護香港", "For everyone who loves Hong Kong and wants peace"),
    ("Hong Kong Peace Alliance 香港和平聯盟", "Say no to violence. 反暴力。"),
    ("Voices of the Silent Majority 沉默大多數", "The voice of ordinary Hongkongers"),
)


@dataclass(frozen=True, slots=True)
class Page:
    index: int
    id: str
    name: str
    handle: str
    category: str
    created: int
    admin_country: str
    followers: int
    description: str
    label: str
    cluster: str
    domain: str  # the site whose articles it posts ("" for organic pages)


@dataclass(frozen=True, slots=True)
class Group:
    index: int
    id: str
    name: str
    created: int
    members: int
    description: str
    label: str
    cluster: str


@dataclass(frozen=True, slots=True)
class Article:
    source: int  # fake page number, or outlet number
    ts: int
    url: str
    title: str
    title_zh: str


def build(rng: random.Random, scale: Scale) -> tuple[list[Page], list[Group]]:
    """The 7 fake news pages, one genuine page per outlet, the organic pages (in that
    order) and the operation's 3 groups; ids are unique 15-digit numbers."""
    used: set[int] = set()
    pages: list[Page] = []

    def fb_id() -> str:
        while (value := rng.randrange(100_000_000_000_000, 999_999_999_999_999)) in used:
            pass
        used.add(value)
        return str(value)

    def day(year: int, month: int, span_days: int) -> int:
        return calendar.timegm((year, month, 1, 0, 0, 0)) + rng.randrange(span_days * DAY)

    def add(name: str, handle: str, category: str, created: int, **kw: str | int) -> None:
        pages.append(
            Page(len(pages), fb_id(), name, handle, category, created, **kw)  # type: ignore[arg-type]
        )

    for name, name_zh, handle, domain, category in FAKE_PAGES_DEF[:FAKE_PAGES]:
        add(
            f"{name} {name_zh}",
            handle,
            category,
            day(2018, 6, 330),
            admin_country=rng.choice(("HK", "HK", "HK", "CN")),
            followers=rng.randint(2_000, 60_000),
            description=f"{name}: the news they will not tell you. 真相。",
            label="fake_news_page",
            cluster="page-admins",
            domain=domain,
        )
    for o, (name, name_zh, handle, domain) in enumerate(OUTLETS[: scale.outlets]):
        add(
            f"{name} {name_zh}",
            handle.lower(),
            "NEWS_SITE",
            day(2009, 6, 1200),
            admin_country="HK",
            followers=rng.randint(50_000, 900_000),
            description=f"Independent news from Hong Kong. {domain}",
            label="hard_negative:news_outlet",
            cluster=f"outlet-{o}",
            domain=domain,
        )
    for name, handle, category in ORGANIC_PAGES[: scale.organic_pages]:
        add(
            name,
            handle,
            category,
            day(2011, 1, 2500),
            admin_country="HK",
            followers=rng.randint(300, 40_000),
            description=name.split(" ")[-1],
            label="organic",
            cluster="",
            domain="",
        )
    groups = [
        Group(
            g,
            fb_id(),
            name,
            day(2019, 6, 20),
            rng.randint(800, 25_000),
            about,
            "operation_group",
            "page-admins",
        )
        for g, (name, about) in enumerate(GROUPS[:OPERATION_GROUPS])
    ]
    return pages, groups


def _article(
    rng: random.Random, source: int, ts: int, domain: str, fake: bool, used: set[str]
) -> Article:
    title, title_zh = text.headline(rng, fake)
    stem = f"https://{domain}/{ids.day(ts).replace('-', '/')}/{text.slug(title)}"
    url = stem
    while url in used:
        url = f"{stem}-{rng.randrange(100, 999)}"
    used.add(url)
    return Article(source, ts, url, title, title_zh)


def fake_articles(rng: random.Random, scale: Scale, pages: list[Page]) -> list[Article]:
    """Each fake page publishes on a fixed schedule: every 24h / rate, +-10 minutes."""
    interval = DAY / scale.page_posts_per_day
    out: list[Article] = []
    for p, page in enumerate(pages[:FAKE_PAGES]):
        used: set[str] = set()
        ts = ACTIVITY_START + rng.uniform(0, min(interval, 3 * DAY))
        while ts < ACTIVITY_END - 3600:
            when = max(int(ts + rng.uniform(-600, 600)), ACTIVITY_START)
            out.append(_article(rng, p, when, page.domain, True, used))
            ts += interval
    return sorted(out, key=lambda a: (a.ts, a.source))


def outlet_articles(rng: random.Random, scale: Scale, outlet: int, domain: str) -> list[Article]:
    """An outlet publishes at random times of day, weighted to Hong Kong daytime."""
    days = (ACTIVITY_END - ACTIVITY_START) // DAY
    used: set[str] = set()
    out = []
    for _ in range(max(2, round(scale.outlet_articles_per_day * days))):
        hk_hour = rng.choices(range(24), HK_DAYTIME)[0]
        ts = ACTIVITY_START + rng.randrange(days) * DAY + ((hk_hour - 8) % 24) * 3600
        out.append(_article(rng, outlet, ts + rng.randrange(3600), domain, False, used))
    return sorted(out, key=lambda a: a.ts)
