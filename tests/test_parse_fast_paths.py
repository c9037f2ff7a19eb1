"""The parsers' shortcuts give what the long way gives: a count, id or flag read at once is
the value (or the drop) ``Context.optional`` of the full parser gives, and a record read
with only the columns its layout reads parses to the same row."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from loader_helpers import FIXTURES

from loader.formats import FORMATS
from loader.formats.base import Context
from loader.formats.common import boolean, clean_id, integer, locale_count
from loader.reader import Record, read_csv

_WRITTEN = st.none() | st.sampled_from(
    ["", " ", "0", "12", " 12 ", "0012", "1,234", "407.137", "12.0", "-3", "1e3", "²", "٣",
     "9" * 18, "9" * 19, "9" * 25, "true", "TRUE", "False", "yes", "n", "1.5", "abc", "NA"]
) | st.text(max_size=8)  # fmt: skip


def _long_way(parse, value, name, **kwargs):  # type: ignore[no-untyped-def]
    ctx = Context(file="f", source="s")
    return ctx.optional(parse, value, name, **kwargs), ctx.dropped


def _short_way(method, value, name, *args, **kwargs):  # type: ignore[no-untyped-def]
    ctx = Context(file="f", source="s")
    return getattr(ctx, method)(value, name, *args, **kwargs), ctx.dropped


@settings(max_examples=300, deadline=None)
@given(value=_WRITTEN)
def test_shortcuts_read_what_the_parsers_read(value: str | None) -> None:
    assert _short_way("optional_integer", value, "n") == _long_way(integer, value, "n")
    assert _short_way("optional_integer", value, "n", locale_count) == _long_way(
        locale_count, value, "n"
    )
    assert _short_way("optional_boolean", value, "b") == _long_way(boolean, value, "b")
    for required in (False, True):
        assert _short_way("optional_id", value, "i", required_=required) == _long_way(
            clean_id, value, "i", required_=required
        )


def test_a_record_of_the_columns_read_parses_the_same() -> None:
    spec = FORMATS["twarc2-csv"]
    path = FIXTURES / "twarc2" / "tweets.csv"
    assert spec.reads
    whole = [r for r in read_csv(path) if isinstance(r, Record)]
    some = [r for r in read_csv(path, columns=spec.reads) if isinstance(r, Record)]
    assert len(whole) == len(some) > 3
    for full, part in zip(whole, some, strict=True):
        assert set(part.fields) < set(full.fields)
        assert part.line == full.line and part.raw == full.raw
        outcome = []
        for fields in (full.fields, part.fields):
            ctx = Context(file="f", source="s")
            try:
                outcome.append((spec.parse(fields, ctx), ctx.dropped))
            except ValueError as exc:
                outcome.append((str(exc), ctx.dropped))
        assert outcome[0] == outcome[1]


def _regex_only(body: str) -> tuple[list[str], list[str], str]:
    """What loader.text finds in ``body`` with its patterns alone (no quick tests)."""
    import unicodedata

    from loader import text

    tags = list(dict.fromkeys(t.lower() for t in text._HASHTAG.findall(body)))
    found = (m.group(0).rstrip(text._TRAILING) for m in text._LINK.finditer(body))
    links = list(dict.fromkeys(u if "://" in u else "http://" + u for u in found if u))
    value = unicodedata.normalize("NFKC", body).lower()
    for pattern, to in ((text._RT, ""), (text._URL, " "), (text._MENTION, " ")):
        value = pattern.sub(to, value)
    value = text._SPACE.sub(" ", text._NON_WORD.sub(" ", value)).strip()
    return tags, links, value


@settings(max_examples=300, deadline=None)
@given(body=st.text(st.sampled_from(list("wW.:/hHtTpPsS #@&_-x\u212a\u0130\u00e9\uff08 \n"))))
def test_the_quick_tests_on_text_find_what_the_patterns_find(body: str) -> None:
    from loader.text import hashtags_in, normalise_text, urls_in

    if body:
        assert (hashtags_in(body), urls_in(body), normalise_text(body)) == _regex_only(body)
