"""Scenario variants: the same world with the operation (or the crowd) behaving otherwise,
so that detection is tried on behaviour it was not built beside.

A variant rewrites a few :class:`~cibgraph.scenario.scales.Scale` fields of whichever
scale it is applied to (``cibgraph demo generate --variant slow``); ``demo`` is the world
as it is.
"""

from __future__ import annotations

import dataclasses

from cibgraph.scenario.scales import Scale

HOUR = 3600


def _slow(s: Scale) -> Scale:
    return dataclasses.replace(
        s,
        event_median_delay_s=20 * 60.0,
        event_max_delay_s=3 * HOUR,
        amp_median_delay_s=30 * 60.0,
        amp_max_delay_s=4 * HOUR,
    )


def _paraphrase(s: Scale) -> Scale:
    return dataclasses.replace(s, joiner_text="paraphrase")


def _nolinks(s: Scale) -> Scale:
    return dataclasses.replace(s, joiner_text="paraphrase", event_links=False)


def _mixed(s: Scale) -> Scale:
    return dataclasses.replace(s, core_organic_posts=max(s.core_filler_posts * 3, 6.0))


def _breaking_news(s: Scale) -> Scale:
    return dataclasses.replace(
        s,
        viral=s.viral * 5,
        viral_median_delay_s=6.0,
        viral_max_delay_s=60,
        viral_stories=3,
    )


#: name -> (what changes, how)
VARIANTS = {
    "demo": ("the world as it is", lambda s: s),
    "slow": ("joiners and amplifiers follow over minutes to hours (median 20 / 30 min)", _slow),
    "paraphrase": ("joiners rewrite the campaign text in their own words", _paraphrase),
    "nolinks": ("campaign events carry no link, and joiners write their own words", _nolinks),
    "mixed": ("operation accounts also post organic-looking content, 3x their own", _mixed),
    "breaking-news": (
        "5x the viral crowd shares three stories of one evening within seconds",
        _breaking_news,
    ),
}


def apply(scale: Scale, variant: str) -> Scale:
    """``scale`` with ``variant``'s changes (``KeyError`` for an unknown variant)."""
    return VARIANTS[variant][1](scale)
