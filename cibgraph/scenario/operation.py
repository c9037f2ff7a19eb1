"""The operation's posts: core campaign events (with their amplifiers), the core
accounts' own posts, and the fake pages with their admins' group shares.

A campaign event: at ``t0`` a cluster leader posts a fake-news article URL with a
narrative and 1-3 of the cluster's campaign hashtags; within ``event_max_delay_s`` a
share ``event_join`` of the other members post the same text (mostly with one small edit)
and URL, or repost the leader; active amplifiers of the cluster repost within
``amp_max_delay_s``.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator

from cibgraph.scenario import text, vocab
from cibgraph.scenario.ids import FacebookPostIds, TweetIds
from cibgraph.scenario.posts import Post, count, delay_s, engagement, office_hours, tags_in
from cibgraph.scenario.scales import ACTIVITY_END, ACTIVITY_START
from cibgraph.scenario.sites import Article
from cibgraph.scenario.world import World

CORE_CLIENTS = ("Twitter Web Client", "Twitter for Android", "Twitter for iPhone")
AMP_CLIENTS = ("Twitter for Android", "Twitter Web App", "Twitter Lite")


def event_times(world: World, rng: random.Random) -> list[int]:
    """Start times of one cluster's events, sorted, at least the longest event apart and
    after the first fake-news article (events link to articles already published)."""
    scale = world.scale
    gap = scale.event_max_delay_s + scale.amp_max_delay_s + 60
    earliest = world.fake_articles[0].ts + 60
    raw = sorted(
        max(
            earliest,
            office_hours(rng)
            if rng.random() < scale.event_office_hours_share
            else ACTIVITY_START + rng.randrange(ACTIVITY_END - ACTIVITY_START - 2 * 3600),
        )
        for _ in range(scale.events_per_cluster)
    )
    times: list[int] = []
    for t in raw:
        times.append(max(t, times[-1] + gap) if times else t)
    if times and times[-1] >= ACTIVITY_END - gap:
        raise ValueError(f"{scale.name}: too many events per cluster for the window")
    return times


def _article(world: World, rng: random.Random, published: list[int], t0: int) -> Article:
    """One of the latest 6 fake-news articles published at least a minute before ``t0``."""
    latest = bisect.bisect_right(published, t0 - 60)
    return world.fake_articles[rng.randrange(max(0, latest - 6), latest)]


def core_events(world: World, tweet_ids: TweetIds) -> Iterator[Post]:
    scale = world.scale
    published = [a.ts for a in world.fake_articles]
    for k in range(scale.core_clusters):
        rng = world.stream(f"core-{k}")
        members = list(world.cluster_members(k))
        amps = world.active_amplifiers[k]
        sure: dict[int, set[int]] = {}
        for a in amps:
            sure.setdefault(world.amp_first_event(a), set()).add(a)
        for e, t0 in enumerate(event_times(world, rng)):
            article = _article(world, rng, published, t0)
            yield from _event(
                world, rng, k, t0, article, members, amps, sure.get(e, set()), tweet_ids
            )


def _event(
    world: World,
    rng: random.Random,
    k: int,
    t0: int,
    article: Article,
    members: list[int],
    amps: list[int],
    sure: set[int],
    tweet_ids: TweetIds,
) -> Iterator[Post]:
    scale = world.scale
    lang = "en" if rng.random() < world.cluster_en_share[k] else "zh"
    tags = rng.sample(world.cluster_tags[k], rng.randint(1, 3))
    opening = text.narrative(rng, lang)
    leader = rng.choice(members[: scale.core_leaders])
    ms0 = t0 * 1000 + rng.randrange(1000)
    likes, _, replies = engagement(rng, 8.0)
    url = article.url if scale.event_links else None
    lead = Post(
        "twitter",
        tweet_ids.next(ms0),
        t0,
        text.campaign_post(opening, url, tags),
        lang,
        author=leader,
        client=rng.choice(CORE_CLIENTS),
        hashtags=tuple(tags),
        urls=(url,) if url else (),
        likes=likes,
        replies=replies,
    )
    retweet = f"RT @{world.account(leader).handle}: {lead.text}"
    others = [m for m in members if m != leader]
    joiners = rng.sample(others, math.ceil(rng.uniform(*scale.event_join) * len(others)))
    batch: list[tuple[int, int, str]] = []  # (ms, author, copied opening or "" for a repost)
    for m in joiners:
        ms = ms0 + int(delay_s(rng, scale.event_median_delay_s, scale.event_max_delay_s) * 1000)
        if rng.random() < scale.event_repost_share:
            batch.append((ms, m, ""))
        elif scale.joiner_text == "paraphrase":
            batch.append((ms, m, text.paraphrase(rng, lang)))
        elif rng.random() < scale.text_perturb_rate:
            batch.append((ms, m, text.perturb(rng, opening)))
        else:
            batch.append((ms, m, opening))
    for a in amps:
        if rng.random() < scale.amp_event_join or a in sure:
            delay = delay_s(rng, scale.amp_median_delay_s, scale.amp_max_delay_s, 2.0)
            batch.append((ms0 + int(delay * 1000), a, ""))
    batch.sort()
    lead.shares = sum(1 for _, _, copied in batch if not copied)
    yield lead
    core = set(members)
    for ms, author, copied in batch:
        post = Post(
            "twitter",
            tweet_ids.next(ms),
            ms // 1000,
            text.campaign_post(copied, url, tags) if copied else retweet,
            lang,
            author=author,
            client=rng.choice(CORE_CLIENTS if author in core else AMP_CLIENTS),
            hashtags=lead.hashtags,
            urls=lead.urls,
        )
        if not copied:
            post.repost_of, post.repost_author = lead.id, leader
        yield post


def core_filler(world: World, tweet_ids: TweetIds) -> Iterator[Post]:
    """Each core account's own posts between events: narratives, rarely a tag, no link."""
    scale = world.scale
    rng = world.stream("core-filler")
    for k in range(scale.core_clusters):
        for i in world.cluster_members(k):
            n = count(rng, scale.core_filler_posts * 0.7, 0.8, int(scale.core_filler_posts * 6), 0)
            items = []
            for _ in range(n):
                ts = (
                    office_hours(rng)
                    if rng.random() < 0.8
                    else ACTIVITY_START + rng.randrange(ACTIVITY_END - ACTIVITY_START)
                )
                lang = "en" if rng.random() < world.cluster_en_share[k] else "zh"
                body = text.narrative(rng, lang)
                if rng.random() < 0.3:
                    body += f" #{rng.choice(world.cluster_tags[k])}"
                items.append((ts * 1000 + rng.randrange(1000), body, lang))
            for ms, body, lang in sorted(items):
                likes, shares, replies = engagement(rng, 0.5)
                yield Post(
                    "twitter",
                    tweet_ids.next(ms),
                    ms // 1000,
                    body,
                    lang,
                    author=i,
                    client=rng.choice(CORE_CLIENTS),
                    hashtags=tags_in(body),
                    likes=likes,
                    shares=shares,
                    replies=replies,
                )


def page_network(world: World, post_ids: FacebookPostIds) -> Iterator[Post]:
    """The fake pages post each article when it is published; the admins running that
    page share it into their groups within ``admin_share_max_delay_s``."""
    scale = world.scale
    rng = world.stream("page-network")
    runners = {
        p: [a for a in world.admins if p in world.admin_pages(a)] for p in range(len(world.pages))
    }
    for article in world.fake_articles:
        page = world.pages[article.source]
        zh = rng.random() < 0.6
        message = f"{rng.choice(vocab.PAGE_POSTS)} {article.title_zh if zh else article.title}"
        likes, shares, replies = engagement(rng, 30.0)
        yield Post(
            "facebook",
            f"{page.id}_{post_ids.number(page.id, article.ts)}",
            article.ts,
            message,
            "zh" if zh else "en",
            page=page.index,
            urls=(article.url,),
            likes=likes,
            shares=shares,
            replies=replies,
            kind="Link",
            title=article.title,
        )
        group_shares = []
        for admin in runners[article.source]:
            for g in world.admin_groups(admin):
                if rng.random() < scale.admin_share_prob:
                    ts = article.ts + rng.randint(30, scale.admin_share_max_delay_s)
                    group_shares.append((ts, admin, g))
        for ts, admin, g in sorted(group_shares):
            group = world.groups[g]
            likes, shares, replies = engagement(rng, 3.0)
            yield Post(
                "facebook",
                f"{group.id}_{post_ids.number(group.id, ts)}",
                ts,
                f"{rng.choice(vocab.GROUP_SHARES)} {article.title}",
                "en",
                author=admin,
                group=g,
                urls=(article.url,),
                likes=likes,
                shares=shares,
                replies=replies,
                kind="Link",
                title=article.title,
            )
