"""The two post streams every writer consumes.

Posts are generated component by component, each with its own random stream (so
leaving one out, as the CrowdTangle writer leaves out Twitter, changes nothing in the
others), and yielded one at a time: memory stays bounded, only per-event batches and
small reservoirs of earlier posts (for reposts and replies) are held.
"""

from __future__ import annotations

from collections.abc import Iterator

from cibgraph.scenario import operation, population
from cibgraph.scenario.ids import FacebookPostIds, TweetIds
from cibgraph.scenario.posts import Post
from cibgraph.scenario.world import World


def twitter_posts(world: World) -> Iterator[Post]:
    """Every tweet of the scenario, component by component."""
    tweet_ids = TweetIds()
    yield from operation.core_events(world, tweet_ids)
    yield from operation.core_filler(world, tweet_ids)
    yield from population.operation_organic(world, tweet_ids)
    yield from population.outlets(world, tweet_ids)
    yield from population.bots(world, tweet_ids)
    yield from population.fans(world, tweet_ids)
    yield from population.viral(world, tweet_ids)
    yield from population.organic(world, tweet_ids)


def facebook_posts(world: World) -> Iterator[Post]:
    """Every page and group post: the fake pages and their admins' group shares, the
    genuine outlets' pages, the organic pages."""
    post_ids = FacebookPostIds()
    yield from operation.page_network(world, post_ids)
    yield from population.outlet_pages(world, post_ids)
    yield from population.organic_pages(world, post_ids)
