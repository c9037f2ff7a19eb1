"""Everyone who is not the operation: organic accounts and the hard negatives (genuine
outlets, a fan community, benign bots, a crowd sharing one viral video), plus the
outlets' and organic Facebook pages."""

from __future__ import annotations

import bisect
import functools
import random
from collections.abc import Callable, Iterator

from cibgraph.scenario import text, vocab
from cibgraph.scenario.ids import FacebookPostIds, TweetIds
from cibgraph.scenario.posts import (
    DAY,
    DAYS,
    Post,
    Reservoir,
    count,
    daytime,
    delay_s,
    engagement,
    lognormal,
    tags_in,
)
from cibgraph.scenario.scales import ACTIVITY_END, ACTIVITY_START
from cibgraph.scenario.world import World

PEOPLE_CLIENTS = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App")
OUTLET_CLIENTS = ("TweetDeck", "SocialFlow", "Twitter Web Client")
#: Share of joining outlet staff who retweet the official account (the rest post the link).
STAFF_RETWEET_SHARE = 0.5
#: Makes an original post: (text, language, hashtags, urls).
Original = Callable[[random.Random], tuple[str, str, tuple[str, ...], tuple[str, ...]]]


def _tweet(tweet_ids: TweetIds, ms: int, body: str, lang: str, author: int, **kw: object) -> Post:
    return Post("twitter", tweet_ids.next(ms), ms // 1000, body, lang, author=author, **kw)  # type: ignore[arg-type]


def outlets(world: World, tweet_ids: TweetIds) -> Iterator[Post]:
    """Each article: the official account posts it within 2 minutes of publication; each
    staff member shares it (own words + link, or a retweet) with ``outlet_staff_share``
    within ``outlet_staff_max_delay_s``."""
    scale = world.scale
    for o in range(scale.outlets):
        rng = world.stream(f"outlet-{o}")
        official = world.starts["outlet"] + o * (1 + scale.outlet_staff)
        staff = range(official + 1, official + 1 + scale.outlet_staff)
        handle = world.account(official).handle
        for article in world.outlet_articles[o]:
            ms0 = article.ts * 1000 + rng.randrange(1000, 120_000)
            likes, shares, replies = engagement(rng, 40.0)
            body = f"{article.title} {article.url}"
            lead = _tweet(
                tweet_ids,
                ms0,
                body,
                "en",
                official,
                urls=(article.url,),
                client=rng.choice(OUTLET_CLIENTS),
                likes=likes,
                shares=shares,
                replies=replies,
            )
            yield lead
            batch = []
            for s in staff:
                if rng.random() < scale.outlet_staff_share:
                    ms = ms0 + int(rng.uniform(15, scale.outlet_staff_max_delay_s) * 1000)
                    retweet = rng.random() < STAFF_RETWEET_SHARE
                    words = rng.choice(vocab.STAFF_SHARES)
                    batch.append((ms, s, "" if retweet else f"{words} {body}".strip()))
            for ms, s, own in sorted(batch):
                post = _tweet(
                    tweet_ids,
                    ms,
                    own or f"RT @{handle}: {body}",
                    "en",
                    s,
                    urls=(article.url,),
                    client=rng.choice(PEOPLE_CLIENTS),
                )
                if not own:
                    post.repost_of, post.repost_author = lead.id, official
                yield post


def bots(world: World, tweet_ids: TweetIds) -> Iterator[Post]:
    """Each bot posts its own template every ``bot_interval_h`` hours, seconds after a
    fixed minute (several on the hour, like real cron jobs)."""
    scale = world.scale
    headlines = sorted((a.ts, a.title, a.url) for arts in world.outlet_articles for a in arts)
    published = [h[0] for h in headlines]
    step = int(scale.bot_interval_h * 3600)
    for b in range(scale.bots):
        rng = world.stream(f"bot-{b}")
        account = world.starts["bot"] + b
        _, _, client, kind = text.BOTS[b]
        ts = ACTIVITY_START + 3600 + (0, 0, 180, 60, 0, 300, 0, 600, 0, 1200)[b % 10]
        while ts < ACTIVITY_END:
            at = ts + rng.randint(0, 15)
            latest = bisect.bisect_right(published, at) - 1
            pick = (headlines[latest][1], headlines[latest][2]) if latest >= 0 else None
            body = text.bot(kind, rng, at, pick)
            links: tuple[str, ...] = ()
            if kind == "headlines" and pick:
                links = (pick[1],)
            elif kind == "cam":
                links = (text.cam_link(at),)
                body = f"{body} {links[0]}"
            lang = "zh" if kind.endswith("_zh") else "en"
            yield _tweet(
                tweet_ids,
                at * 1000 + rng.randrange(1000),
                body,
                lang,
                account,
                client=client,
                hashtags=tags_in(body),
                urls=links,
            )
            ts += step


def _people(
    world: World,
    tweet_ids: TweetIds,
    rng: random.Random,
    author: int,
    times: list[int],
    pool: Reservoir,
    original: Original,
    repost_share: float,
    reply_share: float,
    median_delay_s: float,
    min_delay_s: float,
) -> Iterator[Post]:
    """One person's posts at ``times``: reposts/replies of ``pool`` posts (hours later),
    otherwise originals made by ``original(rng)``; originals go into ``pool``."""
    items: list[tuple[int, Post]] = []
    answered: set[str] = set()
    for ts in times:
        roll = rng.random()
        source = pool.pick(author) if roll < repost_share + reply_share else None
        if source is not None and source.id not in answered:
            answered.add(source.id)
            at = source.ts + delay_s(rng, median_delay_s, 20 * median_delay_s, min_delay_s)
            if at < ACTIVITY_END:
                handle = world.account(source.author).handle  # type: ignore[arg-type]
                if roll < repost_share:
                    post = Post(
                        "twitter",
                        "",
                        int(at),
                        f"RT @{handle}: {source.text}",
                        source.language,
                        author=author,
                        hashtags=source.hashtags,
                        urls=source.urls,
                        repost_of=source.id,
                        repost_author=source.author,
                    )
                else:
                    body, lang = text.reply(rng)
                    post = Post(
                        "twitter",
                        "",
                        int(at),
                        f"@{handle} {body}",
                        lang,
                        author=author,
                        mentions=(source.author,),
                        reply_to=source.id,
                        reply_author=source.author,
                    )
                items.append((int(at * 1000) + rng.randrange(1000), post))
                continue
        body, lang, tags, links = original(rng)
        likes, shares, replies = engagement(rng)
        post = Post(
            "twitter",
            "",
            ts,
            body,
            lang,
            author=author,
            hashtags=tags,
            urls=links,
            likes=likes,
            shares=shares,
            replies=replies,
        )
        items.append((ts * 1000 + rng.randrange(1000), post))
    items.sort(key=lambda item: item[0])
    for ms, post in items:
        post.id = tweet_ids.next(ms)
        post.ts = ms // 1000
        post.client = rng.choice(PEOPLE_CLIENTS)
        if not (post.repost_of or post.reply_to):
            pool.add(post)
        yield post


def _organic_original(
    link_share: float, rng: random.Random
) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    body, lang = text.organic(rng)
    tags: tuple[str, ...] = ()
    if rng.random() < 0.2:
        tags = tuple(rng.sample(vocab.ORGANIC_TAGS, rng.randint(1, 2)))
        body += " " + " ".join(f"#{t}" for t in tags)
    links = (text.link(rng),) if rng.random() < link_share else ()
    return (f"{body} {links[0]}" if links else body), lang, tags, links


def organic(world: World, tweet_ids: TweetIds) -> Iterator[Post]:
    """Heavy-tailed activity at waking hours; reposts and replies hours after."""
    scale = world.scale
    rng = world.stream("organic")
    pool = Reservoir(rng)
    make = functools.partial(_organic_original, scale.organic_link_share)
    for i in world.indices("organic"):
        n = count(
            rng, scale.organic_posts_median, scale.organic_posts_sigma, scale.organic_posts_max
        )
        times = [daytime(rng) for _ in range(n)]
        yield from _people(
            world,
            tweet_ids,
            rng,
            i,
            times,
            pool,
            make,
            scale.organic_repost_share,
            scale.organic_reply_share,
            scale.organic_repost_median_h * 3600,
            600,
        )


def _fan_original(rng: random.Random) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    body, lang = text.fan(rng)
    tags = tuple(rng.sample(vocab.PROTEST_TAGS, rng.randint(2, 4)))
    return body + " " + " ".join(f"#{t}" for t in tags), lang, tags, ()


def fans(world: World, tweet_ids: TweetIds) -> Iterator[Post]:
    """Protest hashtags on every post, many mutual reposts, but hours apart."""
    scale = world.scale
    rng = world.stream("fans")
    pool = Reservoir(rng)
    for i in world.indices("fan"):
        n = count(rng, scale.fan_posts_median, 1.0, int(scale.fan_posts_median * 20))
        times = [daytime(rng) for _ in range(n)]
        yield from _people(
            world,
            tweet_ids,
            rng,
            i,
            times,
            pool,
            _fan_original,
            scale.fan_repost_share,
            0.0,
            scale.fan_repost_median_h * 3600,
            1800,
        )


def viral_moment(world: World) -> tuple[int, str]:
    """(time, URL) of the one viral video: an evening in the second half of the window."""
    rng = world.stream("viral-moment")
    day = rng.randrange(DAYS // 2, DAYS - 2)
    return ACTIVITY_START + day * DAY + 12 * 3600 + rng.randrange(3 * 3600), (
        f"https://www.youtube.com/watch?v={text.random_token(rng, 11)}"
    )


def viral(world: World, tweet_ids: TweetIds) -> Iterator[Post]:
    """Each account shares the viral link once, within ``viral_max_delay_s`` of the first
    share, in its own words (and, with ``viral_stories`` > 1, each follow-up story of the
    same evening with chance 0.6); otherwise it posts like an organic account."""
    scale = world.scale
    rng = world.stream("viral")
    t_viral, url = viral_moment(world)
    stories = [(t_viral, url)] + [
        (t_viral + k * 1200 + rng.randrange(600), f"{url}&t={k}")
        for k in range(1, scale.viral_stories)
    ]
    pool = Reservoir(rng)
    make = functools.partial(_organic_original, scale.organic_link_share)
    for n, i in enumerate(world.indices("viral")):
        for k, (t_story, link) in enumerate(stories):
            if k and rng.random() >= 0.6:
                continue
            delay = (
                0.0 if n == 0 else delay_s(rng, scale.viral_median_delay_s, scale.viral_max_delay_s)
            )
            body, lang = text.viral(rng)
            yield _tweet(
                tweet_ids,
                t_story * 1000 + int(delay * 1000),
                f"{body} {link}",
                lang,
                i,
                urls=(link,),
                client=rng.choice(PEOPLE_CLIENTS),
            )
        others = count(rng, scale.viral_other_posts_median, 1.0, 200, 0)
        times = [daytime(rng) for _ in range(others)]
        yield from _people(
            world,
            tweet_ids,
            rng,
            i,
            times,
            pool,
            make,
            0.1,
            0.05,
            scale.organic_repost_median_h * 3600,
            600,
        )


def operation_organic(world: World, tweet_ids: TweetIds) -> Iterator[Post]:
    """With ``core_organic_posts``: core accounts and active amplifiers also post like
    organic accounts (everyday texts and links at waking hours, reposts and replies of
    each other's such posts hours later), so coordination is a smaller share of what
    they post."""
    scale = world.scale
    if scale.core_organic_posts <= 0:
        return
    rng = world.stream("operation-organic")
    pool = Reservoir(rng)
    make = functools.partial(_organic_original, scale.organic_link_share)
    accounts = [i for k in range(scale.core_clusters) for i in world.cluster_members(k)]
    accounts += [a for active in world.active_amplifiers for a in active]
    for i in accounts:
        n = count(rng, scale.core_organic_posts, 1.0, int(scale.core_organic_posts * 10), 1)
        times = [daytime(rng) for _ in range(n)]
        yield from _people(
            world,
            tweet_ids,
            rng,
            i,
            times,
            pool,
            make,
            scale.organic_repost_share,
            scale.organic_reply_share,
            scale.organic_repost_median_h * 3600,
            600,
        )


def outlet_pages(world: World, post_ids: FacebookPostIds) -> Iterator[Post]:
    """Each genuine outlet's Facebook page posts its articles within 5 minutes."""
    for o, page in enumerate(world.outlet_pages):
        rng = world.stream(f"outlet-page-{o}")
        for article in world.outlet_articles[o]:
            ts = article.ts + rng.randint(0, 300)
            zh = rng.random() < 0.4
            likes, shares, replies = engagement(rng, 60.0)
            yield Post(
                "facebook",
                f"{page.id}_{post_ids.number(page.id, ts)}",
                ts,
                article.title_zh if zh else article.title,
                "zh" if zh else "en",
                page=page.index,
                urls=(article.url,),
                likes=likes,
                shares=shares,
                replies=replies,
                kind="Link",
                title=article.title,
            )


def organic_pages(world: World, post_ids: FacebookPostIds) -> Iterator[Post]:
    """Community / food / hobby pages: a few posts a day, sometimes with a link."""
    scale = world.scale
    rng = world.stream("organic-pages")
    for page in world.organic_pages:
        n = max(1, round(lognormal(rng, scale.organic_page_posts_per_day * DAYS, 0.3)))
        for ts in sorted(daytime(rng) for _ in range(n)):
            link = text.link(rng) if rng.random() < 0.3 else ""
            likes, shares, replies = engagement(rng, 10.0)
            yield Post(
                "facebook",
                f"{page.id}_{post_ids.number(page.id, ts)}",
                ts,
                text.community(rng),
                "zh" if rng.random() < 0.5 else "en",
                page=page.index,
                urls=(link,) if link else (),
                likes=likes,
                shares=shares,
                replies=replies,
                kind="Link" if link else rng.choice(("Photo", "Status")),
            )
