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
# Word-ish matches in English and Chinese names ("HK Daily News", "香港時報"). Kept to
# words that name a news outlet: not "post", "tv" or a lone 報 (報名 is "sign-up"),
# which put community pages in the news bucket.
_NAME = re.compile(
    r"(?i)\b(news|newspaper|media|times|daily|herald|tribune|gazette|journal|press|observer|"
    r"chronicle|broadcast(ing)?|reporter)\b|新聞|新闻|日報|日报|時報|时报|晚報|晚报|郵報|邮报|"
    r"媒體|媒体|電視台|电视台|快訊|快讯|論壇報|论坛报"
)


def is_news_like(category: str | None, name: str | None) -> bool:
    if category and category.strip().upper().replace(" ", "_") in NEWS_CATEGORIES:
        return True
    return bool(name and _NAME.search(name))
