"""A Telegram Desktop channel export (result.json) into the graph, exactly: messages with
their chat-scoped ids and UTC times, links from link and text_link entities, hashtags,
replies, forwards of one original as reposts of one node; service messages skipped; an
old export's local date read as UTC and said so; line numbers in the document."""

from pathlib import Path

from loader_helpers import FIXTURES, load_fixture, one, pairs

from cibgraph.graph import Graph

CHAT = "1234567890"


def test_channel_export(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "telegram", tmp_path)
    (f,) = report.files
    assert f.format == "telegram"
    assert (f.loaded, f.rejected) == (6, 1)  # a service and an unsupported message load empty
    path = FIXTURES / "telegram" / "result.json"
    bad = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if '"soon"' in line)
    (reject,) = report.first_rejects
    assert reject.startswith(f"{path}:") and "field 'date_unixtime': 'soon' is not epoch" in reject
    assert 0 < bad - int(reject.split(":")[1]) < 10  # the message's first line
    assert list(f.dropped) == ["date_unixtime"] and f.dropped["date_unixtime"]["count"] == 1
    assert pairs(graph, "MATCH (a:Account)-[:POSTED]->(p:Post) RETURN a.id, p.id") == {
        (f"channel{CHAT}", f"{CHAT}/2"),
        (f"channel{CHAT}", f"{CHAT}/3"),
        (CHAT, f"{CHAT}/4"),  # an old export's bare number
        (f"channel{CHAT}", f"{CHAT}/6"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:REPLY_TO]->(o:Post) RETURN p.id, o.id") == {
        (f"{CHAT}/3", f"{CHAT}/2")
    }
    reposts = pairs(graph, "MATCH (p:Post)-[:REPOST_OF]->(o:Post) RETURN p.id, o.id")
    assert {p for p, _ in reposts} == {f"{CHAT}/2", f"{CHAT}/6"}
    assert len({o for _, o in reposts}) == 1  # the same forwarded message, one original
    assert pairs(graph, "MATCH (p:Post)-[:LINKS_TO]->(u:Url) RETURN p.id, u.url") == {
        (f"{CHAT}/{n}", url)
        for n in (2, 6)
        for url in ("https://example.org/a", "http://t.me/othernews/455")
    }
    assert pairs(graph, "MATCH (p:Post)-[:TAGS]->(h:Hashtag) RETURN p.id, h.tag") == {
        (f"{CHAT}/2", "новости"),
        (f"{CHAT}/6", "новости"),
    }
    post = one(
        graph, "MATCH (p:Post {id: $id}) RETURN p.ts AS ts, p.text AS t", {"id": f"{CHAT}/3"}
    )
    assert post == {"ts": 1614600420, "t": "Обновление"}
    old = one(graph, "MATCH (p:Post {id: $id}) RETURN p.ts AS ts", {"id": f"{CHAT}/4"})
    assert old == {"ts": 1614607680}  # 2021-03-01T14:08:00 read as UTC
    channel = one(
        graph, "MATCH (a:Account {id: $id}) RETURN a.display_name AS n", {"id": f"channel{CHAT}"}
    )
    assert channel == {"n": "Example News"}
