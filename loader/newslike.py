"""Does a Page pose as a news outlet? Its category or its name says news/media."""

from __future__ import annotations

import re

NEWS_CATEGORIES = frozenset(
    {
        "NEWS_SITE",
        "MEDIA_NEWS_COMPANY",
        "BROADCASTING_MEDIA_PRODUCTION",
        "NEWSPAPER",
        "MAGAZINE",
        "TV_CHANNEL",
        "TV_NETWORK",
        "RADIO_STATION",
        "MEDIA",
        "NEWS_AND_MEDIA_WEBSITE",
        "NEWS_PERSONALITY",
        "JOURNALIST",
        "PUBLISHER",
    }
)
# Word-ish matches in English and Chinese names ("HK Daily News", "香港時報").
_NAME = re.compile(
    r"(?i)\b(news|media|times|daily|herald|tribune|gazette|journal|press|post|observer|"
    r"chronicle|broadcast(ing)?|tv|radio|report(er)?)\b|新聞|新闻|日報|日报|時報|时报|媒體|媒体|"
    r"電視|电视|快訊|快讯|報|报"
)


def is_news_like(category: str | None, name: str | None) -> bool:
    if category and category.strip().upper().replace(" ", "_") in NEWS_CATEGORIES:
        return True
    return bool(name and _NAME.search(name))
