"""The Twitter side as a Twitter information-operations archive, quirks included:
every field quoted, accounts under 5,000 followers anonymised (``userid ==
user_screen_name == user_display_name`` == a base64 hash), Python-list strings for
hashtags/urls/mentions, ``RT @handle:`` retweets, minute-precision ``tweet_time``, empty
strings for missing values. ``truth.csv`` names accounts as the archive does."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable

from cibgraph.scenario.ids import archive_hash, day, minute
from cibgraph.scenario.output import LABEL_COLUMNS, Output
from cibgraph.scenario.posts import Post
from cibgraph.scenario.streams import twitter_posts
from cibgraph.scenario.world import World
from loader.formats.twitter import TWEET_COLUMNS, USER_COLUMNS

USERS = "hk2019_users_csv_hashed.csv"
TWEETS = "hk2019_tweets_csv_hashed.csv"
FILES = (USERS, TWEETS, "truth.csv")
#: Accounts with fewer followers than this are anonymised in the release.
HASH_BELOW_FOLLOWERS = 5000


def py_list(items: tuple[str, ...] | list[str]) -> str:
    """``['hongkong', 'HK']`` as the archive writes lists (``[]`` when empty)."""
    return "[" + ", ".join(f"'{item}'" for item in items) + "]"


def write(world: World, out: Output) -> None:
    @functools.lru_cache(maxsize=1 << 16)
    def user(index: int) -> tuple[str, ...]:
        """The 10 user columns of an account as the archive shows it."""
        a = world.account(index)
        hashed = a.followers < HASH_BELOW_FOLLOWERS
        ident = archive_hash(world.salt, a.id) if hashed else a.id
        return (
            ident,
            ident if hashed else a.display_name,
            ident if hashed else a.handle,
            a.location,
            a.description,
            a.profile_url,
            str(a.followers),
            str(a.following),
            day(a.created),
            a.language,
        )

    users = out.open(USERS, USER_COLUMNS, quoting=csv.QUOTE_ALL)
    truth = out.open("truth.csv", LABEL_COLUMNS)
    for indices in world.twitter_accounts():
        for i in indices:
            fields = user(i)
            users.row(fields)
            a = world.account(i)
            truth.row(("twitter", "account", fields[0], a.label, a.cluster))
            out.accounts[a.label] += 1

    tweets = out.open(TWEETS, TWEET_COLUMNS, quoting=csv.QUOTE_ALL)
    for post in twitter_posts(world):
        assert post.author is not None
        tweets.row(_tweet_row(world, post, user))
        out.posts[world.account(post.author).label] += 1


def _tweet_row(world: World, p: Post, user: Callable[[int], tuple[str, ...]]) -> tuple[str, ...]:
    author = user(p.author)  # type: ignore[arg-type]
    body = p.text
    retweet_user = reply_user = ""
    for other, prefix in ((p.repost_author, "RT @"), (p.reply_author, "@")):
        if other is not None:
            shown = user(other)
            handle = world.account(other).handle
            if shown[2] != handle:  # anonymised: the text names the hash too
                body = body.replace(f"{prefix}{handle}", f"{prefix}{shown[2]}", 1)
    if p.repost_author is not None:
        retweet_user = user(p.repost_author)[0]
    if p.reply_author is not None:
        reply_user = user(p.reply_author)[0]
    return (
        p.id,
        *author,
        p.language,
        body,
        minute(p.ts),
        p.client,
        reply_user,
        p.reply_to,
        "",  # quoted_tweet_tweetid
        "True" if p.repost_of else "False",
        retweet_user,
        p.repost_of,
        "",  # latitude
        "",  # longitude
        "0",  # quote_count
        str(p.replies),
        str(p.likes),
        str(p.shares),
        py_list(p.hashtags),
        py_list(p.urls),
        py_list([user(m)[0] for m in p.mentions]),
        "",  # poll_choices
    )
