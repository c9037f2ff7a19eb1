"""Text of the scenario: names, handles, posts, headlines, links and the small edits of
copy-pasted operation posts. Every function takes the caller's ``random.Random`` so each
component's stream stays independent (and output deterministic)."""

from __future__ import annotations

import random
import re
import string

from cibgraph.scenario import vocab as v

_ALNUM = string.ascii_letters + string.digits
_SLUG = re.compile(r"[^a-z0-9]+")


def _slots(rng: random.Random) -> dict[str, str]:
    return {
        "line": rng.choice(v.LINES),
        "line_zh": rng.choice(v.LINES_ZH),
        "food": rng.choice(v.FOODS),
        "food_zh": rng.choice(v.FOODS_ZH),
        "food_ja": rng.choice(v.FOODS_JA),
        "district": rng.choice(v.DISTRICTS),
        "district_zh": rng.choice(v.DISTRICTS_ZH),
        "trail": rng.choice(v.TRAILS),
        "trail_zh": rng.choice(v.TRAILS_ZH),
        "city": rng.choice(v.CITIES),
        "city_zh": rng.choice(v.CITIES_ZH),
        "temp": str(rng.randint(29, 35)),
        "pct": f"{rng.uniform(0.3, 3.5):.1f}",
        "e": rng.choice(v.EMOJI),
    }


def fill(rng: random.Random, template: str) -> str:
    return template.format(**_slots(rng)) if "{" in template else template


# -- names and handles ----------------------------------------------------------------------


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(v.FIRST), rng.choice(v.LAST)


def zh_name(rng: random.Random) -> str:
    return rng.choice(v.ZH_SURNAME) + rng.choice(v.ZH_GIVEN)


def handle(rng: random.Random, first: str, last: str) -> str:
    """A plausible hand-picked handle (at most 15 characters, as on Twitter)."""
    style = rng.randrange(6)
    if style == 0:
        out = f"{first.lower()}_{last.lower()}{rng.randint(1, 99)}"
    elif style == 1:
        out = f"{first}{last}"
    elif style == 2:
        out = f"hk_{first.lower()}{rng.randint(80, 99)}"
    elif style == 3:
        out = f"{rng.choice(v.HANDLE_WORDS)}{first.lower()}"
    elif style == 4:
        out = f"{first[0].lower()}{last.lower()}_{rng.randint(1980, 2001)}"
    else:
        out = f"{rng.choice(v.HANDLE_WORDS)}_{rng.choice(v.HANDLE_WORDS)}{rng.randint(1, 999)}"
    return out[:15]


def random_token(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(n))


# -- operation --------------------------------------------------------------------------------


def narrative(rng: random.Random, lang: str) -> str:
    line = rng.choice(v.OP_ZH if lang == "zh" else v.OP_EN)
    opener = rng.choice(v.OP_OPENERS_ZH if lang == "zh" else v.OP_OPENERS_EN)
    mark = "！" if lang == "zh" else rng.choice((".", "!", "!!", ""))
    return f"{opener} {line}{mark}".strip()


def paraphrase(rng: random.Random, lang: str) -> str:
    """The campaign's talking points in a joiner's own words: two narrative lines, each
    cut at a word, behind its own opener (no two joiners write the same text)."""
    lines = v.OP_ZH if lang == "zh" else v.OP_EN
    parts = []
    for line in rng.sample(lines, 2):
        words = line.split()
        parts.append(" ".join(words[: rng.randint(max(1, len(words) // 2), len(words))]))
    opener = rng.choice(v.OP_OPENERS_ZH if lang == "zh" else v.OP_OPENERS_EN)
    return f"{opener} {parts[0]}, {parts[1]}".strip()


def perturb(rng: random.Random, text: str) -> str:
    """One small edit of a copy-pasted text: an emoji, punctuation, or a swapped word."""
    kind = rng.randrange(3)
    if kind == 2:
        words = [w for w in v.SWAPS if w in text]
        if words:
            word = rng.choice(words)
            return text.replace(word, v.SWAPS[word], 1)
        kind = rng.randrange(2)
    if kind == 1:
        if text.endswith(("!", ".", "！")):
            return text.rstrip("!.！") + rng.choice(("", "!!!", " ...", "。"))
        return text + rng.choice(("!", "!!", "！", " ..."))
    emoji = rng.choice(v.OP_EMOJI)
    return f"{emoji} {text}" if rng.random() < 0.3 else f"{text} {emoji}"


def campaign_post(opening: str, url: str | None, tags: list[str]) -> str:
    return (
        f"{opening} {url} " + " ".join(f"#{t}" for t in tags)
        if url
        else (f"{opening} " + " ".join(f"#{t}" for t in tags))
    )


# -- organic and hard negatives ---------------------------------------------------------------


def organic(rng: random.Random) -> tuple[str, str]:
    """(text, language) of an everyday post."""
    roll = rng.random()
    if roll < 0.45:
        return fill(rng, rng.choice(v.ORGANIC_EN)), "en"
    if roll < 0.95:
        return fill(rng, rng.choice(v.ORGANIC_ZH)), "zh"
    return fill(rng, rng.choice(v.ORGANIC_JA)), "ja"


def reply(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.5:
        return fill(rng, rng.choice(v.REPLIES_EN)), "en"
    return fill(rng, rng.choice(v.REPLIES_ZH)), "zh"


def fan(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.5:
        return fill(rng, rng.choice(v.FAN_EN)), "en"
    return fill(rng, rng.choice(v.FAN_ZH)), "zh"


def viral(rng: random.Random) -> tuple[str, str]:
    """Diverse words around one shared video: 1-2 phrases, maybe an emoji."""
    zh = rng.random() < 0.4
    pool = v.VIRAL_ZH if zh else v.VIRAL_EN
    parts = [fill(rng, p) for p in rng.sample(pool, rng.randint(1, 2))]
    if rng.random() < 0.5:
        parts.append(rng.choice(v.EMOJI))
    return " ".join(parts), "zh" if zh else "en"


def community(rng: random.Random) -> str:
    return fill(rng, rng.choice(v.COMMUNITY_POSTS))


def slug(title: str) -> str:
    """``rioters-storm-airport``: lower-case words, at most 60 characters, whole words."""
    out = _SLUG.sub("-", title.lower()).strip("-")
    return out if len(out) <= 60 else out[:61].rsplit("-", 1)[0]


def headline(rng: random.Random, fake: bool) -> tuple[str, str]:
    """(English title, Chinese title) of an article."""
    en = fill(rng, rng.choice(v.FAKE_TITLES if fake else v.NEWS_TITLES))
    zh = fill(rng, rng.choice(v.FAKE_TITLES_ZH if fake else v.NEWS_TITLES_ZH))
    return en, zh


def link(rng: random.Random) -> str:
    """A link to one of many ordinary sites."""
    words = rng.sample(v.SLUG_WORDS, rng.randint(2, 4))
    return rng.choice(v.LINK_SITES).format(
        yt=random_token(rng, 11),
        ig=random_token(rng, 8),
        slug="-".join(words),
        n6=rng.randrange(100_000, 999_999),
        n7=rng.randrange(1_000_000, 9_999_999),
        n8=rng.randrange(10_000_000, 99_999_999),
        m=rng.randint(6, 8),
        d=f"{rng.randint(1, 28):02d}",
        user=rng.choice(v.HANDLE_WORDS) + str(rng.randint(1, 99)),
        hex=f"{rng.getrandbits(48):012x}",
    )


# -- bots ----------------------------------------------------------------------------------------

#: Benign automation: (handle, display name, client, template kind). One template each.
BOTS = (
    ("HKWeatherBot", "HK Weather (unofficial bot)", "HKWx Poster", "weather_en"),
    ("hkwx_zh", "香港天氣機械人", "HKWx Poster", "weather_zh"),
    ("QuakeWatchAsia", "Quake Watch Asia", "quakebot", "quake"),
    ("HKHeadlinesBot", "HK Headlines Bot", "dlvr.it", "headlines"),
    ("HKAirBot", "HK Air Quality Bot", "IFTTT", "aqhi"),
    ("MTRStatusBot", "MTR Status (unofficial)", "mtrstatus", "mtr"),
    ("HKDRateBot", "HKD Rates Bot", "IFTTT", "fx"),
    ("HKSkyBot", "HK Sky Bot", "skybot", "sky"),
    ("HKTyphoonWatch", "Typhoon Watch HK", "twatch", "typhoon"),
    ("HarbourCamBot", "Harbour Cam Snapshots", "camposter", "cam"),
)
_SKY = ("sunny periods", "mainly cloudy", "isolated showers", "hot", "thunderstorms")
_SKY_ZH = ("間中有陽光", "大致多雲", "有驟雨", "炎熱", "有雷暴")
_PLACES = ("Hualien, Taiwan", "Kyushu, Japan", "Luzon, Philippines", "Sichuan, China")


def bot(kind: str, rng: random.Random, ts: int, headline_link: tuple[str, str] | None) -> str:
    """The text of one scheduled bot post at ``ts`` (UTC)."""
    hk = (ts // 3600 + 8) % 24  # Hong Kong hour
    stamp = f"{hk:02d}:00"
    if kind == "weather_en":
        return (
            f"HK Observatory {stamp}: {rng.randint(27, 34)}°C, humidity {rng.randint(60, 95)}%, "
            f"{rng.choice(_SKY)}. #HKWeather"
        )
    if kind == "weather_zh":
        return f"天文台{hk}時：氣溫{rng.randint(27, 34)}度，相對濕度{rng.randint(60, 95)}%，{rng.choice(_SKY_ZH)}。"  # noqa: E501
    if kind == "quake":
        return (
            f"Earthquake M{rng.uniform(3.0, 5.9):.1f}: {rng.randint(10, 200)} km "
            f"{rng.choice(('NE', 'SE', 'SW', 'NW'))} of {rng.choice(_PLACES)}, "
            f"depth {rng.randint(5, 60)} km #earthquake"
        )
    if kind == "headlines" and headline_link:
        return f"[Headlines {stamp}] {headline_link[0]} {headline_link[1]}"
    if kind == "aqhi":
        level = rng.randint(2, 8)
        risk = "low" if level <= 3 else "moderate" if level <= 6 else "high"
        return f"AQHI {stamp}: general stations {level} ({risk}), roadside {level + 1}."
    if kind == "mtr":
        status = "good service" if rng.random() < 0.8 else "minor delays"
        return f"MTR service update {stamp}: {rng.choice(v.LINES)}, {status}."
    if kind == "fx":
        return f"USD/HKD {rng.uniform(7.82, 7.85):.4f} | CNY/HKD {rng.uniform(1.10, 1.14):.4f} at {stamp} HKT"  # noqa: E501
    if kind == "sky":
        return f"Sunrise 05:{rng.randint(45, 59)}, sunset 19:{rng.randint(0, 15):02d}. UV index {rng.randint(3, 11)}."  # noqa: E501
    if kind == "typhoon":
        signal = "No tropical cyclone signal" if rng.random() < 0.85 else "Standby Signal No. 1"
        return f"Tropical cyclone check {stamp}: {signal}."
    return f"Harbour cam snapshot {stamp} HKT #VictoriaHarbour"


def cam_link(ts: int) -> str:
    return f"https://harbourcam.net/snap/{ts // 3600}.jpg"
