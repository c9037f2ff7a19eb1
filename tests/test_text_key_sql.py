"""The text key's and the hashtags' DuckDB forms equal normalise_text and hashtags_in on
ASCII text."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from loader.text import (
    FIRST_OCCURRENCES_SQL,
    HASHTAGS_ASCII_SQL,
    IS_ASCII_SQL,
    TEXT_KEY_ASCII_SQL,
    hashtags_in,
    normalise_text,
)

SQL = f"SELECT {TEXT_KEY_ASCII_SQL.format(text='t')} AS key, {IS_ASCII_SQL.format(text='t')} FROM x"


def keys(texts: list[str]) -> list[tuple[str, bool]]:
    con = duckdb.connect()
    con.execute("CREATE TABLE x (i INTEGER, t VARCHAR)")
    con.executemany("INSERT INTO x VALUES (?, ?)", list(enumerate(texts)))
    found = con.execute(SQL.replace("FROM x", "FROM x ORDER BY i")).fetchall()
    con.close()
    return found


def test_examples():
    texts = [
        "RT @hk_news: Stand with #HongKong!! https://t.co/x",
        "rt\t@a:\x0b  Same   text\x1c\x1fhere www.example.com/x?y=1 end",
        "RTS are not retweets",
        "mail me@example.com or @_x_ now; HTTPS://T.CO/ABC",
        "  __under_score__ 123 ",
        "!!!",
        "",
    ]
    found = keys(texts)
    assert [k for k, _ in found] == [normalise_text(t) for t in texts]
    assert found[0][0] == "stand with hongkong"
    assert all(ascii_ for _, ascii_ in found)
    assert keys(["Café"]) == [(keys(["Café"])[0][0], False)]


ASCII = st.text(
    alphabet=st.sampled_from(list("rRtT @:/.wWhHpPsS#_-&aZ09!?\t\n\x0b\x0c\r\x1c\x1d\x1f\x01")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ASCII, min_size=1, max_size=20))
def test_equals_normalise_text_on_ascii(texts):
    assert [k for k, _ in keys(texts)] == [normalise_text(t) for t in texts]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127)), min_size=1, max_size=20))
def test_equals_normalise_text_on_any_ascii(texts):
    texts = [t.replace("\x00", "") for t in texts]
    assert [k for k, _ in keys(texts)] == [normalise_text(t) for t in texts]


def tags(texts: list[str]) -> list[list[str]]:
    con = duckdb.connect()
    con.execute("CREATE TABLE x (i INTEGER, t VARCHAR)")
    con.executemany("INSERT INTO x VALUES (?, ?)", list(enumerate(texts)))
    found = con.execute(
        f"SELECT {FIRST_OCCURRENCES_SQL.format(tags='tags')} FROM "
        f"(SELECT i, {HASHTAGS_ASCII_SQL.format(text='t')} AS tags FROM x) ORDER BY i"
    ).fetchall()
    con.close()
    return [list(r[0]) for r in found]


def test_hashtag_examples():
    texts = ["#A x #b #a&#c ##d #e#f #_g", "no tags", "a&#39; mail#x #9 #", "#HongKong"]
    assert tags(texts) == [hashtags_in(t) for t in texts]
    assert tags(texts)[0] == ["a", "b", "d", "e", "_g"]


@settings(max_examples=300, deadline=None)
@given(st.lists(ASCII, min_size=1, max_size=20))
def test_hashtags_equal_hashtags_in_on_ascii(texts):
    assert tags(texts) == [hashtags_in(t) for t in texts]
